import Diagnostics
import KerasModel
import Monitor
import TerminalCore
import TrainingLog

/// What the monitor needs from other areas, resolved from the command line: the rules,
/// the model file, the theme. Kept apart from the loop so each seam is one function.
enum MonitorSetup {
    /// The findings of a run.
    static let diagnose: MonitorState.Diagnose = { _, _, _ in [] }

    /// The model from `--model FILE`, if given.
    static func model(path: String?) throws -> ModelGraph? {
        guard let path else { return nil }
        throw CLIError("--model \(path): reading model files is not built yet")
    }
}
