import TrainingLog

/// Keras 3's `EarlyStopping` (keras/src/callbacks/early_stopping.py): stop when `monitor`
/// has not improved for `patience` epochs; optionally restore the best epoch's weights.
public final class EarlyStopping: TrainingCallback {
    /// The log key watched (default `val_loss`).
    public let monitor: String
    /// Epochs without improvement before stopping (default 0).
    public let patience: Int
    /// Smallest change counted as an improvement (default 0).
    public let minDelta: Double
    /// Restore the best epoch's weights when training ends (default false). Keras 3.15 restores
    /// them whether or not it stopped early.
    public let restoreBestWeights: Bool
    /// Print Keras's messages (Keras's default verbose=0 prints nothing; events are always posted).
    public let verbose: Bool
    /// Direction.
    public let mode: MonitorMode

    private var wait = 0
    private var best = Double.infinity
    private var bestEpoch = 0
    private var bestWeights: [[Float]]?
    private var stoppedEpoch = 0

    /// An EarlyStopping callback with Keras's defaults.
    public init(monitor: String = "val_loss", patience: Int = 0, minDelta: Double = 0, restoreBestWeights: Bool = false,
                mode: MonitorMode = .auto, verbose: Bool = false) {
        self.monitor = monitor
        self.patience = patience
        self.minDelta = minDelta
        self.restoreBestWeights = restoreBestWeights
        self.mode = mode
        self.verbose = verbose
    }

    /// Reset state for a new `fit`.
    public func trainBegan(_ trainer: Trainer) {
        wait = 0
        stoppedEpoch = 0
        best = mode.initialBest(monitor)
        bestEpoch = 0
        bestWeights = nil
    }

    /// An epoch finished.
    public func epochEnded(_ epoch: Int, logs: inout MetricValues, trainer: Trainer) {
        guard let current = logs[monitor] else { return }
        if restoreBestWeights && bestWeights == nil {
            bestWeights = trainer.network.weights()
            bestEpoch = epoch
        }
        wait += 1
        if mode.improves(current, on: best, minDelta: minDelta, monitor: monitor) {
            best = current
            bestEpoch = epoch
            if restoreBestWeights { bestWeights = trainer.network.weights() }
            wait = 0
            return
        }
        if wait >= patience && epoch > 0 {
            stoppedEpoch = epoch
            trainer.stopTraining = true
        }
    }

    /// `fit` finished or stopped.
    public func trainEnded(_ trainer: Trainer) {
        if stoppedEpoch > 0 {
            let text = "Epoch \(stoppedEpoch + 1): early stopping"
            trainer.post(CallbackMessage(kind: .earlyStopping, epoch: stoppedEpoch + 1, text: text), printed: verbose ? text : "")
        }
        if restoreBestWeights, let bestWeights {
            let text = "Restoring model weights from the end of the best epoch: \(bestEpoch + 1)."
            trainer.post(CallbackMessage(kind: .restoredBestWeights, epoch: bestEpoch + 1, value: Double(bestEpoch + 1), text: text),
                         printed: verbose ? text : "")
            trainer.network.setWeights(bestWeights)
        }
    }
}
