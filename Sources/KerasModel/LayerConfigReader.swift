/// Turns the `layers` of a Keras model config into fitwatch `Layer`s: names, classes,
/// edges, the options the diagnostics care about, and output shapes where they can be known.
///
/// Formats handled (each checked against a real file in Tests/Fixtures/models):
/// - Keras 3 functional: `inbound_nodes: [{"args": [{"class_name": "__keras_tensor__",
///   "config": {"shape": [...], "keras_history": [layer, node, tensor]}}], "kwargs": {}}]`
///   (keras/src/models/functional.py `serialize_node`).
/// - tf-keras 2.x and Keras 2.x functional: `inbound_nodes: [[[layer, node, tensor, {kwargs}]]]`
///   (tf_keras/src/engine/functional.py `get_network_config`).
/// - Sequential (both): no `inbound_nodes`; each layer feeds the next.
struct LayerConfigReader {
    /// Classes whose output has the shape of their (single) input.
    static let shapePreserving: Set<String> = [
        "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
        "GaussianDropout", "AlphaDropout", "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU",
        "Softmax", "ThresholdedReLU", "BatchNormalization", "LayerNormalization", "GroupNormalization",
        "UnitNormalization", "ActivityRegularization", "Masking", "Rescaling", "Normalization",
        "Identity", "TFOpLambda",
    ]
    /// Classes that only move values around: an output behind them has its producer's activation.
    static let valuePreserving: Set<String> = [
        "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout",
        "AlphaDropout", "Flatten", "Reshape", "Permute", "Identity", "ActivityRegularization", "Masking",
    ]
    /// Element-wise merges: the output has the first input's shape.
    static let elementwiseMerges: Set<String> = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]

    let file: String

    /// Read the layers of a `Functional`/`Model` or `Sequential` config.
    func layers(modelClass: String, config: JSONValue) throws -> (layers: [Layer], inputs: [String], outputs: [String]) {
        guard let entries = config["layers"]?.array, !entries.isEmpty else {
            throw ModelFileError(file: file, problem: "model config of class \(modelClass) has no layers")
        }
        var names: [String] = []
        for (index, entry) in entries.enumerated() {
            guard let name = entry["name"]?.string ?? entry["config"]?["name"]?.string else {
                throw ModelFileError(file: file, problem: "layer \(index + 1) has no name")
            }
            names.append(name)
        }
        let known = Set(names)
        let sequential = modelClass == "Sequential" || entries.allSatisfy { $0["inbound_nodes"] == nil }
        var layers: [Layer] = []
        var seenShapes: [String: [Int?]] = [:]
        for (index, entry) in entries.enumerated() {
            var inbound: [String] = []
            if sequential {
                if index > 0 { inbound = [names[index - 1]] }
            } else if let nodes = entry["inbound_nodes"] {
                Self.collectInbound(nodes, known: known, into: &inbound, shapes: &seenShapes)
            }
            layers.append(Self.layer(name: names[index], entry: entry, inbound: inbound))
        }
        var inputs: [String]
        var outputs: [String]
        if sequential {
            if let first = layers.first, first.className != "InputLayer" {
                // tf-keras Sequential models built without an explicit Input keep the shape on
                // the first layer (`batch_input_shape`) or the model (`build_input_shape`).
                let shape = Self.batchShape(entries[0]["config"]) ?? Self.dropBatch(config["build_input_shape"])
                var inputName = "input"
                while known.contains(inputName) { inputName += "_" }
                layers[0].inbound = [inputName]
                layers.insert(Layer(name: inputName, className: "InputLayer", outputShape: shape), at: 0)
            }
            inputs = layers.first.map { [$0.name] } ?? []
            outputs = layers.last.map { [$0.name] } ?? []
        } else {
            inputs = Self.endpointNames(config["input_layers"])
            outputs = Self.endpointNames(config["output_layers"])
            for name in inputs + outputs where !known.contains(name) {
                throw ModelFileError(file: file, problem: "model endpoint \"\(name)\" is not one of its layers")
            }
        }
        Self.inferShapes(&layers, seen: seenShapes)
        return (layers, inputs, outputs)
    }

    /// One layer from its config entry; unknown classes keep their name and edges only.
    static func layer(name: String, entry: JSONValue, inbound: [String]) -> Layer {
        let className = entry["class_name"]?.string ?? "Unknown"
        let config = entry["config"] ?? .null
        var layer = Layer(name: name, className: className, inbound: inbound)
        layer.units = config["units"]?.int
        layer.rate = config["rate"]?.double
        switch className {
        case "Softmax": layer.activation = "softmax"
        case "ReLU": layer.activation = "relu"
        case "LeakyReLU": layer.activation = "leaky_relu"
        case "ELU": layer.activation = "elu"
        case "PReLU": layer.activation = "prelu"
        default: layer.activation = activationName(config["activation"])
        }
        if className == "Dense" || className == "EinsumDense", layer.activation == nil {
            layer.activation = "linear"
        }
        layer.hasRegularizer = ["kernel_regularizer", "bias_regularizer", "activity_regularizer",
                                "recurrent_regularizer", "depthwise_regularizer", "pointwise_regularizer",
                                "beta_regularizer", "gamma_regularizer", "embeddings_regularizer"]
            .contains { key in config[key].map { !$0.isNull } ?? false }
            || className == "ActivityRegularization"
        if className == "InputLayer" { layer.outputShape = batchShape(config) }
        return layer
    }

    /// `relu`, or the name inside a serialised activation (`{"class_name": "function", "config": "softmax"}`).
    static func activationName(_ value: JSONValue?) -> String? {
        guard let value else { return nil }
        switch value {
        case .string(let name): return name.lowercased()
        case .object:
            if let name = value["config"]?.string { return name.lowercased() }
            if let name = value["registered_name"]?.string { return name.lowercased() }
            if let name = value["class_name"]?.string { return snakeCase(name) }
            return nil
        default: return nil
        }
    }

    /// `LeakyReLU` -> `leaky_re_lu` is what Keras does; fitwatch only needs a stable lower-case key.
    static func snakeCase(_ name: String) -> String {
        var result = ""
        for (index, character) in name.enumerated() {
            if character.isUppercase, index > 0, let previous = result.last, previous.isLowercase { result.append("_") }
            result.append(Character(character.lowercased()))
        }
        return result
    }

    /// `batch_shape` (Keras 3) or `batch_input_shape` (Keras 2) without the batch axis.
    static func batchShape(_ config: JSONValue?) -> [Int?]? {
        dropBatch(config?["batch_shape"]) ?? dropBatch(config?["batch_input_shape"])
    }

    static func dropBatch(_ value: JSONValue?) -> [Int?]? {
        guard let dims = value?.array, !dims.isEmpty else { return nil }
        return dims.dropFirst().map(\.int)
    }

    /// Layer names referenced by `inbound_nodes`, in order, without repeats. Also records the
    /// shapes Keras 3 stores on each tensor: the producing layer's output shape.
    static func collectInbound(_ value: JSONValue, known: Set<String>, into names: inout [String],
                               shapes: inout [String: [Int?]]) {
        switch value {
        case .object(let members):
            if members["class_name"]?.string == "__keras_tensor__", let config = members["config"],
               let producer = config["keras_history"]?.array?.first?.string {
                if known.contains(producer), !names.contains(producer) { names.append(producer) }
                if let shape = dropBatch(config["shape"]), shapes[producer] == nil { shapes[producer] = shape }
                return
            }
            for key in members.keys.sorted() {
                collectInbound(members[key]!, known: known, into: &names, shapes: &shapes)
            }
        case .array(let items):
            // tf-keras: [layer_name, node_index, tensor_index, kwargs]
            if items.count >= 3, let producer = items[0].string, items[1].double != nil, items[2].double != nil {
                if known.contains(producer), !names.contains(producer) { names.append(producer) }
                return
            }
            for item in items { collectInbound(item, known: known, into: &names, shapes: &shapes) }
        default:
            break
        }
    }

    /// `["x", 0, 0]` (one endpoint, Keras 3), `[["a", 0, 0], ["b", 0, 0]]`, or a dict of those
    /// (dict outputs are ordered by sorted key, as `tree.flatten` does in Keras 3).
    static func endpointNames(_ value: JSONValue?) -> [String] {
        guard let value else { return [] }
        switch value {
        case .array(let items):
            if let first = items.first?.string, items.count >= 2, items[1].double != nil { return [first] }
            return items.flatMap { endpointNames($0) }
        case .object(let members):
            return members.keys.sorted().flatMap { endpointNames(members[$0]) }
        default:
            return []
        }
    }

    /// Fill in output shapes from the tensors Keras recorded and from what each class does.
    static func inferShapes(_ layers: inout [Layer], seen: [String: [Int?]]) {
        var shapes: [String: [Int?]] = [:]
        for index in layers.indices {
            let layer = layers[index]
            let input = layer.inbound.first.flatMap { shapes[$0] }
            var shape = seen[layer.name] ?? layer.outputShape
            if shape == nil {
                shape = propagate(layer, input: input, inputs: layer.inbound.compactMap { shapes[$0] })
            }
            if layer.className == "Dense", let units = layer.units, let inputLast = input?.last, let fanIn = inputLast {
                // Untrusted numbers: a count that does not fit an Int is unknown, never a trap.
                layers[index].parameters = Self.checkedProduct([Self.checkedSum([fanIn, 1]), units])
            }
            layers[index].outputShape = shape
            if let shape { shapes[layer.name] = shape }
        }
    }

    private static func propagate(_ layer: Layer, input: [Int?]?, inputs: [[Int?]]) -> [Int?]? {
        if let units = layer.units {
            if let input, !input.isEmpty { return Array(input.dropLast()) + [units] }
            return [units]
        }
        if shapePreserving.contains(layer.className) || elementwiseMerges.contains(layer.className) { return input }
        if layer.className == "Flatten", let input {
            let known = input.compactMap { $0 }
            return known.count == input.count ? [checkedProduct(known)] : [nil]
        }
        if layer.className == "Concatenate", inputs.count == layer.inbound.count, let first = inputs.first {
            let lasts = inputs.compactMap { $0.last ?? nil }
            return Array(first.dropLast()) + [lasts.count == inputs.count ? checkedSum(lasts) : nil]
        }
        return nil
    }

    /// The product of sizes read from a file, or nil when it overflows (or a factor is unknown).
    static func checkedProduct(_ factors: [Int?]) -> Int? {
        var result = 1
        for factor in factors {
            guard let factor else { return nil }
            let (product, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            result = product
        }
        return result
    }

    /// The sum of sizes read from a file, or nil when it overflows (or a term is unknown).
    static func checkedSum(_ terms: [Int?]) -> Int? {
        var result = 0
        for term in terms {
            guard let term else { return nil }
            let (sum, overflow) = result.addingReportingOverflow(term)
            if overflow { return nil }
            result = sum
        }
        return result
    }
}
