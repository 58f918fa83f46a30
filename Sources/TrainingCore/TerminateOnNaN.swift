import TrainingLog

/// Keras 3's `TerminateOnNaN`: stop after the first batch whose running loss is NaN or infinite.
public final class TerminateOnNaN: TrainingCallback {
    /// A TerminateOnNaN callback.
    public init() {}

    /// A training batch finished.
    public var observesBatches: Bool { true }

    public func batchEnded(_ batch: Int, logs: MetricValues, trainer: Trainer) {
        guard let loss = logs["loss"], !loss.isFinite, !trainer.stopTraining else { return }
        let text = "Batch \(batch): Invalid loss, terminating training"
        trainer.post(CallbackMessage(kind: .terminatedOnNaN, epoch: trainer.currentEpoch, value: loss, text: text), printed: text)
        trainer.stopTraining = true
    }
}
