/// A metric key split into its parts: `val_out2_accuracy` is (validation, output `out2`,
/// metric `accuracy`). The monitor groups series by output with it; pure and total.
public struct MetricName: Sendable, Equatable, Hashable {
    /// True for `val_*` keys.
    public var validation: Bool
    /// The model output the metric belongs to (`out1`, `dense_3`), nil for the whole model.
    public var output: String?
    /// The metric itself (`loss`, `accuracy`, `mae`).
    public var metric: String

    /// A name from its parts.
    public init(validation: Bool, output: String?, metric: String) {
        self.validation = validation
        self.output = output
        self.metric = metric
    }

    /// The key without its `val_` prefix (`out2_accuracy`).
    public var trainingKey: String { output.map { "\($0)_\(metric)" } ?? metric }

    /// Metric names Keras prints after an output prefix. Longest match wins, so
    /// `out_sparse_categorical_accuracy` is (`out`, `sparse_categorical_accuracy`).
    public static let knownMetrics: [String] = [
        "loss", "accuracy", "acc", "mae", "mse", "mape", "msle", "rmse", "auc", "precision", "recall",
        "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
        "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
        "mean_absolute_error", "mean_squared_error", "mean_absolute_percentage_error",
        "mean_squared_logarithmic_error", "root_mean_squared_error", "cosine_similarity",
        "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
        "kl_divergence", "kullback_leibler_divergence", "poisson", "hinge", "squared_hinge",
        "categorical_hinge", "logcosh", "log_cosh", "r2_score", "f1_score", "fbeta_score",
        "iou", "mean_iou", "one_hot_iou", "one_hot_mean_iou", "binary_iou",
        "true_positives", "true_negatives", "false_positives", "false_negatives",
        "specificity_at_sensitivity", "sensitivity_at_specificity",
        "precision_at_recall", "recall_at_precision",
    ]

    /// Keys that never carry an output prefix.
    private static let modelLevel: Set<String> = ["lr", "learning_rate", "compile_metrics"]

    /// Splits `name`. With `outputs` (the model's output names, when known) the prefix must be
    /// one of them; without, a known metric suffix after `_` decides (`dense_3_mae`), and a
    /// numbered instance (`precision_1`) is kept whole.
    public static func parse(_ name: String, outputs: [String] = []) -> MetricName {
        parse(name, outputs: Set(outputs))
    }

    /// `parse(_:outputs:)` with the output names as a set, for callers splitting many names:
    /// the cost is the name's length, not the number of outputs (a CSV header of thousands of
    /// `X_loss` columns once took seconds).
    public static func parse(_ name: String, outputs: Set<String>) -> MetricName {
        var key = Substring(name)
        let validation = key.hasPrefix("val_")
        if validation { key = key.dropFirst(4) }
        let bare = String(key)
        if modelLevel.contains(bare) { return MetricName(validation: validation, output: nil, metric: bare) }
        if !outputs.isEmpty {
            // The longest output name followed by `_` and at least one character.
            var index = bare.endIndex
            while let underscore = bare[..<index].lastIndex(of: "_") {
                index = underscore
                guard underscore > bare.startIndex, bare.index(after: underscore) < bare.endIndex else { continue }
                let output = String(bare[..<underscore])
                if outputs.contains(output) {
                    return MetricName(validation: validation, output: output,
                                      metric: String(bare[bare.index(after: underscore)...]))
                }
            }
            return MetricName(validation: validation, output: nil, metric: bare)
        }
        if knownMetrics.contains(bare) { return MetricName(validation: validation, output: nil, metric: bare) }
        // A numbered instance (`out1_precision_2`) matches on the part before its number.
        var stem = Substring(bare)
        var instance = ""
        if let underscore = bare.lastIndex(of: "_"), bare[bare.index(after: underscore)...].allSatisfy(\.isNumber),
           bare.index(after: underscore) < bare.endIndex {
            stem = bare[..<underscore]
            instance = String(bare[underscore...])
        }
        var best: (output: String, metric: String)?
        for candidate in [(stem, instance), (Substring(bare), "")] {
            for metric in knownMetrics where candidate.0.count > metric.count + 1 && candidate.0.hasSuffix("_" + metric) {
                let output = String(candidate.0.dropLast(metric.count + 1))
                if best == nil || metric.count + candidate.1.count > best!.metric.count {
                    best = (output, metric + candidate.1)
                }
            }
            if best != nil { break }
        }
        if let best { return MetricName(validation: validation, output: best.output, metric: best.metric) }
        return MetricName(validation: validation, output: nil, metric: bare)
    }
}
