import ArgumentParser

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a training command under a pseudo-terminal and watch it."
    )

    func run() throws {
        throw CLIError("'fitwatch run' is not built yet")
    }
}
