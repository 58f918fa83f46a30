import KerasModel
import TrainingLog

extension Diagnostics {
    /// The Keras line of releases that produced a run, as the screen and headless output
    /// decide it: the model's Keras version when known, else what the run's bytes showed
    /// (`RunHistory.flavour`); nil when neither says, and the rules then describe every line.
    public static func flavour(history: RunHistory, model: ModelGraph?) -> KerasFlavour? {
        model?.flavour ?? history.flavour
    }
}
