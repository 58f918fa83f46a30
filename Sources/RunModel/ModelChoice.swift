import Diagnostics
import KerasModel
import TrainingLog

/// Which model a run is diagnosed and drawn with, and why: the exact model the source itself
/// reported (the training core, the callback stream) first; else the model given by hand
/// (`--model`) when nothing in the log contradicts it; else what the log printed (a summary
/// table), or none. A model given by hand that contradicts the log is never used silently:
/// `rejection` says why, and the diagnosis reports it.
public struct ModelChoice: Sendable, Equatable {
    /// The model to use, if any.
    public var model: ModelGraph?
    /// Why the model given by hand was not used (nil: it was, or none was given).
    public var rejection: String?

    /// Choose between the model a run's history carries and one given by hand.
    public init(history: RunHistory, override: ModelGraph?) {
        if let own = history.model, own.provenance.isExact {
            model = own
            rejection = override.flatMap { given in
                given == own ? nil : "the source reported its own model (\(own.provenance.rawValue)), which is used instead"
            }
            return
        }
        guard let override else { model = history.model; return }
        if let why = Self.contradiction(model: override, history: history) {
            model = history.model
            rejection = why
        } else {
            model = override
        }
    }

    /// Why `model` cannot be the model of the run in `history`, or nil when nothing the log
    /// shows contradicts it: the outputs the printed losses name, the layers a printed summary
    /// names, the metrics compiled against those printed, a loss printed beyond what the
    /// compiled cross-entropy can give.
    public static func contradiction(model: ModelGraph, history: RunHistory) -> String? {
        let printed = history.metricNames
        let modelOutputs = model.outputs.map(\.name)
        let logOutputs = PrintedMetric.outputNames(in: printed)
        if !printed.isEmpty {
            if modelOutputs.count > 1, logOutputs.isEmpty, printed.contains("loss") {
                return "the model has \(modelOutputs.count) outputs (\(modelOutputs.joined(separator: ", "))) but the log prints one loss"
            }
            if !logOutputs.isEmpty, modelOutputs.count > 1 || !model.outputs.isEmpty && logOutputs.count > 1 {
                let unknown = logOutputs.filter { !modelOutputs.contains($0) }
                if !unknown.isEmpty {
                    return "the log prints losses of outputs \(unknown.joined(separator: ", ")) that the model does not have (its outputs: \(modelOutputs.joined(separator: ", ")))"
                }
            }
        }
        if let summary = history.model, summary.provenance == .summaryTable {
            let known = Set(model.layers.map(\.name))
            let missing = summary.layers.filter { $0.className != "InputLayer" && !known.contains($0.name) }.map(\.name)
            if !missing.isEmpty {
                return "the log's model summary has layers the model does not (\(missing.prefix(3).joined(separator: ", ")))"
            }
        }
        if model.hasCompileConfig, let why = metricContradiction(model: model, printed: printed, outputs: modelOutputs) {
            return why
        }
        if let why = lossBoundContradiction(model: model, history: history) { return why }
        return nil
    }

    /// Printed metrics the compile config cannot have produced: every printed metric (not a
    /// loss) must match a compiled one by name, Keras's way (`acc` and `accuracy` alike, a
    /// class such as `AUC` printed as `auc`, `_1` suffixes for repeats).
    static func metricContradiction(model: ModelGraph, printed: [String], outputs: [String]) -> String? {
        let compiled = Set(model.outputs.flatMap(\.metrics).map(normalised))
        let names = printed.map { PrintedMetric($0, outputs: outputs.count > 1 ? outputs : []) }
            .filter { !$0.isLoss && !$0.isValidation }.map(\.base)
        // Keras 3 prints `compile_metrics` for a metric it could not name; a learning-rate
        // schedule adds `learning_rate` (`lr` in tf-keras): neither is compiled.
        let comparable = names.filter { !["compile_metrics", "learning_rate", "lr"].contains($0) }
        guard !comparable.isEmpty else { return nil }
        let unmatched = comparable.filter { !compiled.contains(normalised($0)) }
        guard !unmatched.isEmpty else { return nil }
        let list = model.outputs.flatMap(\.metrics)
        return "the log prints \(unmatched.joined(separator: ", ")), which the model's compile config does not have (metrics: \(list.isEmpty ? "none" : list.joined(separator: ", ")))"
    }

    /// A metric name as Keras prints it, for comparison: lower case, snake case for a class
    /// name, no `_1` repeat suffix, `acc` as `accuracy`, long loss-style names as their short form.
    static func normalised(_ name: String) -> String {
        var snake = ""
        for (index, character) in name.enumerated() {
            if character.isUppercase, index > 0, let previous = snake.last, previous.isLowercase { snake.append("_") }
            snake.append(Character(character.lowercased()))
        }
        while let last = snake.last, last.isNumber {
            snake.removeLast()
            if snake.last == "_" { snake.removeLast(); break }
        }
        switch snake {
        case "acc": return "accuracy"
        case "mean_absolute_error": return "mae"
        case "mean_squared_error": return "mse"
        case "mean_absolute_percentage_error": return "mape"
        case "mean_squared_logarithmic_error": return "msle"
        case "root_mean_squared_error": return "rmse"
        case "auc_roc", "a_u_c": return "auc"
        default: return snake
        }
    }

    /// A printed loss a cross-entropy on probabilities cannot reach: Keras clips
    /// probabilities to [1e-7, 1 - 1e-7], so each output's loss is at most -ln(1e-7) ≈ 16.1
    /// per sample. Allowed 100 times that (class or sample weights), scaled by the loss weights.
    static func lossBoundContradiction(model: ModelGraph, history: RunHistory) -> String? {
        guard model.hasCompileConfig, !model.layers.contains(where: \.hasRegularizer) else { return nil }
        var bound = 0.0
        for output in model.outputs {
            guard let loss = output.loss, !loss.fromLogits else { return nil }
            switch loss.kind {
            case .binaryCrossentropy, .categoricalCrossentropy, .sparseCategoricalCrossentropy,
                 .binaryFocalCrossentropy, .categoricalFocalCrossentropy:
                bound += 100 * 16.118095650958319 * max(output.lossWeight, 0)
            default:
                return nil
            }
        }
        guard bound > 0 else { return nil }
        for (index, loss) in history.epochs.values(of: "loss").enumerated() {
            guard loss.isFinite, loss > bound else { continue }
            let losses = model.outputs.compactMap { $0.loss?.configuredName }.joined(separator: ", ")
            return "the log prints loss \(KerasNumber.format(loss)) at epoch \(history.epochs.epoch(at: index)), beyond what the model's \(losses) on probabilities can give"
        }
        return nil
    }
}
