import Diagnostics
import KerasModel
import TrainingLog

/// The findings headless output reports for a run: the same rules as the screen, given the
/// model from `--model` (else what the log revealed) and the lines the reader kept as noise.
enum HeadlessFindings {
    static func findings(for history: RunHistory, model: ModelGraph?, noise: [String]) -> [Finding] {
        let model = model ?? history.model
        return Diagnostics.findings(history: history, model: model, flavour: flavour(of: history, model: model),
                                    logLines: noise)
    }

    /// The Keras line of releases: from the model's version, else the log format (as the
    /// monitor decides it).
    static func flavour(of history: RunHistory, model: ModelGraph?) -> KerasFlavour? {
        if let version = model?.kerasVersion, let flavour = KerasFlavour(version: version) { return flavour }
        switch history.format {
        case .keras2, .kerasVerbose2: return .keras2
        case .keras1: return .keras1
        case .keras3: return .keras3
        default: return nil
        }
    }
}
