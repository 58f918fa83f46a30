import Foundation
import KerasModel
import TrainingLog

/// Rules about the model and compile config: metrics that mean nothing, losses that do not
/// fit the output. Certain with an exact config; some are suspected from the log alone.
extension Diagnostics {
    // MARK: accuracy-on-regression

    static func accuracyOnRegression(_ facts: RunFacts) -> [Finding] {
        if facts.knowsCompileConfig, let model = facts.model {
            return model.outputs.compactMap { spec in accuracyOnRegression(spec, model: model, facts) }
        }
        return suspectedAccuracyOnRegression(facts)
    }

    private static func accuracyOnRegression(_ spec: OutputSpec, model: ModelGraph, _ facts: RunFacts) -> Finding? {
        guard let loss = spec.loss, loss.kind.isRegression else { return nil }
        let configured = spec.metrics.filter { PrintedMetric.accuracyNames.contains($0.lowercased()) }
        guard let metric = configured.first else { return nil }
        let flavour = facts.flavour ?? .keras3
        let units = model.outputUnits(spec.name)
        let resolved = MetricResolution.resolve(metric: metric, outputUnits: units, target: spec.target ?? .singleValue,
                                                loss: loss.kind, flavour: flavour)
        var names = facts.printed(for: spec.name) { $0.isAccuracy }.map(\.printed)
        if names.isEmpty { names = configured.flatMap { facts.expectedNames($0, output: spec.name) } }
        var evidence = [
            "\(facts.describe(output: spec.name)) is trained with loss '\(loss.configuredName)', a regression loss",
            "metrics=['\(metric)'] resolved to \(resolved.formula) (\(flavour.releases))",
        ]
        evidence += names.compactMap(facts.observed)
        return Finding(
            id: "accuracy-on-regression", severity: .warning, confidence: facts.configConfidence, epoch: 1,
            title: "'\(metric)' on a regression output measures nothing",
            evidence: evidence,
            explanation: accuracyExplanation(resolved, flavour: flavour),
            fix: "Drop '\(metric)' and track an error in the target's units: "
                + "compile(loss='\(loss.configuredName)', metrics=['mae']) (or keras.metrics.RootMeanSquaredError()).",
            metrics: names)
    }

    /// What the resolved accuracy computes on real-valued targets, per version.
    /// Sources: keras/src/trainers/compile_utils.py `get_metric` (3.15.1) and
    /// keras/src/metrics/accuracy_metrics.py `binary_accuracy` (`y_pred > threshold`);
    /// tf_keras/src/engine/compile_utils.py `MetricsContainer._get_metric_object` and
    /// tf_keras/src/metrics/accuracy_metrics.py `binary_accuracy` (2.21.0);
    /// keras/engine/training.py `compile` > `handle_metrics` and keras/metrics.py
    /// `binary_accuracy` = `K.mean(K.equal(y_true, K.round(y_pred)))` (2.2.4).
    static func accuracyExplanation(_ resolved: ResolvedMetric, flavour: KerasFlavour) -> String {
        let choice: String
        switch flavour {
        case .keras3, .keras2:
            choice = "In \(flavour.releases), 'accuracy' is chosen from the output and target shapes, never from the loss"
        case .keras1, .keras2Legacy:
            choice = "In \(flavour.releases), 'accuracy' is chosen from the loss and the output size"
        }
        switch resolved {
        case .binaryAccuracy:
            return choice + ": a one-unit output gets binary accuracy, mean((ŷ > 0.5) == y). With real-valued targets "
                + "(prices, counts) y is almost never exactly 0 or 1, so the value stays at or near 0.0 whatever the "
                + "predictions are (Keras 3.15 and tf-keras 2.21 print 0.0000 every epoch on Boston house prices). "
                + "It does not say how close predictions are: 0.0 is not worse than 0.325."
        case .binaryAccuracyRounded:
            return choice + ": a one-unit output gets binary_accuracy = mean(round(ŷ) == y), the share of predictions "
                + "that round to exactly the target. On integer-valued targets that is a small noisy number "
                + "(0.0158 for a fitted model on all Boston rows) that says nothing about the size of the error."
        case .categoricalAccuracy, .sparseCategoricalAccuracy:
            return choice + ": a multi-unit output gets \(resolved.rawValue), which compares which coordinate of the "
                + "prediction is largest with the target's, not how close the values are."
        default:
            return choice + "; with a regression loss none of the accuracy metrics measures how close predictions are."
        }
    }

    /// When the log cannot tell which Keras wrote it: every rule that could apply, and what each prints.
    static let unknownFlavourAccuracyExplanation =
        "The log does not show which Keras wrote it, and the rule for 'accuracy' on a one-unit output differs. "
        + "Keras 3.x and tf.keras/tf-keras (TF 2.2+) choose it from the output and target shapes: binary accuracy, "
        + "mean((ŷ > 0.5) == y), which on real-valued targets prints 0.0000 or close to it every epoch (Keras 3.15 and "
        + "tf-keras 2.21 print 0.0000 on Boston house prices). Keras 1.x-2.3 choose it from the loss: "
        + "mean(round(ŷ) == y) in 1.x-2.2, the share of predictions that round to exactly the target, a small noisy "
        + "number (0.0158 for a fitted model on all Boston rows). Neither says how close the predictions are."

    private static func suspectedAccuracyOnRegression(_ facts: RunFacts) -> [Finding] {
        guard facts.epochs.count >= Thresholds.zeroAccuracyEpochs else { return [] }
        let zero = facts.metrics.filter { metric in
            metric.isAccuracy && !metric.isValidation && facts.values(metric.printed).allSatisfy { $0 == 0 }
        }
        guard let first = zero.first else { return [] }
        let loss = facts.values(first.companionLoss).filter { !$0.isNaN }
        // A loss that moved shows the model trains; the accuracy still never counts a hit.
        guard let start = loss.first, let end = loss.last, start != end else { return [] }
        var names = zero.map(\.printed)
        let validation = facts.metrics.filter { metric in
            metric.isAccuracy && metric.isValidation && names.contains(String(metric.printed.dropFirst(4)))
                && facts.values(metric.printed).allSatisfy { $0 == 0 }
        }
        names += validation.map(\.printed)
        var evidence = names.compactMap(facts.observed)
        evidence.append("\(first.companionLoss) moved \(NumberText.keras(start)) -> \(NumberText.keras(end)): the model trains, "
                        + "yet no prediction ever counts as a hit; a classifier scores at least chance")
        let regressionMetrics = facts.metrics.filter { ["mae", "mse", "mape", "msle", "rmse", "root_mean_squared_error",
                                                        "mean_absolute_error", "mean_squared_error"].contains($0.base) }
        if let regression = regressionMetrics.first {
            evidence.append("the log also prints \(regression.printed), a regression metric")
        }
        if let model = facts.model, let output = model.outputs.first, let units = model.outputUnits(output.name) {
            let source = model.provenance == .summaryTable ? "the printed model summary" : "the model, which has no compile config"
            evidence.append("\(facts.describe(output: output.name)) per \(source) (\(units == 1 ? "one unit" : "\(units) units"))")
        }
        evidence.append("suspected from the log alone: give the model file (--model) to be certain")
        let explanation: String
        if let flavour = facts.flavour {
            explanation = accuracyExplanation(flavour.choosesAccuracyFromLoss ? .binaryAccuracyRounded : .binaryAccuracy,
                                              flavour: flavour)
        } else {
            explanation = unknownFlavourAccuracyExplanation
        }
        return [Finding(
            id: "accuracy-on-regression", severity: .warning, confidence: .suspected, epoch: 1,
            title: "\(first.printed) is exactly 0 every epoch: accuracy on a regression target?",
            evidence: evidence,
            explanation: explanation,
            fix: "If the target is a real number, drop 'accuracy' and compile with metrics=['mae'].",
            metrics: names)]
    }

    // MARK: binary-crossentropy-multiclass

    /// Sources: keras/src/losses/losses.py `binary_crossentropy` (mean over the last axis of
    /// the element-wise `ops.binary_crossentropy`), tf_keras/src/losses.py `binary_crossentropy`
    /// (`backend.mean(backend.binary_crossentropy(...), axis=-1)`), keras/losses.py (2.2.4) the same.
    static func binaryCrossentropyMulticlass(_ facts: RunFacts) -> [Finding] {
        guard facts.knowsCompileConfig, let model = facts.model else { return [] }
        return model.outputs.compactMap { spec -> Finding? in
            guard let loss = spec.loss, loss.kind == .binaryCrossentropy || loss.kind == .binaryFocalCrossentropy,
                  let units = model.outputUnits(spec.name), units > 2 else { return nil }
            let activation = model.outputActivation(spec.name)
            // Sigmoid units with multi-hot targets are multi-label classification: BCE is right there.
            guard activation == "softmax" || spec.target == .oneHot else { return nil }
            let flavour = facts.flavour ?? .keras3
            let accuracy = spec.metrics.filter { PrintedMetric.accuracyNames.contains($0.lowercased()) }
            var names = facts.printed(for: spec.name) { $0.isLoss || $0.isAccuracy }.map(\.printed)
            if names.isEmpty { names = facts.expectedNames("loss", output: spec.name) }
            var evidence = ["\(facts.describe(output: spec.name)) is trained with loss '\(loss.configuredName)'"]
            if spec.target == .oneHot { evidence.append("targets are one-hot rows of \(units)") }
            var explanation = "Binary cross-entropy treats each of the \(units) units as an independent yes/no question and "
                + "averages \(units) Bernoulli losses, -[y·log ŷ + (1-y)·log(1-ŷ)], instead of the one categorical "
                + "distribution a softmax describes (-Σ y·log ŷ). The loss is on a different scale (about 1/\(units) "
                + "per unit) and its gradients push the \(units) probabilities apart independently. "
            if let metric = accuracy.first {
                let resolved = MetricResolution.resolve(metric: metric, outputUnits: units, target: spec.target ?? .oneHot,
                                                        loss: loss.kind, flavour: flavour)
                evidence.append("metrics=['\(metric)'] resolved to \(resolved.formula) (\(flavour.releases))")
                evidence += names.filter { PrintedMetric($0, outputs: facts.outputs).isAccuracy }.compactMap(facts.observed)
                switch flavour {
                case .keras3, .keras2:
                    explanation += "In \(flavour.releases), 'accuracy' resolves to categorical accuracy from the shapes despite the binary loss "
                        + "(tf-keras 2.21 built MeanMetricWrapper(categorical_accuracy) for this case), so the accuracy is a "
                        + "real argmax accuracy; it is the loss that is wrong."
                case .keras1, .keras2Legacy:
                    let inflated = Double(units - 1) / Double(units)
                    explanation += "In \(flavour.releases), 'accuracy' resolves to binary_accuracy because the loss is binary cross-entropy: "
                        + "round(ŷ) == y per unit, averaged over \(units) units, so predicting all zeros already scores "
                        + "\(units - 1)/\(units) = \(NumberText.keras(inflated)). The accuracy is inflated."
                }
            }
            return Finding(
                id: "binary-crossentropy-multiclass", severity: .warning, confidence: facts.configConfidence, epoch: 1,
                title: "binary cross-entropy on a \(units)-class softmax output",
                evidence: evidence, explanation: explanation,
                fix: "Use loss='categorical_crossentropy' for one-hot targets, or 'sparse_categorical_crossentropy' for "
                    + "integer labels, with the softmax output.",
                metrics: names)
        }
    }

    // MARK: softmax-single-unit

    /// Sources: keras/src/ops/nn.py `softmax` (3.15.1 warns "This axis has size 1. The softmax
    /// operation will always return the value 1"); tf_keras/src/backend.py `softmax` caches
    /// `_keras_logits`, which `binary_crossentropy` > `_get_logits` then uses as sigmoid logits.
    static func softmaxSingleUnit(_ facts: RunFacts) -> [Finding] {
        let warning = facts.messageTexts.first { $0.contains("softmax over axis") && $0.contains("has size 1") }
        if let model = facts.model, model.provenance.isExact || warning == nil {
            let layers = model.layers.filter { layer in
                (layer.activation == "softmax" || layer.className == "Softmax") && layer.lastAxisSize == 1
            }
            guard !layers.isEmpty else { return [] }
            let names = model.outputs.flatMap { spec in facts.printed(for: spec.name) { $0.isLoss || $0.isAccuracy }.map(\.printed) }
            var evidence = layers.map { "layer \($0.name) (\($0.className), 1 unit) has a softmax activation" }
            evidence += names.compactMap(facts.observed)
            if let warning { evidence.append("Keras warned: \(firstLine(warning, containing: "softmax"))") }
            return [softmaxFinding(facts, confidence: facts.configConfidence, evidence: evidence, metrics: names)]
        }
        guard let warning else { return [] }
        let names = facts.metrics.filter { $0.isLoss || $0.isAccuracy }.map(\.printed)
        var evidence = ["Keras warned: \(firstLine(warning, containing: "softmax"))"]
        evidence += names.compactMap(facts.observed)
        evidence.append("suspected from the log alone: give the model file (--model) to be certain")
        return [softmaxFinding(facts, confidence: .suspected, evidence: evidence, metrics: names)]
    }

    private static func softmaxFinding(_ facts: RunFacts, confidence: Confidence, evidence: [String],
                                       metrics: [String]) -> Finding {
        let behaviour: String
        switch facts.flavour {
        case .keras3?:
            behaviour = "In Keras 3.x every prediction is 1.0, so the loss is the same number every epoch and nothing "
                + "trains (recorded with 3.15.1: loss 5.8864 in all 6 epochs); Keras warns once at build time."
        case .keras2?:
            behaviour = "In tf-keras 2.x (read and recorded in 2.21) every prediction is also exactly 1.0, but cross-entropy recovers the "
                + "pre-softmax value it cached on the tensor (_keras_logits) and trains on it as if it were a sigmoid "
                + "logit, so the printed loss falls (tf-keras 2.21: 0.5235 -> 0.3682) while every prediction stays 1.0 "
                + "and accuracy stays at the share of positive labels."
        default:
            behaviour = "Keras 3.x prints a constant loss; tf-keras 2.21 prints a falling loss computed from the "
                + "cached pre-softmax value, while every prediction is still 1.0."
        }
        return Finding(
            id: "softmax-single-unit", severity: .error, confidence: confidence, epoch: 1,
            title: "softmax over a single unit always outputs 1.0",
            evidence: evidence,
            explanation: "softmax normalises over the last axis, exp(z)/Σexp(z); over one value that is exactly 1.0 for "
                + "every input. " + behaviour,
            fix: "For a yes/no output use Dense(1, activation='sigmoid') with loss='binary_crossentropy'; for k classes "
                + "use Dense(k, activation='softmax') with k >= 2.",
            metrics: metrics)
    }

    // MARK: dropout-rate-one

    /// Sources: keras/src/layers/regularization/dropout.py `Dropout.__init__` (accepts
    /// 0 <= rate <= 1) and keras/src/backend/jax/random.py `dropout` (rate 1.0 returns zeros);
    /// tf_keras/src/layers/regularization/dropout.py > `tf.nn.dropout` (raises for rate >= 1);
    /// keras/layers/core.py `Dropout.call` (2.2.4: applies dropout only when 0 < rate < 1).
    static func dropoutRateOne(_ facts: RunFacts) -> [Finding] {
        let raised = facts.messageTexts.first { $0.contains("must be a scalar tensor or a float in the range [0, 1)") }
        if let model = facts.model {
            let layers = model.layers.filter { layer in
                layer.className.contains("Dropout") && (layer.rate ?? 0) >= Thresholds.dropoutNothingPasses
            }
            if !layers.isEmpty {
                var evidence = layers.map { layer -> String in
                    var text = "layer \(layer.name) (\(layer.className)) has rate \(NumberText.short(layer.rate ?? 0))"
                    if let units = layer.lastAxisSize, let rate = layer.rate, rate < 1 {
                        text += ": of \(units) units \(NumberText.short(Double(units) * (1 - rate))) pass on average"
                    }
                    return text
                }
                if let raised { evidence.append("Keras raised: \(firstLine(raised, containing: "rate"))") }
                let severity: Severity = layers.contains { ($0.rate ?? 0) >= 1 } ? .error : .warning
                return [dropoutFinding(facts, severity: severity, confidence: facts.configConfidence,
                                       evidence: evidence)]
            }
        }
        guard let raised else { return [] }
        return [dropoutFinding(facts, severity: .error, confidence: .suspected,
                               evidence: ["Keras raised: \(firstLine(raised, containing: "rate"))",
                                          "suspected from the log alone: give the model file (--model) to be certain"])]
    }

    private static func dropoutFinding(_ facts: RunFacts, severity: Severity, confidence: Confidence,
                                       evidence: [String]) -> Finding {
        let behaviour: String
        switch facts.flavour {
        case .keras3?:
            behaviour = "Keras 3.x accepts rate=1.0 and drops every unit while training (the JAX backend returns zeros), "
                + "so the layers before it get no gradient and only the biases after it learn: the loss crawls toward "
                + "the label entropy (recorded with 3.15.1: 0.6928 -> 0.6885 in 6 epochs, accuracy fixed at the "
                + "positive share 0.6308). At inference Dropout passes everything, so validation runs weights that never trained."
        case .keras2?:
            behaviour = "tf.keras/tf-keras 2.x refuse it at the first training step: tf.nn.dropout raises "
                + "\"`rate` must be a scalar tensor or a float in the range [0, 1)\" (tf-keras 2.21)."
        case .keras1?, .keras2Legacy?:
            behaviour = "Keras 1.x-2.2 apply dropout only when 0 < rate < 1, so rate=1.0 silently does nothing "
                + "(keras/layers/core.py Dropout.call, 2.2.4)."
        default:
            behaviour = "Keras 3.x trains with everything dropped (no gradient reaches earlier layers); "
                + "tf.keras/tf-keras 2.x raise at the first step; Keras 2.0-2.2 silently skip the layer."
        }
        return Finding(
            id: "dropout-rate-one", severity: severity, confidence: confidence, epoch: 1,
            title: "Dropout drops (almost) everything",
            evidence: evidence,
            explanation: "Dropout's rate is the fraction of units set to zero, not kept; rate 1.0 keeps none. " + behaviour,
            fix: "Use a rate such as 0.2-0.5 (the share to drop), e.g. Dropout(0.5).",
            metrics: facts.metrics.filter(\.isLoss).map(\.printed))
    }

    // MARK: from-logits-mismatch

    /// Sources: keras/src/backend/jax/nn.py `binary_crossentropy`/`categorical_crossentropy`
    /// (from_logits applies log_sigmoid/log_softmax; otherwise clips to [ε, 1-ε], CCE also divides
    /// by the sum); keras/src/backend/tensorflow/nn.py and tf_keras/src/backend.py `_get_logits`
    /// (use the cached `_keras_logits` of a sigmoid/softmax output and warn).
    static func fromLogitsMismatch(_ facts: RunFacts) -> [Finding] {
        guard facts.knowsCompileConfig, let model = facts.model else { return suspectedFromLogits(facts) }
        return model.outputs.compactMap { spec -> Finding? in
            guard let loss = spec.loss, loss.kind.acceptsLogits,
                  let activation = model.outputActivation(spec.name) else { return nil }
            let squashed = activation == "sigmoid" || activation == "softmax"
            var names = facts.printed(for: spec.name) { $0.isLoss }.map(\.printed)
            if names.isEmpty { names = facts.expectedNames("loss", output: spec.name) }
            if loss.fromLogits && squashed {
                let backend: String
                switch facts.flavour {
                case .keras2?:
                    backend = "tf-keras 2.x (read in 2.21) notices the \(activation) output, uses its cached input instead "
                        + "(_keras_logits) and warns \"received from_logits=True, but the output argument was produced by "
                        + "a \(activation == "sigmoid" ? "Sigmoid" : "Softmax") activation\": the loss is right here, but "
                        + "the model trains differently anywhere else."
                default:
                    backend = "Keras 3.x on JAX or PyTorch applies \(activation) a second time: probabilities in [0, 1] "
                        + "are read as logits, so the loss cannot fall below about 0.31 for a correct positive "
                        + "(-log σ(1)) and gradients shrink (recorded with 3.15.1/JAX: loss 0.6760 -> 0.6121 in 6 epochs). "
                        + "Keras 3 on TensorFlow and tf-keras 2.x instead reuse the cached logits and only warn."
                }
                // tf-keras computes the right loss from the cached logits: worth knowing, not a wrong number.
                return Finding(
                    id: "from-logits-mismatch", severity: facts.flavour == .keras2 ? .info : .warning,
                    confidence: facts.configConfidence, epoch: 1,
                    title: "from_logits=True on a \(activation) output",
                    evidence: ["\(facts.describe(output: spec.name)) feeds '\(loss.configuredName)' with from_logits=True"],
                    explanation: "from_logits=True tells the loss its input is raw scores and to apply \(activation) itself. "
                        + backend,
                    fix: "Either drop the activation (Dense(units) with no activation) and keep from_logits=True, "
                        + "or keep the \(activation) and use from_logits=False (the default).",
                    metrics: names)
            }
            if !loss.fromLogits && activation == "linear" {
                return Finding(
                    id: "from-logits-mismatch", severity: .warning, confidence: facts.configConfidence, epoch: 1,
                    title: "a linear output into a probability loss",
                    evidence: ["\(facts.describe(output: spec.name)) feeds '\(loss.configuredName)' with from_logits=False"],
                    explanation: "\(facts.releases): with from_logits=False the loss expects probabilities and clips ŷ into "
                        + "[1e-7, 1-1e-7] before the log; a linear output outside [0, 1] is clipped, its gradient is zero "
                        + "and the loss is a different function of the score (categorical cross-entropy also divides by the "
                        + "sum, meaningless for negative scores). An accuracy threshold of 0.5 is applied to raw scores "
                        + "(recorded with Keras 3.15.1: loss 9.1577 -> 7.2467 in 6 epochs, accuracy 0.37-0.39 on a task "
                        + "a sigmoid learns to 0.9).",
                    fix: "Pass from_logits=True to the loss (keras.losses.\(lossClassName(loss.kind))(from_logits=True)), "
                        + "or add activation='\(loss.kind == .binaryCrossentropy || loss.kind == .binaryFocalCrossentropy ? "sigmoid" : "softmax")' to the output layer.",
                    metrics: names)
            }
            return nil
        }
    }

    /// tf-keras (tf_keras/src/backend.py `_get_logits`) and Keras 3 on TensorFlow
    /// (keras/src/backend/tensorflow/nn.py `_get_logits`) warn when from_logits=True meets a
    /// sigmoid/softmax output; recorded with tf-keras 2.21.
    private static func suspectedFromLogits(_ facts: RunFacts) -> [Finding] {
        let marker = "received `from_logits=True`, but the `output` argument was produced by a"
        guard let line = facts.messageTexts.lazy.compactMap({ line(in: $0, holding: [marker]) }).first else {
            return []
        }
        let activation = line.contains("Softmax activation") ? "softmax" : "sigmoid"
        return [Finding(
            id: "from-logits-mismatch", severity: .info, confidence: .suspected, epoch: 1,
            title: "from_logits=True on a \(activation) output",
            evidence: ["Keras warned: \(line)", "suspected from the log alone: give the model file (--model) to be certain"],
            explanation: "from_logits=True tells the loss its input is raw scores. TensorFlow-based Keras (tf-keras 2.x, "
                + "Keras 3 on TensorFlow) notices the \(activation) output, computes the loss from the cached pre-activation "
                + "values and warns, so the printed loss is right here (tf-keras 2.21 trains normally); Keras 3 on JAX or "
                + "PyTorch would apply \(activation) twice and train badly.",
            fix: "Either drop the activation and keep from_logits=True, or keep the \(activation) and use from_logits=False.",
            metrics: facts.metrics.filter(\.isLoss).map(\.printed))]
    }

    static func lossClassName(_ kind: LossKind) -> String {
        switch kind {
        case .binaryCrossentropy: return "BinaryCrossentropy"
        case .categoricalCrossentropy: return "CategoricalCrossentropy"
        case .sparseCategoricalCrossentropy: return "SparseCategoricalCrossentropy"
        case .binaryFocalCrossentropy: return "BinaryFocalCrossentropy"
        case .categoricalFocalCrossentropy: return "CategoricalFocalCrossentropy"
        default: return kind.rawValue
        }
    }

    // MARK: label-encoding-mismatch

    /// Sources: keras/src/backend/jax/nn.py `categorical_crossentropy` ("Arguments `target` and
    /// `output` must have the same shape") and `sparse_categorical_crossentropy` ("... up until
    /// the last dimension"); tf_keras/src/losses.py via tf shape checks ("Shapes (None, 1) and
    /// (None, 3) are incompatible") and SparseSoftmaxCrossEntropyWithLogits (GatherV2 size error).
    /// Every message below was recorded with Keras 3.15.1 and tf-keras 2.21.
    static func labelEncodingMismatch(_ facts: RunFacts) -> [Finding] {
        var findings: [Finding] = []
        if let model = facts.model {
            for spec in model.outputs {
                guard let loss = spec.loss, let target = spec.target else { continue }
                if loss.kind == .categoricalCrossentropy && (target == .integerLabels || target == .singleValue),
                   (model.outputUnits(spec.name) ?? 2) > 1 {
                    findings.append(labelFinding(facts, sparseLoss: false, confidence: facts.configConfidence,
                                                 evidence: ["output \(spec.name): loss '\(loss.configuredName)' with integer class labels"]))
                }
                if loss.kind == .sparseCategoricalCrossentropy && target == .oneHot {
                    findings.append(labelFinding(facts, sparseLoss: true, confidence: facts.configConfidence,
                                                 evidence: ["output \(spec.name): loss '\(loss.configuredName)' with one-hot targets"]))
                }
            }
        }
        for text in facts.messageTexts {
            if let line = line(in: text, holding: ["must have the same shape up until the last dimension"]) {
                findings.append(labelFinding(facts, sparseLoss: true, confidence: .suspected, evidence: ["Keras raised: \(line)"]))
            } else if let line = line(in: text, holding: ["SparseSoftmaxCrossEntropyWithLogits",
                                                                  "should be equal to indices.shape[0]"]) {
                findings.append(labelFinding(facts, sparseLoss: true, confidence: .suspected, evidence: ["TensorFlow raised: \(line)"]))
            } else if let line = line(in: text, holding: ["target.shape=", "are incompatible"], where: isIntegerLabelsShapeError) {
                findings.append(labelFinding(facts, sparseLoss: false, confidence: .suspected, evidence: ["Keras raised: \(line)"]))
            }
        }
        return findings
    }

    /// `target.shape=(32, 1), output.shape=(32, 3)` (Keras 3) or `Shapes (None, 1) and (None, 3)
    /// are incompatible` (tf-keras): one label column against several output units.
    static func isIntegerLabelsShapeError(_ line: String) -> Bool {
        let shapes: [[Int?]]
        if line.contains("must have the same shape. Received: target.shape=") {
            shapes = parenthesised(line)
        } else if line.contains("Shapes ("), line.contains(") are incompatible") {
            shapes = parenthesised(line)
        } else {
            return false
        }
        guard shapes.count >= 2, let target = shapes[0].last, let output = shapes[1].last else { return false }
        return target == 1 && (output ?? 0) > 1
    }

    /// Every `( ... )` group of comma-separated sizes, `None` as nil.
    static func parenthesised(_ line: String) -> [[Int?]] {
        var groups: [[Int?]] = []
        var rest = Substring(line)
        while let open = rest.firstIndex(of: "("), let close = rest[open...].firstIndex(of: ")") {
            let inside = rest[rest.index(after: open)..<close]
            let sizes = inside.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            if !inside.isEmpty { groups.append(sizes) }
            rest = rest[rest.index(after: close)...]
        }
        return groups
    }

    private static func labelFinding(_ facts: RunFacts, sparseLoss: Bool, confidence: Confidence,
                                     evidence: [String]) -> Finding {
        var evidence = evidence
        if confidence == .suspected { evidence.append("inferred from the error in the log") }
        return Finding(
            id: "label-encoding-mismatch", severity: .error, confidence: confidence, epoch: 1,
            title: sparseLoss ? "one-hot targets with sparse_categorical_crossentropy"
                : "integer labels with categorical_crossentropy",
            evidence: evidence,
            explanation: sparseLoss
                ? "sparse_categorical_crossentropy expects one integer class index per sample (shape (n,) or (n, 1)); "
                    + "one-hot rows of k give k labels per sample. Keras 3.x raises \"must have the same shape up until "
                    + "the last dimension\"; tf-keras 2.x fails in SparseSoftmaxCrossEntropyWithLogits with a size error."
                : "categorical_crossentropy expects one-hot rows as wide as the output; integer labels of shape (n, 1) "
                    + "do not match. Keras 3.x raises \"Arguments `target` and `output` must have the same shape\"; "
                    + "tf-keras 2.x raises \"Shapes (None, 1) and (None, k) are incompatible\".",
            fix: sparseLoss
                ? "Use loss='categorical_crossentropy' with one-hot targets, or pass integer labels (y.argmax(axis=1))."
                : "Use loss='sparse_categorical_crossentropy' with integer labels, or one-hot encode them "
                    + "(keras.utils.to_categorical(y, k)).",
            metrics: facts.metrics.filter(\.isLoss).map(\.printed))
    }

    // MARK: compile-metrics-name

    /// Sources: keras/src/trainers/trainer.py `metrics_names` (the names of `self.metrics`, the
    /// trackers) and keras/src/trainers/compile_utils.py `CompileMetrics` (`name = "compile_metrics"`),
    /// read in 3.15.1; the S1 log ends with `compile_metrics: 0.00%` printed by a Keras 2 era script.
    static func compileMetricsName(_ facts: RunFacts) -> [Finding] {
        guard facts.flavour == nil || facts.flavour == .keras3,
              let line = facts.messageTexts.lazy.compactMap({ line(in: $0, holding: ["compile_metrics:"], where: { $0.hasPrefix("compile_metrics:") }) }).first
        else { return [] }
        return [Finding(
            id: "compile-metrics-name", severity: .info, confidence: .suspected, epoch: nil,
            title: "a score printed as 'compile_metrics' is the first compiled metric",
            evidence: ["the log prints: \(line)"],
            explanation: "In Keras 3.x, model.metrics_names lists the metric trackers, ['loss', 'compile_metrics'], not "
                + "the compiled metrics one by one (Keras 2 gave ['loss', 'accuracy']). A script that prints "
                + "model.metrics_names[1] next to model.evaluate(...)[1] labels the first compiled metric "
                + "'compile_metrics'; the number is that metric (e.g. accuracy).",
            fix: "Use scores = model.evaluate(x, y, return_dict=True) and print scores['accuracy'] (or whichever "
                + "metric) by name.",
            metrics: [])]
    }

    /// The first line of `text` that mentions `word` (messages may hold whole tracebacks).
    static func firstLine(_ text: String, containing word: String) -> String {
        line(in: text, holding: [word]) ?? text.split(whereSeparator: \.isNewline).first.map(trimmed) ?? text
    }

    /// The first line of `text`, trimmed of blanks, that holds one of `markers` and satisfies
    /// `predicate`. Messages may be whole tracebacks and a log may keep thousands of them, so a
    /// text that holds no marker at all is passed over with one byte search, and no line is
    /// copied or trimmed before it matches.
    static func line(in text: String, holding markers: [String],
                     where predicate: (String) -> Bool = { _ in true }) -> String? {
        guard markers.contains(where: { holds(text, $0) }) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) where markers.contains(where: { holds(line, $0) }) {
            let candidate = trimmed(line)
            if predicate(candidate) { return candidate }
        }
        return nil
    }

    /// A line without its leading and trailing blanks (what `trimmingCharacters(in:
    /// .whitespaces)` gives, without bridging to `NSString`).
    static func trimmed(_ line: Substring) -> String {
        let start = line.firstIndex { !$0.isWhitespace } ?? line.endIndex
        let end = line.lastIndex { !$0.isWhitespace }.map(line.index(after:)) ?? start
        return String(line[start..<max(start, end)])
    }

    /// Whether `text` holds `needle`: a search over the UTF-8 bytes (Foundation's
    /// `contains` converts both to UTF-16 first).
    static func holds(_ text: some StringProtocol, _ needle: String) -> Bool {
        let needle = Array(needle.utf8)
        guard let first = needle.first else { return true }
        if let found = text.utf8.withContiguousStorageIfAvailable({ bytes -> Bool in
            guard bytes.count >= needle.count else { return false }
            for start in 0...(bytes.count - needle.count) where bytes[start] == first {
                var matched = 1
                while matched < needle.count, bytes[start + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return true }
            }
            return false
        }) {
            return found
        }
        var native = String(text)
        native.makeContiguousUTF8()
        return holds(native, String(decoding: needle, as: UTF8.self))
    }
}
