import KerasModel
import Monitor
import TerminalCore
import Widgets

/// What the monitor needs from other areas, resolved from the command line before the
/// screen starts, so a bad `--model` or `--theme` is a one-line error on a normal terminal.
enum MonitorSetup {
    /// The model from `--model FILE`, if given.
    static func model(path: String?) throws -> ModelGraph? {
        guard let path else { return nil }
        do {
            return try ModelFileReader.read(path: path)
        } catch {
            throw CLIError("fitwatch: --model \(path): \(error)")
        }
    }

    /// The theme from `--theme NAME|FILE` (the built-in dark one by default).
    static func theme(nameOrPath: String?) throws -> Theme {
        guard let nameOrPath else { return .dark }
        do {
            return try Theme.load(nameOrPath: nameOrPath)
        } catch {
            throw CLIError("fitwatch: --theme: \(error)")
        }
    }
}
