import ArgumentParser
import Feeds
import Foundation

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
            PlotCommand.self,
        ],
        defaultSubcommand: WatchCommand.self
    )

    /// Parses and runs like ArgumentParser's `main`, but reports every failure as the product
    /// promises: one line on stderr naming what and where, and exit status 2 for bad input
    /// (ArgumentParser alone prints `Error: ` plus a usage block and exits 1 or 64).
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            let (line, code) = report(for: error, arguments: arguments)
            guard let line else { exit(withError: error) }
            FileHandle.standardError.write(Data((line + "\n").utf8))
            Foundation.exit(code)
        }
    }

    /// The one-line message and exit status for `error`, or nil for what ArgumentParser
    /// should print itself: help, `--version`, and an `ExitCode` a command already explained.
    static func report(for error: any Error, arguments: [String]) -> (line: String?, code: Int32) {
        switch error {
        case let error as CLIError:
            return (oneLine(error.message), error.code)
        case let error as FeedFactory.BadSource:
            return (oneLine(error.description), 2)
        case is ExitCode, is CleanExit:
            return (nil, 0)
        default:
            let code = exitCode(for: error)
            if code == .success { return (nil, 0) }
            let message = flattened(self.message(for: error))
            if code == .validationFailure {
                // A usage mistake is bad input: name it and where the help is, not the whole usage.
                let sub = arguments.first { !$0.hasPrefix("-") }.flatMap { word in
                    configuration.subcommands.first { $0._commandName == word }.map { " \($0._commandName)" }
                } ?? ""
                return ("fitwatch\(sub): \(lowercasedFirst(message)) (see 'fitwatch\(sub) --help')", 2)
            }
            return (oneLine(message), 1)
        }
    }

    /// `text` on one line, prefixed `fitwatch` once (messages thrown by commands already start with it).
    static func oneLine(_ text: String) -> String {
        let bare = flattened(text)
        return bare.hasPrefix("fitwatch") ? bare : "fitwatch: \(bare)"
    }

    /// `text`'s lines joined with spaces, without ArgumentParser's `Error: ` prefix.
    static func flattened(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        return flat.hasPrefix("Error: ") ? String(flat.dropFirst("Error: ".count)) : flat
    }

    /// ArgumentParser's messages start with a capital ("Unknown option"); after a colon we write lower case.
    static func lowercasedFirst(_ text: String) -> String {
        guard let first = text.first, first.isUppercase, !text.dropFirst().prefix(1).allSatisfy(\.isUppercase) else { return text }
        return first.lowercased() + text.dropFirst()
    }
}
