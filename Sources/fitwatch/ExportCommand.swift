import ArgumentParser

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print what fitwatch read from logs as JSON or CSV."
    )

    func run() throws {
        throw CLIError("'fitwatch export' is not built yet")
    }
}
