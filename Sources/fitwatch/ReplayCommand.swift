import ArgumentParser

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a recorded log at its recorded pace."
    )

    func run() throws {
        throw CLIError("'fitwatch replay' is not built yet")
    }
}
