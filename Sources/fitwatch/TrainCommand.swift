import ArgumentParser

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model from a run spec with the in-process training core."
    )

    func run() throws {
        throw CLIError("'fitwatch train' is not built yet")
    }
}
