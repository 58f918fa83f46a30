import Feeds

/// The full-screen monitor's main loop: drain the inbox, update, render, draw changed cells.
/// Owned by the monitor work (issue 5).
enum MonitorLoop {
    static func run(feeds: [any Feed], options: WatchOptions) throws -> Int32 {
        throw CLIError("the monitor is not built yet")
    }
}
