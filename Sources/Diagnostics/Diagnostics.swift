import KerasModel
import TrainingLog

/// The rules that turn a run (and its model, when known) into findings. Pure: the monitor
/// and headless output call it again as the run grows and diff the result by `Finding.id`;
/// `fitwatch check` prints it.
///
/// Confidence: config findings are `certain` when the model and compile config are exact
/// (model file, training core, callback stream) and `suspected` when inferred from the log,
/// with the evidence saying what was seen. Findings about the logged numbers themselves
/// (NaN, divergence, overfitting, a stuck metric) are `certain`: the numbers are facts.
public enum Diagnostics {
    /// Every finding for this run, at most one per id, ordered by severity (errors first),
    /// then first epoch, then id.
    public static func findings(history: RunHistory, model: ModelGraph?, flavour: KerasFlavour?) -> [Finding] {
        findings(history: history, model: model, flavour: flavour, logLines: [])
    }

    /// Like `findings(history:model:flavour:)`, also searching `logLines`: lines the reader
    /// kept as noise (indented traceback lines such as tf-keras's "`rate` must be a scalar
    /// tensor or a float in the range [0, 1)" or "Shapes (None, 1) and (None, 3) are
    /// incompatible"), which name a config problem when no model is known.
    public static func findings(history: RunHistory, model: ModelGraph?, flavour: KerasFlavour?,
                                logLines: [String]) -> [Finding] {
        let facts = RunFacts(history: history, model: model, flavour: flavour, extraLines: logLines)
        var found: [Finding] = []
        found += accuracyOnRegression(facts)
        found += binaryCrossentropyMulticlass(facts)
        found += softmaxSingleUnit(facts)
        found += dropoutRateOne(facts)
        found += fromLogitsMismatch(facts)
        found += labelEncodingMismatch(facts)
        found += nanLoss(facts)
        found += diverging(facts)
        found += overfitting(facts)
        found += stuckMetric(facts)
        found += constantLoss(facts)
        found += lossBalance(facts)
        found += earlyStoppingWithoutRestore(facts)
        found += compileMetricsName(facts)
        return ordered(merged(found))
    }

    /// What each accuracy-like metric of the run resolved to, keyed by printed name (`accuracy`,
    /// `val_accuracy`, `out2_accuracy`, `val_out2_accuracy`, `mae`). Only names fitwatch can
    /// resolve: an `accuracy` whose output size and loss are unknown is left out rather than guessed.
    public static func resolvedMetrics(history: RunHistory, model: ModelGraph?,
                                       flavour: KerasFlavour?) -> [String: ResolvedMetric] {
        let facts = RunFacts(history: history, model: model, flavour: flavour)
        var resolved: [String: ResolvedMetric] = [:]
        for metric in facts.metrics where !metric.isLoss {
            if let value = resolve(metric, facts) { resolved[metric.printed] = value }
        }
        return resolved
    }

    /// One printed metric's resolution, or nil when it cannot be known.
    static func resolve(_ metric: PrintedMetric, _ facts: RunFacts) -> ResolvedMetric? {
        guard metric.isAccuracy else {
            let value = MetricResolution.resolve(metric: metric.base, outputUnits: nil, target: .unknown,
                                                 loss: nil, flavour: facts.flavour ?? .keras3)
            return value == .other ? nil : value
        }
        let name = metric.base.lowercased()
        if name != "accuracy" && name != "acc" {
            let value = MetricResolution.resolve(metric: name, outputUnits: nil, target: .unknown,
                                                 loss: nil, flavour: facts.flavour ?? .keras3)
            // Only Keras 2.0-2.2 rounds in `binary_accuracy`; without a flavour say nothing.
            return facts.flavour == nil && value == .binaryAccuracy ? nil : value
        }
        guard let flavour = facts.flavour, let model = facts.model, let spec = facts.output(metric.output) else {
            return nil
        }
        let units = model.outputUnits(spec.name)
        let target = spec.target ?? .unknown
        if units != 1 && spec.loss == nil && target == .unknown { return nil }
        if units == nil && !flavour.choosesAccuracyFromLoss && target == .unknown && spec.loss?.kind != .sparseCategoricalCrossentropy {
            return nil
        }
        let value = MetricResolution.resolve(metric: name, outputUnits: units, target: target,
                                             loss: spec.loss?.kind, flavour: flavour)
        return value == .other ? nil : value
    }

    /// Keep ids unique: a rule that fires twice (two outputs) becomes one finding listing both.
    static func merged(_ findings: [Finding]) -> [Finding] {
        var result: [Finding] = []
        for finding in findings {
            if let index = result.firstIndex(where: { $0.id == finding.id }) {
                var existing = result[index]
                existing.severity = max(existing.severity, finding.severity)
                if finding.confidence == .certain { existing.confidence = .certain }
                existing.epoch = [existing.epoch, finding.epoch].compactMap { $0 }.min()
                existing.evidence += finding.evidence.filter { !existing.evidence.contains($0) }
                existing.metrics += finding.metrics.filter { !existing.metrics.contains($0) }
                result[index] = existing
            } else {
                result.append(finding)
            }
        }
        return result
    }

    /// Severity descending, then first epoch (config findings without one first), then id.
    public static func ordered(_ findings: [Finding]) -> [Finding] {
        findings.sorted { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            if a.epoch != b.epoch { return (a.epoch ?? 0) < (b.epoch ?? 0) }
            return a.id < b.id
        }
    }
}
