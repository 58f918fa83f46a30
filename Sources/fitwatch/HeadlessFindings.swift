import Diagnostics
import KerasModel
import TrainingLog

/// The findings headless output reports for a run: the same rules as the screen, given the
/// model from `--model` (else what the log revealed) and the lines the reader kept as noise.
enum HeadlessFindings {
    static func findings(for history: RunHistory, model: ModelGraph?, noise: [String]) -> [Finding] {
        let model = model ?? history.model
        return Diagnostics.findings(history: history, model: model,
                                    flavour: Diagnostics.flavour(history: history, model: model),
                                    logLines: noise)
    }
}
