import ArgumentParser

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a log or run spec for metrics that mean nothing and other pathologies."
    )

    func run() throws {
        throw CLIError("'fitwatch check' is not built yet")
    }
}
