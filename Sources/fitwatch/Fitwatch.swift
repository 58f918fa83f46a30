import ArgumentParser

/// fitwatch: a full-screen terminal monitor for Keras training runs.
@main
struct Fitwatch: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "fitwatch",
        abstract: "A full-screen terminal monitor for Keras training runs.",
        discussion: """
        With no arguments, starts the built-in demo: the in-process training core reproducing \
        the classic "accuracy with mean squared error" mistake, with its warning.
        """,
        version: version,
        subcommands: [
            WatchCommand.self,
            TrainCommand.self,
            RunCommand.self,
            ReplayCommand.self,
            CheckCommand.self,
            ExportCommand.self,
        ],
        defaultSubcommand: WatchCommand.self
    )
}
