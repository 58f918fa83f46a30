import KerasModel
import TrainingLog

/// Rules about the logged numbers: NaN, divergence, overfitting, metrics or losses that do
/// not move. The numbers are facts, so these findings are `certain`.
///
/// How Keras produces the numbers, in every version these rules speak of (Keras 3.x:
/// keras/src/backend/jax/trainer.py `JAXTrainer.fit`; tf-keras 2.x: tf_keras/src/engine/training.py
/// `Model.fit`; Keras 2.2.4: keras/engine/training_arrays.py `fit_loop`): `loss` and training
/// metrics are running means over the epoch's batches while the weights change; `val_*` are
/// computed once at the end of the epoch with the final weights of that epoch.
extension Diagnostics {
    // MARK: nan-loss

    static func nanLoss(_ facts: RunFacts) -> [Finding] {
        var evidence: [String] = []
        var epoch: Int?
        var names: [String] = []
        // The first epoch with a non-finite loss, found a column at a time (a missing value
        // reads as 0 there, not as a NaN); a name is split only when its column has one (a
        // CSVLogger file may have 10,000 outputs), and only that epoch's record is built.
        let epochs = facts.history.epochs
        var firstBad: Int?
        for name in epochs.metricNames {
            guard let index = epochs.values(of: name, missing: 0).firstIndex(where: { !$0.isFinite }), index < (firstBad ?? .max),
                  PrintedMetric(name, outputs: facts.outputs).isLoss else { continue }
            firstBad = index
        }
        for record in firstBad.map({ [epochs[$0]] }) ?? [] {
            for (name, value) in record.metrics where !value.isFinite && PrintedMetric(name, outputs: facts.outputs).isLoss {
                if epoch == nil { epoch = record.epoch }
                if !names.contains(name) {
                    names.append(name)
                    evidence.append("\(name) = \(NumberText.keras(value)) at the end of epoch \(record.epoch)")
                }
            }
            if epoch != nil { break }
        }
        if epoch == nil, let progress = facts.history.lastProgress {
            for (name, value) in progress.metrics where !value.isFinite && PrintedMetric(name, outputs: facts.outputs).isLoss {
                epoch = progress.epoch
                names.append(name)
                evidence.append("\(name) = \(NumberText.keras(value)) at step \(progress.step) of epoch \(progress.epoch)")
            }
        }
        for message in facts.history.messages where message.kind == .terminatedOnNaN {
            evidence.append("TerminateOnNaN: \(firstLine(message.text, containing: "loss"))")
            if epoch == nil { epoch = message.epoch ?? facts.history.currentEpoch }
        }
        guard let first = epoch else { return [] }
        let before = facts.values("loss").prefix { $0.isFinite }
        if let last = before.last, let start = before.first {
            evidence.append("loss was finite before: \(NumberText.keras(start)) -> \(NumberText.keras(last))")
        }
        return [Finding(
            id: "nan-loss", severity: .error, confidence: .certain, epoch: first,
            title: "the loss became \(evidence.first?.contains("nan") == true ? "NaN" : "infinite")",
            evidence: evidence,
            explanation: "\(facts.releases): the epoch's loss is a running mean over its batches, so one batch whose "
                + "loss overflowed shows as inf or nan for the whole epoch. Its gradients are inf/NaN too, and any weight "
                + "they reach can turn NaN for good; numbers after this point are not comparable with those before. "
                + "Usual causes: a learning rate too high for unscaled inputs or targets, log(0) in a custom loss, or "
                + "exploding gradients in deep or recurrent nets. Only losses count: a metric that prints nan (a "
                + "ratio whose denominator is 0 on a small validation set) says nothing about the weights.",
            fix: "Standardise inputs (and large regression targets), lower the learning rate (or add clipnorm=1.0 to the "
                + "optimizer), and add keras.callbacks.TerminateOnNaN() to stop at the first bad batch.",
            metrics: names)]
    }

    // MARK: diverging

    static func diverging(_ facts: RunFacts) -> [Finding] {
        let loss = facts.values("loss")
        guard loss.count >= 2, let start = loss.first, start.isFinite else { return [] }
        var best = start
        for index in 1..<loss.count {
            let value = loss[index]
            guard value.isFinite else { break }
            if value >= Thresholds.divergenceFactor * best && value > start {
                let epoch = facts.epochs[index].epoch
                let last = loss.prefix { $0.isFinite }.last ?? value
                var evidence = [
                    "loss \(NumberText.keras(value)) at epoch \(epoch) is \(NumberText.short((value / best).rounded()))x the best so far (\(NumberText.keras(best)))",
                ]
                if last != value { evidence.append("loss reached \(NumberText.keras(last)) by the last finite epoch") }
                if let lr = facts.model?.optimizer?.learningRate {
                    evidence.append("optimizer \(facts.model?.optimizer?.name ?? "?") with learning rate \(NumberText.short(lr))")
                }
                return [Finding(
                    id: "diverging", severity: .error, confidence: .certain, epoch: epoch,
                    title: "the training loss is growing by orders of magnitude",
                    evidence: evidence,
                    explanation: "\(facts.releases): the printed loss is the mean over the epoch's batches; growing "
                        + "\(NumberText.short(Thresholds.divergenceFactor))x past its best means each update overshoots "
                        + "and makes the next one larger. It ends in inf/NaN unless stopped.",
                    fix: "Lower the learning rate by 10x, standardise inputs and regression targets, or clip gradients "
                        + "(optimizer clipnorm=1.0).",
                    metrics: ["loss"])]
            }
            best = min(best, value)
        }
        return []
    }

    // MARK: overfitting

    static func overfitting(_ facts: RunFacts) -> [Finding] {
        guard facts.has("val_loss") else { return [] }
        let validation = facts.values("val_loss")
        let training = facts.values("loss")
        guard validation.count >= Thresholds.overfittingPatience + 2 else { return [] }
        var bestIndex = 0
        for index in validation.indices where validation[index].isFinite && validation[index] < validation[bestIndex] {
            bestIndex = index
        }
        let best = validation[bestIndex]
        let lastIndex = validation.count - 1
        let last = validation[lastIndex]
        // The last two epochs both above the best by the margin (one noisy epoch is not a
        // trend), and the curve since the best going mostly up, not up and down around a
        // plateau as a small validation set's does (see `Thresholds.overfittingTrend`).
        let recent = validation.suffix(2)
        guard best.isFinite, last.isFinite, lastIndex - bestIndex >= Thresholds.overfittingPatience,
              recent.allSatisfy({ $0.isFinite && $0 >= best * (1 + Thresholds.overfittingRise) }),
              training[lastIndex] < training[bestIndex] * (1 - Thresholds.overfittingTrainFall),
              trend(validation[bestIndex...]) >= Thresholds.overfittingTrend else { return [] }
        // The user already keeps the best epoch's weights: EarlyStopping restored them, or
        // ModelCheckpoint(save_best_only=True) on val_loss saved them. Nothing to do.
        if facts.history.messages.contains(where: { $0.kind == .restoredBestWeights }) || keepsBestCheckpoint(facts) {
            return []
        }
        let bestEpoch = facts.epochs[bestIndex].epoch
        let lastEpoch = facts.epochs[lastIndex].epoch
        var evidence = [
            "val_loss best \(NumberText.keras(best)) at epoch \(bestEpoch), \(NumberText.keras(last)) at epoch \(lastEpoch) "
                + "(+\(NumberText.percent(last / best - 1)))",
            "loss fell \(NumberText.keras(training[bestIndex])) -> \(NumberText.keras(training[lastIndex])) over the same epochs",
        ]
        let accuracy = facts.metrics.first { $0.isAccuracy && $0.isValidation && $0.output == nil }
        if let accuracy, let best = facts.epochs[bestIndex].metrics[accuracy.printed] {
            evidence.append("\(accuracy.printed) at the best epoch: \(NumberText.keras(best))")
        }
        return [Finding(
            id: "overfitting", severity: .warning, confidence: .certain, epoch: bestEpoch + 1,
            title: "validation loss rising since epoch \(bestEpoch) while training loss falls",
            evidence: evidence,
            explanation: "\(facts.releases): val_loss is measured on held-out data at the end of each epoch; loss is the "
                + "running mean over the epoch's training batches. Training loss falling while validation loss rises "
                + "means the model is fitting the training set's noise: the weights of epoch \(bestEpoch) generalised best, "
                + "every later epoch is worse on new data. Not reported when the best weights are kept (EarlyStopping "
                + "printed \"Restoring model weights\", or ModelCheckpoint printed \"val_loss improved from\"), nor when "
                + "the rise is noise: one high epoch, or a validation loss that goes up and down around a plateau, as a "
                + "small validation set's does (rises must outweigh falls since the best epoch by "
                + "\(NumberText.short((1 + Thresholds.overfittingTrend) / (1 - Thresholds.overfittingTrend)))x).",
            fix: "Keep the weights of epoch \(bestEpoch): callbacks=[keras.callbacks.EarlyStopping(monitor='val_loss', "
                + "patience=\(Thresholds.overfittingPatience), restore_best_weights=True)]; then add regularisation "
                + "(Dropout, weight decay), more data or augmentation, or a smaller model.",
            metrics: ["loss", "val_loss"])]
    }

    /// How consistently a curve rose: (sum of rises - sum of falls) / (sum of both), from -1
    /// (only falls) to 1 (only rises); 0 for a flat or empty curve.
    static func trend(_ values: ArraySlice<Double>) -> Double {
        var rises = 0.0, falls = 0.0
        var previous: Double?
        for value in values where value.isFinite {
            if let previous {
                if value > previous { rises += value - previous } else { falls += previous - value }
            }
            previous = value
        }
        return rises + falls > 0 ? (rises - falls) / (rises + falls) : 0
    }

    // MARK: stuck-metric

    /// Values Keras logs beside the metrics that are settings, not measurements: a constant
    /// learning rate (Keras 3 logs `learning_rate` to History, CSVLogger and TensorBoard when a
    /// schedule or ReduceLROnPlateau is used; tf-keras logs `lr`) is expected to stand still.
    static let settingNames: Set<String> = ["lr", "learning_rate"]

    /// A metric is stuck when every complete epoch printed the same value while its loss moved,
    /// except where a healthy run does the same (each exception in `Thresholds` too):
    /// - the value is the best the metric can reach (`MetricKind.best`: precision, recall, AUC,
    ///   F1, accuracy at 1.0; an error at 0.0): a perfect score has nowhere to move;
    /// - a validation value whose training twin moved (or sat at its best): `val_*` is computed once per epoch on a
    ///   fixed set, a ratio of counts (accuracy's hits, Precision/Recall/AUC/F1's true and false
    ///   positives at a threshold) that moves in steps of 1/n and changes only when a sample
    ///   crosses the threshold, so a small or easy validation set can hold one value for the
    ///   whole run while the training value, accumulated while the weights change, shows the
    ///   metric responds. A metric that cannot move (accuracy on regression targets, a
    ///   constant prediction) is stuck in training too, where it is still reported.
    static func stuckMetric(_ facts: RunFacts) -> [Finding] {
        guard facts.epochs.count >= Thresholds.minimumEpochs else { return [] }
        var stuck: [(metric: PrintedMetric, value: Double, loss: (Double, Double))] = []
        for metric in facts.metrics where !metric.isLoss && !settingNames.contains(metric.base) {
            guard let first = constantValue(facts.values(metric.printed)) else { continue }
            if metric.kind.isBest(first) { continue }
            // The training value moved, or sat at its best (a perfect fit of an easy training
            // set has nowhere to move): the metric responds to the weights.
            if let twin = metric.trainingTwin, facts.has(twin),
               constantValue(facts.values(twin)).map({ metric.kind.isBest($0) }) ?? true { continue }
            let loss = facts.values(metric.companionLoss).filter(\.isFinite)
            guard let start = loss.first, let end = loss.last, start != 0,
                  abs(end - start) / abs(start) >= Thresholds.stuckLossChange else { continue }
            stuck.append((metric, first, (start, end)))
        }
        guard let first = stuck.first else { return [] }
        var evidence = stuck.map { entry in
            "\(entry.metric.printed) = \(NumberText.keras(entry.value)) in all \(facts.epochs.count) epochs while "
                + "\(entry.metric.companionLoss) moved \(NumberText.keras(entry.loss.0)) -> \(NumberText.keras(entry.loss.1))"
        }
        let resolved = resolve(first.metric, facts)
        if let resolved { evidence.append("\(first.metric.printed) is \(resolved.formula)") }
        if let counted = stuck.first(where: { $0.metric.kind.isThresholdCount }) {
            evidence.append(thresholdEvidence(counted.metric, value: counted.value))
        }
        return [Finding(
            id: "stuck-metric", severity: .warning, confidence: .certain, epoch: 1,
            title: "\(first.metric.printed) does not move while the loss does",
            evidence: evidence,
            explanation: "\(facts.releases): training metrics are accumulated over the epoch's batches from the same "
                + "predictions the loss sees, while the weights change. A training metric printed identically every "
                + "epoch while its loss changes is measuring something the training does not affect: accuracy on "
                + "regression targets (exactly 0), a constant prediction (accuracy fixed at the majority share, e.g. "
                + "softmax over one unit or Dropout(1.0)), or a threshold the outputs never cross (precision or recall 0). "
                + "Not reported, because healthy runs do it: a value at the metric's best (precision, recall, AUC, F1 "
                + "or accuracy at 1.0, an error at 0.0), and a validation value that stands still while its training "
                + "value moves (or is perfect): val_* is a ratio of counts on a fixed set, computed once per epoch, which changes only "
                + "when a sample crosses the threshold (steps of 1/n on n validation samples).",
            fix: "Check what the metric resolved to for this output (see the other findings) and replace it with one that "
                + "matches the task: 'mae' for regression, 'accuracy' only with a sigmoid/softmax classification output.",
            metrics: stuck.map(\.metric.printed))]
    }

    /// What a stuck ratio of counts says about the predictions (keras/src/metrics/confusion_metrics.py:
    /// `Precision.result` is `divide_no_nan(tp, tp + fp)`, 0 when nothing was predicted positive;
    /// an AUC of 0.5 is what one score for every sample gets; tf-keras alike).
    static func thresholdEvidence(_ metric: PrintedMetric, value: Double) -> String {
        let name = MetricKind.unnumbered(metric.base.lowercased())
        if value == 0 && ["precision", "recall", "f1_score", "fbeta_score", "f1"].contains(name) {
            return "\(metric.printed) is computed from counts at a threshold; 0 every epoch means no sample was ever "
                + "predicted positive (Keras prints 0 when nothing was)"
        }
        if abs(value - 0.5) <= Thresholds.absoluteRounding && name.hasSuffix("auc") {
            return "\(metric.printed) = 0.5 is what a model that gives every sample the same score gets"
        }
        return "\(metric.printed) is computed from counts at a threshold: it stays put only while no sample's "
            + "prediction crosses the threshold, in training too"
    }

    /// The value every epoch printed, nil when the series moved (or is empty or not finite).
    static func constantValue(_ series: [Double]) -> Double? {
        guard let first = series.first, first.isFinite, series.allSatisfy({ $0 == first }) else { return nil }
        return first
    }

    // MARK: constant-loss

    static func constantLoss(_ facts: RunFacts) -> [Finding] {
        let loss = facts.values("loss")
        // A loss of exactly 0 is the best it can be: nothing is left to learn, nothing is broken.
        guard loss.count >= Thresholds.constantLossEpochs, let first = loss.first, first.isFinite, first != 0,
              loss.allSatisfy({ $0 == first }) else { return [] }
        var evidence = ["loss = \(NumberText.keras(first)) in all \(loss.count) epochs"]
        if let validation = facts.observed("val_loss") { evidence.append(validation) }
        return [Finding(
            id: "constant-loss", severity: .error, confidence: .certain, epoch: 1,
            title: "the loss never changes: nothing is learning",
            evidence: evidence,
            explanation: "\(facts.releases): the printed loss is the running mean over the epoch's batches; with any "
                + "gradient step at all it moves in the 4th place. Identical values mean every prediction is constant or "
                + "no weight receives a gradient: softmax over one unit (Keras 3), Dropout(1.0), a zero learning rate, "
                + "all layers frozen (trainable=False), or a loss on outputs detached from the weights. A learning-rate "
                + "schedule or ReduceLROnPlateau cannot do this: the first epochs run at the initial rate. A loss of "
                + "exactly 0 (a perfect fit) is not reported.",
            fix: "Look for a softmax on a 1-unit layer, a Dropout rate of 1, learning_rate=0 or trainable=False; "
                + "model.summary() shows trainable parameters.",
            metrics: ["loss"])]
    }

    // MARK: early-stopping-without-restore

    /// True when ModelCheckpoint(save_best_only=True) on val_loss ran: Keras 3
    /// (keras/src/callbacks/model_checkpoint.py `_save_model`) and tf-keras print
    /// "Epoch N: val_loss improved from A to B, saving model to P" or "val_loss did not improve
    /// from A" only with save_best_only, so the best epoch's weights are on disk.
    static func keepsBestCheckpoint(_ facts: RunFacts) -> Bool {
        facts.history.messages.contains { message in
            message.kind == .checkpoint
                && (message.text.contains("val_loss improved from") || message.text.contains("val_loss did not improve from"))
        }
    }

    /// tf-keras and Keras 3 print "Restoring model weights from the end of the best epoch" only
    /// with restore_best_weights=True (keras/src/callbacks/early_stopping.py `on_epoch_end`).
    static func earlyStoppingWithoutRestore(_ facts: RunFacts) -> [Finding] {
        let messages = facts.history.messages
        guard let stop = messages.first(where: { $0.kind == .earlyStopping }),
              !messages.contains(where: { $0.kind == .restoredBestWeights }), !keepsBestCheckpoint(facts) else { return [] }
        return [Finding(
            id: "early-stopping-without-restore", severity: .info, confidence: .suspected, epoch: stop.epoch,
            title: "EarlyStopping stopped without restoring the best weights",
            evidence: ["\(stop.text)", "no \"Restoring model weights\" message followed"],
            explanation: "\(facts.releases): EarlyStopping keeps the weights of the last epoch unless "
                + "restore_best_weights=True; the model you save is then `patience` epochs past its best. Not reported "
                + "when ModelCheckpoint(save_best_only=True) kept the best epoch on disk (\"val_loss improved from\").",
            fix: "keras.callbacks.EarlyStopping(monitor='val_loss', patience=..., restore_best_weights=True).",
            metrics: ["val_loss"])]
    }
}
