import TrainingLog

/// Keras 3's `ReduceLROnPlateau` (keras/src/callbacks/reduce_lr_on_plateau.py): multiply the
/// learning rate by `factor` after `patience` epochs without improvement of `monitor`.
/// Like Keras it adds `learning_rate` to every epoch's logs.
public final class ReduceLROnPlateau: TrainingCallback {
    /// The log key watched (default `val_loss`).
    public let monitor: String
    /// Multiplier (default 0.1).
    public let factor: Double
    /// Epochs without improvement before reducing (default 10).
    public let patience: Int
    /// Smallest change counted as an improvement (default 1e-4).
    public let minDelta: Double
    /// Epochs to wait after a reduction (default 0).
    public let cooldown: Int
    /// Floor for the learning rate (default 0).
    public let minLR: Double
    /// Print Keras's message (default verbose=0 prints nothing; events are always posted).
    public let verbose: Bool
    /// Direction.
    public let mode: MonitorMode

    private var wait = 0
    private var cooldownCounter = 0
    private var best = Double.infinity

    /// A ReduceLROnPlateau callback with Keras's defaults; throws for `factor >= 1` as Keras does.
    public init(monitor: String = "val_loss", factor: Double = 0.1, patience: Int = 10, minDelta: Double = 1e-4,
                cooldown: Int = 0, minLR: Double = 0, mode: MonitorMode = .auto, verbose: Bool = false) throws {
        guard factor < 1 else {
            throw SpecError("ReduceLROnPlateau does not support a factor >= 1.0. Received factor=\(factor)")
        }
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.minDelta = minDelta
        self.cooldown = cooldown
        self.minLR = minLR
        self.mode = mode
        self.verbose = verbose
    }

    /// Reset state for a new `fit`.
    public func trainBegan(_ trainer: Trainer) {
        wait = 0
        cooldownCounter = 0
        best = mode.initialBest(monitor)
    }

    /// An epoch finished.
    public func epochEnded(_ epoch: Int, logs: inout MetricValues, trainer: Trainer) {
        logs["learning_rate"] = Double(trainer.optimizer.learningRate)
        guard let current = logs[monitor] else { return }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            wait = 0
        }
        if mode.improves(current, on: best, minDelta: minDelta, monitor: monitor) {
            best = current
            wait = 0
        } else if cooldownCounter <= 0 {
            wait += 1
            if wait >= patience {
                let old = Double(trainer.optimizer.learningRate)
                if old > Double(Float(minLR)) {
                    let new = max(old * factor, minLR)
                    trainer.optimizer.learningRate = Float(new)
                    // Python prints the float64 product with repr(): Swift's description matches it.
                    let text = "Epoch \(epoch + 1): ReduceLROnPlateau reducing learning rate to \(new)."
                    trainer.post(CallbackMessage(kind: .learningRateChange, epoch: epoch + 1, value: new, text: text),
                                 printed: verbose ? "\n" + text : "")
                }
                cooldownCounter = cooldown
                wait = 0
            }
        }
    }
}
