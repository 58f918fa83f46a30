import Collections

/// Where fitwatch learned what it knows about a model. Decides a finding's confidence:
/// anything but `.summaryTable` is exact config, a summary table is only what was printed.
public enum ModelProvenance: String, Sendable, Equatable, Codable {
    /// The in-process training core built this model itself.
    case trainingCore = "training-core"
    /// A Keras 3 `.keras` archive or a `model.to_json()` file given with `--model`.
    case modelFile = "model-file"
    /// The fitwatch Keras callback stream (`*.fitwatch.jsonl`).
    case callback
    /// A `model.summary()` table printed in the log: names, types, shapes, counts, edges.
    case summaryTable = "summary-table"

    /// True when the compile config is known exactly rather than inferred from printed text.
    public var isExact: Bool { self != .summaryTable }
}

/// One layer of a Keras model as fitwatch understands it. Unknown classes are kept as
/// opaque nodes (`className` as Keras printed it, no `activation`/`units`).
public struct Layer: Sendable, Equatable, Codable, Hashable {
    /// The layer's Keras name (`dense_1`, `out1`).
    public var name: String
    /// The Keras class name (`Dense`, `InputLayer`, `Dropout`, ...).
    public var className: String
    /// The output shape without the batch axis, `nil` entries for unknown sizes.
    public var outputShape: [Int?]?
    /// Trainable plus non-trainable parameter count, when known.
    public var parameters: Int?
    /// The activation function name (`relu`, `softmax`, `linear`), when the layer has one.
    public var activation: String?
    /// `units` of a Dense layer.
    public var units: Int?
    /// `rate` of a Dropout layer.
    public var rate: Double?
    /// Names of the layers feeding this one.
    public var inbound: [String]
    /// True when the layer adds a regularisation loss (a kernel/bias/activity regulariser):
    /// Keras adds it to the printed total `loss` but to no per-output loss.
    public var hasRegularizer: Bool

    /// A layer; only `name` and `className` are required (an opaque node).
    public init(name: String, className: String, outputShape: [Int?]? = nil, parameters: Int? = nil,
                activation: String? = nil, units: Int? = nil, rate: Double? = nil, inbound: [String] = [],
                hasRegularizer: Bool = false) {
        self.name = name
        self.className = className
        self.outputShape = outputShape
        self.parameters = parameters
        self.activation = activation
        self.units = units
        self.rate = rate
        self.inbound = inbound
        self.hasRegularizer = hasRegularizer
    }

    /// The size of the last axis of the output, the thing Keras's accuracy resolution looks at.
    public var lastAxisSize: Int? {
        if let units { return units }
        if let last = outputShape?.last { return last }
        return nil
    }
}

/// How one model output is trained and measured.
public struct OutputSpec: Sendable, Equatable, Codable {
    /// The output layer's name (the key Keras prefixes metrics with: `out1_loss`).
    public var name: String
    /// The loss as configured (`mean_squared_error`, `binary_crossentropy`, ...), normalised by `LossKind`.
    public var loss: LossSpec?
    /// The loss weight; Keras's default is 1.0.
    public var lossWeight: Double
    /// The metrics as the user wrote them (`accuracy`, `mae`, ...).
    public var metrics: [String]
    /// How the targets for this output are encoded, when the data is known (the training core,
    /// a run spec); nil from model files, which never describe the data.
    public var target: TargetEncoding?

    /// An output; the weight defaults to Keras's 1.0.
    public init(name: String, loss: LossSpec? = nil, lossWeight: Double = 1.0, metrics: [String] = [],
                target: TargetEncoding? = nil) {
        self.name = name
        self.loss = loss
        self.lossWeight = lossWeight
        self.metrics = metrics
        self.target = target
    }
}

/// A loss as compiled: which function and its options.
public struct LossSpec: Sendable, Equatable, Codable, Hashable {
    /// The loss function.
    public var kind: LossKind
    /// `from_logits=True` on a cross-entropy loss.
    public var fromLogits: Bool
    /// The name exactly as the user gave it, for messages.
    public var configuredName: String

    /// A loss; `configuredName` defaults to the canonical Keras name.
    public init(kind: LossKind, fromLogits: Bool = false, configuredName: String? = nil) {
        self.kind = kind
        self.fromLogits = fromLogits
        self.configuredName = configuredName ?? kind.rawValue
    }
}

/// The optimizer as compiled.
public struct OptimizerSpec: Sendable, Equatable, Codable {
    /// The optimizer's Keras name (`adam`, `SGD`).
    public var name: String
    /// The configured learning rate, when a number.
    public var learningRate: Double?
    /// An optimizer spec.
    public init(name: String, learningRate: Double? = nil) {
        self.name = name
        self.learningRate = learningRate
    }
}

/// A model graph with its compile configuration: what the diagnostics, the graph view
/// and the training core agree on.
public struct ModelGraph: Sendable, Equatable, Codable {
    /// The model's name (`sequential`, `two_heads`).
    public var name: String
    /// Layers in topological order (inputs first).
    public var layers: [Layer]
    /// Names of the input layers.
    public var inputs: [String]
    /// One entry per model output, in Keras's output order.
    public var outputs: [OutputSpec]
    /// The optimizer, when known.
    public var optimizer: OptimizerSpec?
    /// The Keras version that built or printed this model (`3.15.1`, `2.21.0`), when known.
    public var kerasVersion: String?
    /// How fitwatch came to know it.
    public var provenance: ModelProvenance

    /// A graph with its compile configuration.
    public init(name: String, layers: [Layer], inputs: [String], outputs: [OutputSpec],
                optimizer: OptimizerSpec? = nil, kerasVersion: String? = nil, provenance: ModelProvenance) {
        self.name = name
        self.layers = layers
        self.inputs = inputs
        self.outputs = outputs
        self.optimizer = optimizer
        self.kerasVersion = kerasVersion
        self.provenance = provenance
    }

    /// The layer with this name.
    public func layer(named name: String) -> Layer? { layers.first { $0.name == name } }

    /// True when the model came with its compile config (a loss for some output): a tf-keras
    /// `model.to_json()` has none, so its loss weights and metrics are unknown, not defaults.
    public var hasCompileConfig: Bool { outputs.contains { $0.loss != nil } }

    /// True when the loss weights and losses are known exactly: an exact model (not a printed
    /// summary) with its compile config.
    public var knowsCompileConfig: Bool { provenance.isExact && hasCompileConfig }

    /// Every edge `(from, to)` in the graph, in layer order.
    public var edges: [(from: String, to: String)] {
        layers.flatMap { layer in layer.inbound.map { (from: $0, to: layer.name) } }
    }

    /// The Keras line of releases that wrote this model, when its version is known.
    public var flavour: KerasFlavour? { kerasVersion.flatMap(KerasFlavour.init(version:)) }

    /// The activation that produces an output's values: the output layer's own, or, behind
    /// layers that only move values (Dropout, Flatten, Reshape), their producer's. `linear`
    /// for a Dense without activation (logits); nil when unknown (an opaque layer).
    public func outputActivation(_ output: String) -> String? {
        var name = output
        var visited = Set<String>()
        while let layer = layer(named: name), visited.insert(name).inserted {
            if let activation = layer.activation { return activation }
            guard LayerConfigReader.valuePreserving.contains(layer.className), layer.inbound.count == 1 else { return nil }
            name = layer.inbound[0]
        }
        return nil
    }

    /// The size of an output's last axis (what Keras's accuracy resolution looks at).
    public func outputUnits(_ output: String) -> Int? { layer(named: output)?.lastAxisSize }

    /// The layers an output's loss reaches: every layer on some path from an input to that
    /// output. For x -> A -> B -> C -> out1 and B -> D -> out2, `reached(by: "out1")` is
    /// {x, A, B, C, out1} and not D: gradients of out1's loss never flow into D.
    public func layersReached(byOutput output: String) -> OrderedSet<String> {
        var ancestors = Set<String>()
        var stack = [output]
        while let name = stack.popLast() {
            guard ancestors.insert(name).inserted, let layer = layer(named: name) else { continue }
            stack.append(contentsOf: layer.inbound)
        }
        // Keep topological order for display.
        return OrderedSet(layers.map(\.name).filter(ancestors.contains))
    }
}
