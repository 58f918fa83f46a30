/// Reads a Keras `compile_config` (what `model.get_compile_config()` returns and a `.keras`
/// archive stores) into per-output specs.
///
/// Shapes accepted, as Keras 3 (keras/src/trainers/compile_utils.py `CompileLoss`,
/// `CompileMetrics._build_metrics_set`) and tf-keras 2.x (tf_keras/src/engine/compile_utils.py
/// `LossesContainer`, `MetricsContainer`) accept them:
/// - `loss`: a name, a serialised loss object, a dict keyed by output name, or a list in output order.
/// - `loss_weights`: null (all 1.0), a dict keyed by output name, or a list.
/// - `metrics` / `weighted_metrics`: a list (every metric for the single output; for several
///   outputs Keras 3 reads a list as one entry per output when its length matches, tf-keras
///   applies a flat list to every output), a list of lists, or a dict keyed by output name.
struct CompileConfigReader {
    let outputNames: [String]
    let flavour: KerasFlavour?

    /// Per-output specs and the optimizer.
    func read(_ compile: JSONValue) -> (outputs: [OutputSpec], optimizer: OptimizerSpec?) {
        let losses = perOutput(compile["loss"]) { Self.lossSpec($0) }
        let weights = perOutput(compile["loss_weights"]) { $0.double }
        var metrics = metricLists(compile["metrics"])
        let weighted = metricLists(compile["weighted_metrics"])
        for index in metrics.indices where index < weighted.count { metrics[index] += weighted[index] }
        let outputs = outputNames.indices.map { index in
            OutputSpec(name: outputNames[index], loss: losses[index] ?? nil,
                       lossWeight: (weights[index] ?? nil) ?? 1.0, metrics: metrics[index])
        }
        return (outputs, Self.optimizer(compile["optimizer"]))
    }

    /// Spread a per-output setting: one value for all, a dict by name, or a list by position.
    private func perOutput<T>(_ value: JSONValue?, _ parse: (JSONValue) -> T?) -> [T??] {
        guard let value, !value.isNull else { return outputNames.map { _ in nil } }
        switch value {
        case .object(let members) where members["class_name"] == nil:
            return outputNames.map { name in members[name].map(parse) }
        case .array(let items):
            return outputNames.indices.map { index in index < items.count ? parse(items[index]) : nil }
        default:
            let parsed = parse(value)
            return outputNames.map { _ in parsed }
        }
    }

    private func metricLists(_ value: JSONValue?) -> [[String]] {
        let none = outputNames.map { _ in [String]() }
        guard let value, !value.isNull else { return none }
        switch value {
        case .object(let members) where members["class_name"] == nil:
            return outputNames.map { name in members[name].map(Self.metricNames) ?? [] }
        case .array(let items):
            // One list per output: none for a model without outputs (found by fuzzing: a list of
            // metrics for a graph whose outputs could not be read indexed past the end).
            if outputNames.isEmpty { return [] }
            if outputNames.count == 1 { return [items.flatMap(Self.metricNames)] }
            let nested = items.contains { $0.array != nil }
            if nested || (flavour == .keras3 && items.count == outputNames.count) {
                return outputNames.indices.map { index in index < items.count ? Self.metricNames(items[index]) : [] }
            }
            let all = items.flatMap(Self.metricNames)
            return outputNames.map { _ in all }
        default:
            let all = Self.metricNames(value)
            return outputNames.map { _ in all }
        }
    }

    /// The names metrics print under: a string as given, an object by its `name`.
    static func metricNames(_ value: JSONValue) -> [String] {
        switch value {
        case .string(let name): return [name]
        case .array(let items): return items.flatMap(metricNames)
        case .object:
            if value["class_name"]?.string == "function", let name = value["config"]?.string { return [name] }
            if let name = value["config"]?["name"]?.string { return [name] }
            if let name = value["class_name"]?.string { return [LayerConfigReader.snakeCase(name)] }
            return []
        default: return []
        }
    }

    /// A loss from a name (`mse`) or a serialised object (`{"class_name": "BinaryCrossentropy",
    /// "config": {"from_logits": true}}`, or Keras 3's `{"class_name": "function", "config": "mse"}`).
    /// Custom losses are not known: nil.
    static func lossSpec(_ value: JSONValue) -> LossSpec? {
        switch value {
        case .string(let name):
            return LossKind(keras: name).map { LossSpec(kind: $0, configuredName: name) }
        case .object:
            let className = value["class_name"]?.string ?? ""
            let name = className == "function" ? (value["config"]?.string ?? value["registered_name"]?.string) : className
            guard let name, let kind = LossKind(keras: name) else { return nil }
            let fromLogits = value["config"]?["from_logits"]?.bool ?? false
            return LossSpec(kind: kind, fromLogits: fromLogits, configuredName: name)
        default:
            return nil
        }
    }

    static func optimizer(_ value: JSONValue?) -> OptimizerSpec? {
        guard let value else { return nil }
        if let name = value.string { return OptimizerSpec(name: name) }
        guard let name = value["config"]?["name"]?.string ?? value["class_name"]?.string else { return nil }
        return OptimizerSpec(name: name, learningRate: value["config"]?["learning_rate"]?.double)
    }
}
