import KerasModel
import TrainingLog

extension Diagnostics {
    /// The Keras line of releases that produced a run, as the screen and headless output
    /// decide it: the model's Keras version when known, else the log format (a `verbose=2`
    /// log counts as tf-keras); nil when neither says, and the rules then assume what they
    /// document.
    public static func flavour(history: RunHistory, model: ModelGraph?) -> KerasFlavour? {
        model?.flavour ?? (history.format == .kerasVerbose2 ? .keras2 : RunFacts.flavour(of: history.format))
    }
}
