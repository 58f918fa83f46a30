/// Which Keras line of releases produced a run. Metric resolution and several behaviours
/// (Dropout(1.0), softmax over one unit) differ between them. The raw value is what `export`
/// prints as `keras_flavour`.
public enum KerasFlavour: String, Sendable, Equatable, Codable, CaseIterable {
    /// Keras 3.x (any backend).
    case keras3
    /// The tf.keras line: tf.keras from TF 2.2 (`2.3.0-tf`), standalone Keras 2.4+ (a
    /// tf.keras alias) and tf-keras 2.x. Logs count steps.
    case keras2 = "tf-keras"
    /// Multi-backend Keras 2.0-2.3 and tf.keras before TF 2.2 (`2.2.4-tf`): "accuracy" chosen
    /// from the loss, binary accuracy by rounding in 2.0-2.2. Logs count samples
    /// (`  256/60000`), and print `ETA: 1:33` and `- 94s 2ms/step -`.
    case keras2Legacy = "keras2-legacy"
    /// Keras 1.x: "accuracy" chosen from the loss, binary accuracy by rounding. Logs count
    /// samples and print `ETA: 93s` and `- 94s - loss:` (no time per step).
    case keras1

    /// The flavour of a version string such as `3.15.1`, `2.21.0`, `2.2.4`, `2.3.0-tf`, `1.2.2`.
    ///
    /// The line between `.keras2Legacy` and `.keras2` is where "accuracy" stopped being chosen
    /// from the loss: multi-backend Keras up to 2.3.1 (keras/engine/training_utils.py
    /// `get_metric_function`, which 2.3 still keys on the loss) and tf.keras in TF 2.0-2.1
    /// (reporting `2.2.4-tf`) choose from the loss; tf.keras from TF 2.2 (`2.3.0-tf`,
    /// tensorflow/python/keras/engine/compile_utils.py) and tf-keras 2.x choose from shapes.
    /// Keras 2.3.1 also prints the same progress bytes as 2.0-2.2 (keras/utils/generic_utils.py
    /// `Progbar`, read in 2.0.9, 2.1.6, 2.2.4 and 2.3.1), so a log cannot tell them apart either.
    public init?(version: String) {
        let parts = version.split(separator: ".").compactMap { Int($0.prefix { $0.isNumber }) }
        guard let major = parts.first else { return nil }
        let minor = parts.count > 1 ? parts[1] : 0
        let tfKeras = version.hasSuffix("-tf")
        switch major {
        case 3...: self = .keras3
        case 2 where minor >= 4: self = .keras2
        case 2 where minor == 3 && tfKeras: self = .keras2
        case 2: self = .keras2Legacy
        case 1: self = .keras1
        default: return nil
        }
    }

    /// True for the lines that choose "accuracy" from the loss and round in binary accuracy
    /// (Keras 1.x, Keras 2.0-2.3 and tf.keras before TF 2.2).
    public var choosesAccuracyFromLoss: Bool { self == .keras1 || self == .keras2Legacy }

    /// The releases this flavour covers, as explanations name them.
    public var releases: String {
        switch self {
        case .keras3: return "Keras 3.x"
        case .keras2: return "tf.keras (TF 2.2+) and Keras/tf-keras 2.4-2.x"
        case .keras2Legacy: return "Keras 2.0-2.3 and tf.keras before TF 2.2"
        case .keras1: return "Keras 1.x"
        }
    }
}

/// What the target tensor looks like, as far as accuracy resolution cares.
public enum TargetEncoding: String, Sendable, Equatable, Codable {
    /// One value per sample (a price, a 0/1 label): shape `(n, 1)` or `(n,)`.
    case singleValue = "single-value"
    /// Integer class labels against a multi-unit output (sparse).
    case integerLabels = "integer-labels"
    /// One-hot (or soft) rows as wide as the output.
    case oneHot = "one-hot"
    /// Not known (a log only).
    case unknown

    /// The encoding of targets `targetColumns` wide for an output of `outputUnits` units.
    public init(outputUnits: Int, targetColumns: Int) {
        self = outputUnits <= 1 ? .singleValue : (targetColumns == 1 ? .integerLabels : .oneHot)
    }
}

/// The function a metric name actually resolved to.
public enum ResolvedMetric: String, Sendable, Equatable, Codable {
    /// `mean((y_pred > 0.5) == y_true)` (Keras 3, tf.keras 2.3+ with threshold 0.5).
    case binaryAccuracy = "binary_accuracy"
    /// `mean(round(y_pred) == y_true)`: Keras 2.0-2.2's binary accuracy (rounding, i.e. > 0.5 with ties to even).
    case binaryAccuracyRounded = "binary_accuracy_rounded"
    /// `argmax(y_pred) == argmax(y_true)`.
    case categoricalAccuracy = "categorical_accuracy"
    /// `argmax(y_pred) == y_true`.
    case sparseCategoricalAccuracy = "sparse_categorical_accuracy"
    /// mean((ŷ-y)²).
    case meanSquaredError = "mean_squared_error"
    /// mean(|ŷ-y|).
    case meanAbsoluteError = "mean_absolute_error"
    /// 100·mean(|ŷ-y|/|y|).
    case meanAbsolutePercentageError = "mean_absolute_percentage_error"
    /// Anything else: kept by name, not interpreted.
    case other

    /// A short formula shown next to the metric in the monitor.
    public var formula: String {
        switch self {
        case .binaryAccuracy: return "binary_accuracy (ŷ>0.5)==y"
        case .binaryAccuracyRounded: return "binary_accuracy round(ŷ)==y"
        case .categoricalAccuracy: return "categorical_accuracy argmax ŷ==argmax y"
        case .sparseCategoricalAccuracy: return "sparse_categorical_accuracy argmax ŷ==y"
        case .meanSquaredError: return "mse mean (ŷ-y)²"
        case .meanAbsoluteError: return "mae mean |ŷ-y|"
        case .meanAbsolutePercentageError: return "mape 100·mean |ŷ-y|/|y|"
        case .other: return ""
        }
    }
}

/// The one place that knows what a metric name becomes in Keras.
public enum MetricResolution {
    /// Resolve a metric as the user wrote it in `compile(metrics=[...])`.
    ///
    /// - `accuracy`/`acc` in Keras 3 and tf.keras TF 2.2+/tf-keras: chosen from the output and
    ///   target shapes, never the loss: one output unit -> binary accuracy (threshold 0.5);
    ///   integer labels against several units -> sparse categorical; otherwise categorical
    ///   (keras/src/trainers/compile_utils.py `get_metric` + `is_binary_or_sparse_categorical`,
    ///   read in keras 3.15.1; tf_keras/src/engine/compile_utils.py
    ///   `MetricsContainer._get_metric_object`, read in tf-keras 2.21.0). When the target is
    ///   `.unknown` the loss stands in for it (sparse CCE implies integer labels, every other loss
    ///   same-shaped targets); with neither, a multi-unit output is assumed categorical.
    /// - Keras 1.x-2.3 and tf.keras before TF 2.2: chosen from the loss: binary cross-entropy
    ///   or one unit -> binary accuracy (2.0-2.2 rounds: `mean(round(ŷ) == y)`), sparse
    ///   categorical cross-entropy -> sparse categorical, anything else -> categorical
    ///   (keras/engine/training.py `compile` > `handle_metrics`, Keras 2.2.4;
    ///   keras/engine/training_utils.py `get_metric_function`, Keras 2.3).
    public static func resolve(metric: String, outputUnits: Int?, target: TargetEncoding,
                               loss: LossKind?, flavour: KerasFlavour) -> ResolvedMetric {
        let name = metric.lowercased()
        switch name {
        case "accuracy", "acc":
            switch flavour {
            case .keras3, .keras2:
                // is_binary = y_pred.shape[-1] == 1; is_sparse = y_true rank lower, or a last
                // axis of 1 against several units.
                if outputUnits == 1 { return .binaryAccuracy }
                var target = target
                if target == .unknown {
                    // The loss constrains the target: sparse CCE needs integer labels, every
                    // other known loss needs targets shaped like the output.
                    guard let loss else { return outputUnits == nil ? .other : .categoricalAccuracy }
                    target = loss == .sparseCategoricalCrossentropy ? .integerLabels : .oneHot
                }
                switch target {
                case .integerLabels: return .sparseCategoricalAccuracy
                case .singleValue: return outputUnits == nil ? .binaryAccuracy : .sparseCategoricalAccuracy
                case .oneHot: return .categoricalAccuracy
                case .unknown: return .other
                }
            case .keras1, .keras2Legacy:
                if outputUnits == 1 || loss == .binaryCrossentropy { return .binaryAccuracyRounded }
                if loss == .sparseCategoricalCrossentropy { return .sparseCategoricalAccuracy }
                if loss == nil && outputUnits == nil { return .other }
                return .categoricalAccuracy
            }
        case "binary_accuracy":
            return flavour.choosesAccuracyFromLoss ? .binaryAccuracyRounded : .binaryAccuracy
        case "categorical_accuracy": return .categoricalAccuracy
        case "sparse_categorical_accuracy": return .sparseCategoricalAccuracy
        case "mse", "mean_squared_error": return .meanSquaredError
        case "mae", "mean_absolute_error": return .meanAbsoluteError
        case "mape", "mean_absolute_percentage_error": return .meanAbsolutePercentageError
        default: return .other
        }
    }
}
