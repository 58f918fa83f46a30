import KerasModel
import TrainingLog

/// What the rules look at, gathered once per `Diagnostics.findings` call: the run, the best
/// model known, the Keras flavour, and every printed metric split into its parts.
struct RunFacts {
    let history: RunHistory
    /// The model given explicitly, else the one the run carried.
    let model: ModelGraph?
    /// The flavour given, else the model's, else the one the run's bytes showed; nil when nothing tells.
    let flavour: KerasFlavour?
    /// Complete epochs of the current segment, in order (the history's own storage when at
    /// most the last epoch was cut off).
    let epochs: EpochList
    /// Printed metric names in first-seen order.
    let names: [String]
    /// Output names: the model's, else those implied by printed names.
    let outputs: [String]
    /// Each printed name, split.
    let metrics: [PrintedMetric]
    /// Log lines beyond the callback messages (tracebacks, warnings the reader kept as noise).
    let extraLines: [String]
    /// Every line of text the run carried that a rule may search: callback messages, then
    /// `extraLines` (built once; five rules search it).
    let messageTexts: [String]

    init(history: RunHistory, model: ModelGraph?, flavour: KerasFlavour?, extraLines: [String] = []) {
        self.history = history
        self.extraLines = extraLines
        messageTexts = history.messages.map(\.text) + extraLines
        let model = model ?? history.model
        self.model = model
        self.flavour = flavour ?? model?.flavour ?? history.flavour
        let epochs = history.epochs.completeOnly()
        self.epochs = epochs
        // Names seen only in a cut-off epoch or the running epoch still count (as `metricNames`).
        var names = epochs.metricNames
        var known = Set(names)
        for name in history.epochs.incomplete.flatMap(\.metrics.keys) + (history.lastProgress?.metrics.keys.elements ?? [])
        where known.insert(name).inserted {
            names.append(name)
        }
        self.names = names
        let modelOutputs = model?.outputs.map(\.name) ?? []
        outputs = modelOutputs.count > 1 ? modelOutputs
            : (modelOutputs.isEmpty ? PrintedMetric.outputNames(in: names) : [])
        let outputNames = Set(outputs)
        metrics = names.map { PrintedMetric($0, outputs: outputNames) }
    }

    /// `certain` for exact config (model file, core, callback), else `suspected`.
    var configConfidence: Confidence { model?.provenance.isExact == true ? .certain : .suspected }

    /// True when the model and its compile config (a loss on some output) are known exactly.
    var knowsCompileConfig: Bool { model?.knowsCompileConfig ?? false }

    /// The spec of an output by name; a single-output model answers for `nil`.
    func output(_ name: String?) -> OutputSpec? {
        guard let model else { return nil }
        if let name { return model.outputs.first { $0.name == name } }
        return model.outputs.count == 1 ? model.outputs[0] : nil
    }

    /// Per-epoch values of a printed metric over the complete epochs (NaN where missing), read
    /// from the history's columns on each call: a run of a million epochs is not copied into a
    /// column per metric for the whole diagnosis.
    func values(_ name: String) -> [Double] {
        epochs.values(of: name)
    }

    /// True when the log printed this name.
    func has(_ name: String) -> Bool { names.contains(name) }

    /// The version range explanations name: the flavour's, or every range when unknown.
    var releases: String { flavour?.releases ?? "every Keras version" }
}
