import Feeds

/// Headless output: finished epochs and new findings as lines, or JSON lines (`--jsonl`).
/// Owned by the sources work (issue 6).
enum HeadlessRunner {
    enum Style { case lines, jsonLines }

    static func run(feeds: [any Feed], options: WatchOptions, style: Style) throws -> Int32 {
        throw CLIError("headless output is not built yet")
    }
}
