import TrainingLog

/// Hooks into the fit loop, as Keras callbacks are. Printing progress, writing a CSV log,
/// early stopping and learning-rate schedules are all callbacks. Epochs and batches are
/// 0-based, as Keras passes them.
public protocol TrainingCallback: AnyObject {
    /// `fit` is about to run its first epoch.
    func trainBegan(_ trainer: Trainer)
    /// An epoch begins.
    func epochBegan(_ epoch: Int, trainer: Trainer)
    /// True when the callback reads `batchEnded`: the trainer builds a batch's logs (costlier
    /// than a small model's step) only when one does.
    var observesBatches: Bool { get }
    /// A training batch finished; `logs` are the epoch's running averages so far.
    func batchEnded(_ batch: Int, logs: MetricValues, trainer: Trainer)
    /// An epoch finished; callbacks may add keys (ReduceLROnPlateau adds `learning_rate`).
    func epochEnded(_ epoch: Int, logs: inout MetricValues, trainer: Trainer)
    /// `fit` finished or stopped.
    func trainEnded(_ trainer: Trainer)
    /// A callback said something (`printed` is the exact text Keras would print, newline excluded).
    func received(_ message: CallbackMessage, printed: String)
}

extension TrainingCallback {
    /// Reset state for a new `fit`.
    public func trainBegan(_ trainer: Trainer) {}
    /// An epoch begins.
    public func epochBegan(_ epoch: Int, trainer: Trainer) {}
    /// Most callbacks act per epoch.
    public var observesBatches: Bool { false }
    /// A training batch finished.
    public func batchEnded(_ batch: Int, logs: MetricValues, trainer: Trainer) {}
    /// An epoch finished.
    public func epochEnded(_ epoch: Int, logs: inout MetricValues, trainer: Trainer) {}
    /// `fit` finished or stopped.
    public func trainEnded(_ trainer: Trainer) {}
    /// A callback message to print.
    public func received(_ message: CallbackMessage, printed: String) {}
}
