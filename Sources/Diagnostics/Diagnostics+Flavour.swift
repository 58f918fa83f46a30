import KerasModel
import TrainingLog

extension Diagnostics {
    /// The Keras line of releases that produced a run, as the screen and headless output
    /// decide it: the model's Keras version when known, else the log format (a `verbose=2`
    /// log counts as tf-keras); nil when neither says, and the rules then assume what they
    /// document.
    public static func flavour(history: RunHistory, model: ModelGraph?) -> KerasFlavour? {
        if let version = model?.kerasVersion, let flavour = KerasFlavour(version: version) { return flavour }
        switch history.format {
        case .keras3: return .keras3
        case .keras2, .kerasVerbose2: return .keras2
        case .keras1: return .keras1
        default: return nil
        }
    }
}
