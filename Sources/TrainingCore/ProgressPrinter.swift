import TrainingLog

/// Writes Keras 3's verbose=1 training output (`Epoch N/M`, the redrawn bar, callback
/// messages) byte for byte, so a log written by `fitwatch train` reads back through the
/// Keras 3 log reader, the tail and the replay exactly like a real one.
public final class ProgressPrinter: TrainingCallback {
    private let write: (String) -> Void
    private let clock: () -> Double
    private var epochs = 0
    private var bar: Keras3Progbar?

    /// A printer sending its bytes to `write`; `clock` gives monotonic seconds.
    public init(clock: @escaping () -> Double, write: @escaping (String) -> Void) {
        self.clock = clock
        self.write = write
    }

    /// Reset state for a new `fit`.
    public func trainBegan(_ trainer: Trainer) { epochs = trainer.plan.epochs }

    /// An epoch begins.
    public func epochBegan(_ epoch: Int, trainer: Trainer) {
        bar = Keras3Progbar(target: trainer.plan.steps, start: clock())
        if epochs > 1 { write("Epoch \(epoch + 1)/\(epochs)\n") }
    }

    /// A training batch finished.
    public var observesBatches: Bool { true }

    public func batchEnded(_ batch: Int, logs: MetricValues, trainer: Trainer) {
        if let text = bar?.update(current: batch + 1, logs: Array(logs), finalize: false, now: clock()) { write(text) }
    }

    /// An epoch finished.
    public func epochEnded(_ epoch: Int, logs: inout MetricValues, trainer: Trainer) {
        if let text = bar?.update(current: trainer.plan.steps, logs: Array(logs), finalize: true, now: clock()) { write(text) }
    }

    /// A callback message to print.
    public func received(_ message: CallbackMessage, printed: String) {
        if !printed.isEmpty { write(printed + "\n") }
    }
}
