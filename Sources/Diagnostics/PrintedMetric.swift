import TrainingLog

/// A metric name as Keras printed it, split into its parts: `val_out2_accuracy` is the
/// validation value of `accuracy` on output `out2`.
///
/// Keras 3 (keras/src/trainers/compile_utils.py `MetricsList`/`CompileLoss`) and tf-keras
/// (tf_keras/src/engine/compile_utils.py) prefix per-output names with the output name when a
/// model has several outputs, and prefix validation values with `val_`
/// (keras/src/backend/jax/trainer.py `fit`; tf_keras/src/engine/training.py `fit`).
public struct PrintedMetric: Sendable, Equatable, Hashable {
    /// The name as printed.
    public var printed: String
    /// True for `val_*`.
    public var isValidation: Bool
    /// The output it belongs to (`out2`), nil for the model-wide value or a single-output model.
    public var output: String?
    /// The metric or loss itself: `loss`, `accuracy`, `mae`.
    public var base: String

    /// Split `printed` with the readers' `MetricName.parse` (longest output name wins, so an
    /// output named `out` does not capture `out2_loss`). `RunFacts` passes the model's output
    /// names, or those implied by the printed `X_loss` names (see `outputNames(in:)`).
    public init(_ printed: String, outputs: [String]) {
        self.init(printed, outputs: Set(outputs))
    }

    /// The same, with the output names as a set (`RunFacts` splits every name with one).
    public init(_ printed: String, outputs: Set<String>) {
        self.printed = printed
        let parsed = MetricName.parse(printed, outputs: outputs)
        isValidation = parsed.validation
        output = parsed.output
        base = parsed.metric
    }

    /// True for a loss (`loss`, `out1_loss`, `val_loss`).
    public var isLoss: Bool { base == "loss" }

    /// True when the metric is one of the accuracy family (what the monitor explains).
    public var isAccuracy: Bool { Self.accuracyNames.contains(base.lowercased()) }

    /// The training twin of a validation metric: `val_out2_auc` -> `out2_auc`; nil for training values.
    public var trainingTwin: String? { isValidation ? String(printed.dropFirst(4)) : nil }

    /// What the metric computes, as the curve rules need it (best value, threshold counts).
    var kind: MetricKind { MetricKind(base: base) }

    /// The loss printed for the same output and split: `val_out2_accuracy` -> `val_out2_loss`.
    public var companionLoss: String {
        (isValidation ? "val_" : "") + (output.map { $0 + "_" } ?? "") + "loss"
    }

    static let accuracyNames: Set<String> = [
        "accuracy", "acc", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    ]

    /// Output names implied by printed names when no model is known: every `X_loss` other than
    /// `loss`/`val_loss` names output `X` (both Keras 3 and tf-keras print a loss per output
    /// of a multi-output model).
    public static func outputNames(in printed: [String]) -> [String] {
        var names: [String] = []
        var seen: Set<String> = []
        for name in printed {
            var rest = Substring(name)
            if rest.hasPrefix("val_") { rest = rest.dropFirst(4) }
            guard rest.hasSuffix("_loss"), rest.count > 5 else { continue }
            let output = String(rest.dropLast(5))
            if seen.insert(output).inserted { names.append(output) }
        }
        return names
    }
}
