import Diagnostics

/// One row of the metrics panel: a metric and its validation twin (`loss` and `val_loss`),
/// with what it belongs to and which way is better.
public struct MetricFamily: Sendable, Equatable {
    /// Which way a metric should move.
    public enum Direction: Sendable, Equatable {
        case lower, higher
    }

    /// What the row measures; decides order and what the graph view links it to.
    public enum Kind: Sendable, Equatable {
        /// The total loss Keras minimises (`loss`).
        case totalLoss
        /// One output's loss in a multi-output model (`out1_loss`).
        case outputLoss
        /// Any other metric (`accuracy`, `out1_mae`).
        case metric
        /// The learning rate a callback logs (`lr`, `learning_rate`).
        case learningRate
    }

    /// The name without `val_` (`loss`, `out2_accuracy`).
    public var name: String
    /// What the row measures.
    public var kind: Kind
    /// The output this metric is about, in a multi-output model.
    public var output: String?
    /// The training key, when the run logs it.
    public var train: String?
    /// The validation key (`val_<name>`), when the run logs it.
    public var validation: String?

    /// A row named `name`.
    public init(name: String, kind: Kind, output: String? = nil, train: String? = nil, validation: String? = nil) {
        self.name = name
        self.kind = kind
        self.output = output
        self.train = train
        self.validation = validation
    }

    /// The metric's own name with the output prefix removed (`out2_accuracy` -> `accuracy`).
    public var baseName: String {
        guard let output, name.hasPrefix(output + "_") else { return name }
        return String(name.dropFirst(output.count + 1))
    }

    /// Lower for losses and errors, higher for accuracies and scores, nil for the learning rate
    /// and names fitwatch cannot judge.
    public var betterDirection: Direction? {
        if kind == .learningRate { return nil }
        if kind == .totalLoss || kind == .outputLoss { return .lower }
        let base = baseName.lowercased()
        let lower = ["loss", "error", "mse", "mae", "mape", "msle", "crossentropy", "hinge",
                     "divergence", "kld", "poisson", "logcosh", "rmse", "perplexity"]
        let higher = ["acc", "auc", "precision", "recall", "f1", "iou", "r2", "score", "top_k"]
        if lower.contains(where: { base.contains($0) }) { return .lower }
        if higher.contains(where: { base.contains($0) }) { return .higher }
        return nil
    }

    /// True for accuracy metrics, whose resolved meaning the panel spells out.
    public var isAccuracy: Bool {
        let base = baseName.lowercased()
        return base == "accuracy" || base == "acc" || base.hasSuffix("_accuracy")
    }

    /// Group metric names into rows: the total loss first, then the run's other metrics,
    /// then each output (its loss, then its metrics), then the learning rate. `outputs` are the
    /// model's output names when it has several; with none given they are derived from the
    /// names (`out1_loss` makes `out1` an output).
    public static func families(metricNames: [String], outputs knownOutputs: [String] = []) -> [MetricFamily] {
        var bases: [String] = []
        var trainKeys: Set<String> = []
        var validationKeys: Set<String> = []
        for name in metricNames {
            let isValidation = name.hasPrefix("val_")
            let base = isValidation ? String(name.dropFirst(4)) : name
            if !bases.contains(base) { bases.append(base) }
            if isValidation { validationKeys.insert(base) } else { trainKeys.insert(base) }
        }
        let outputs = knownOutputs.count > 1 ? knownOutputs : PrintedMetric.outputNames(in: bases)
        func output(of base: String) -> String? {
            // Longest prefix wins so `out1` and `out10` never collide.
            outputs.filter { base.hasPrefix($0 + "_") }.max { $0.count < $1.count }
        }
        func family(_ base: String) -> MetricFamily {
            let owner = output(of: base)
            let kind: Kind
            if base == "loss" { kind = .totalLoss }
            else if base == "lr" || base == "learning_rate" { kind = .learningRate }
            else if let owner, base == owner + "_loss" { kind = .outputLoss }
            else { kind = .metric }
            return MetricFamily(name: base, kind: kind, output: owner,
                                train: trainKeys.contains(base) ? base : nil,
                                validation: validationKeys.contains(base) ? "val_" + base : nil)
        }
        let all = bases.map(family)
        var ordered = all.filter { $0.kind == .totalLoss }
        ordered += all.filter { $0.kind == .metric && $0.output == nil }
        for name in outputs {
            ordered += all.filter { $0.output == name && $0.kind == .outputLoss }
            ordered += all.filter { $0.output == name && $0.kind == .metric }
        }
        ordered += all.filter { $0.kind == .learningRate }
        return ordered
    }

}
