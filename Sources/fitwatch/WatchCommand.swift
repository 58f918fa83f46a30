import ArgumentParser

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch training logs, remote logs and the built-in demo in the monitor."
    )

    func run() throws {
        throw CLIError("'fitwatch watch' is not built yet")
    }
}
