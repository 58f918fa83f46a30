/// What Keras computes under a printed metric name, as far as the curve rules need it to tell
/// a healthy curve from a broken one: which value is the best the metric can reach, and whether
/// it is a ratio of counts taken at a threshold rather than a mean of per-sample values.
///
/// Sources (the same in Keras 3.x and tf-keras 2.x, read in keras 3.15.1 and tf-keras 2.21.0):
/// - running means: keras/src/metrics/reduction_metrics.py `MeanMetricWrapper` (accuracy, mae,
///   mse, ...: per-sample values averaged over every batch seen, weighted by batch size);
///   tf_keras/src/metrics/base_metric.py `MeanMetricWrapper`.
/// - ratios of counts: keras/src/metrics/confusion_metrics.py (`Precision`, `Recall`, `AUC`,
///   `*AtRecall`/`*AtPrecision`/`*AtSensitivity`/`*AtSpecificity`: true/false positive and negative
///   counts accumulated over the epoch at one or more thresholds, `result()` divides the totals,
///   0 when nothing was predicted positive); keras/src/metrics/f_score_metrics.py (`FBetaScore`,
///   `F1Score`: the same counts, at `threshold` or the arg-max); keras/src/metrics/iou_metrics.py
///   (a confusion matrix); tf_keras/src/metrics/confusion_metrics.py and f_score_metrics.py alike.
///   On a fixed validation set such a value changes only when a sample crosses the threshold, so
///   it moves in steps of 1/n and may stand still while the loss, which sees every probability,
///   keeps moving.
/// - `R2Score` (keras/src/metrics/regression_metrics.py) accumulates sums of squares: at most 1.
struct MetricKind: Equatable {
    /// The best value the metric can reach: 1 for scores, 0 for errors, nil when unknown.
    var best: Double?
    /// True for metrics computed from counts at a threshold (Precision, Recall, AUC, F1, IoU).
    var isThresholdCount: Bool

    /// The kind of a printed base name (`precision`, `auc_1`, `root_mean_squared_error`); Keras
    /// numbers a second instance of a metric class `auc_1`, so a trailing `_<digits>` is ignored.
    init(base: String) {
        let name = Self.unnumbered(base.lowercased())
        if Self.thresholdCounts.contains(name) || Self.thresholdSuffixes.contains(where: { name.hasSuffix($0) }) {
            best = name.hasPrefix("true_") || name.hasPrefix("false_") ? nil : 1
            isThresholdCount = true
        } else if Self.scores.contains(name) {
            best = 1
            isThresholdCount = false
        } else if Self.errors.contains(name) {
            best = 0
            isThresholdCount = false
        } else {
            best = nil
            isThresholdCount = false
        }
    }

    /// True when `value` is the best value, as printed (`%.4f` rounds 0.99996 to 1.0000).
    func isBest(_ value: Double) -> Bool {
        guard let best else { return false }
        return abs(value - best) <= Thresholds.absoluteRounding
    }

    static func unnumbered(_ name: String) -> String {
        guard let underscore = name.lastIndex(of: "_"), name.index(after: underscore) < name.endIndex,
              name[name.index(after: underscore)...].allSatisfy(\.isNumber) else { return name }
        return String(name[..<underscore])
    }

    /// Ratios of counts (default names of the Keras classes, `prc` being `AUC(curve='PR')`'s usual name).
    static let thresholdCounts: Set<String> = [
        "precision", "recall", "auc", "prc", "pr_auc", "roc_auc", "f1_score", "fbeta_score", "f1",
        "io_u", "mean_io_u", "binary_io_u", "one_hot_io_u", "one_hot_mean_io_u", "iou", "mean_iou",
        "true_positives", "false_positives", "true_negatives", "false_negatives",
    ]
    /// `precision_at_recall`, `recall_at_precision`, `sensitivity_at_specificity`, `specificity_at_sensitivity`.
    static let thresholdSuffixes = ["_at_recall", "_at_precision", "_at_specificity", "_at_sensitivity"]
    /// Means of per-sample scores (or sums) whose best value is 1.
    static let scores: Set<String> = [
        "accuracy", "acc", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
        "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "r2_score", "cosine_similarity",
    ]
    /// Means of per-sample errors whose best value is 0.
    static let errors: Set<String> = [
        "mae", "mse", "mape", "msle", "rmse", "mean_absolute_error", "mean_squared_error",
        "mean_absolute_percentage_error", "mean_squared_logarithmic_error", "root_mean_squared_error",
        "logcosh", "log_cosh", "log_cosh_error", "hinge", "squared_hinge", "categorical_hinge",
        "kl_divergence", "kld", "kullback_leibler_divergence", "binary_crossentropy", "categorical_crossentropy",
        "sparse_categorical_crossentropy", "binary_focal_crossentropy", "categorical_focal_crossentropy",
    ]
}
