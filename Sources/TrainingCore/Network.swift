import KerasModel

/// A built functional model: nodes in topological order, each with its output buffer and
/// gradient buffer, trainable parameters, and forward and backward passes.
///
/// Buffers are allocated once and reshaped per batch, so a training step allocates nothing.
public final class Network {
    /// One built layer.
    struct Node {
        var spec: LayerSpec
        var inputs: [Int]
        var width: Int
        var kernel: Parameter?
        var bias: Parameter?
    }

    private(set) var nodes: [Node] = []
    /// Indices of the output nodes, in output order.
    public let outputIndices: [Int]
    /// Every trainable variable, in layer order (kernel then bias).
    public private(set) var parameters: [Parameter] = []
    /// Width of the model input.
    public let inputWidth: Int

    private var outputsBuffer: [Matrix]
    private var preActivation: [Matrix]
    private var gradients: [Matrix]
    private var scratch: Matrix = Matrix(rows: 0, cols: 0)
    private var transposeScratch: Matrix = Matrix(rows: 0, cols: 0)
    private var dropoutMasks: [Matrix]
    private var dropoutRandom: SeededRandom
    /// Reuse the last dropout masks instead of drawing new ones (gradient checks need the
    /// same function on every evaluation).
    var freezeDropoutMasks = false

    /// Build `layers` (topologically ordered; an input is added when the list has none) for
    /// inputs of `inputWidth` features. Weights are drawn from `seed`; `outputs` name the
    /// output layers (default: the last layer).
    /// The most weights a spec may ask for (all layers): 5M floats, with Adam's moments and the
    /// gradients about 100 MB. A spec asking for more stops with a message, never an allocation failure.
    public static let maxParameters = 5_000_000

    public init(layers specs: [LayerSpec], inputWidth: Int, outputs: [String] = [], seed: UInt64) throws {
        self.inputWidth = inputWidth
        var parameterCount = 0
        var specs = specs
        if !specs.contains(where: { $0.kind == .input }) {
            specs.insert(LayerSpec(name: "input_layer", kind: .input), at: 0)
        }
        var index: [String: Int] = [:]
        var built: [Node] = []
        var params: [Parameter] = []
        for (position, spec) in specs.enumerated() {
            let label = "layer '\(spec.name)'" + (spec.line.map { " (line \($0))" } ?? "")
            if index[spec.name] != nil { throw SpecError("\(label): a layer with this name already exists") }
            var inputIds: [Int] = []
            if spec.kind == .input {
                if !spec.inputs.isEmpty { throw SpecError("\(label): an Input layer takes no inputs") }
            } else if spec.inputs.isEmpty {
                guard position > 0 else { throw SpecError("\(label): has no input") }
                inputIds = [built.count - 1]
            } else {
                for name in spec.inputs {
                    guard let id = index[name] else {
                        throw SpecError("\(label): input '\(name)' is not a layer defined before it")
                    }
                    inputIds.append(id)
                }
            }
            let inWidths = inputIds.map { built[$0].width }
            var node = Node(spec: spec, inputs: inputIds, width: 0)
            switch spec.kind {
            case .input:
                if built.contains(where: { $0.spec.kind == .input }) {
                    throw SpecError("\(label): only one model input is supported")
                }
                node.width = inputWidth
            case .dense(let units, _, let kernelInit, let biasInit, let useBias):
                guard inputIds.count == 1 else { throw SpecError("\(label): Dense takes exactly one input, got \(inputIds.count)") }
                guard units > 0 else { throw SpecError("\(label): units must be positive, got \(units)") }
                var random = SeededRandom(seed: seed, stream: UInt64(position + 1))
                let fanIn = inWidths[0]
                // Each factor is at most maxParameters (widths are capped below), so this cannot overflow.
                parameterCount += min(fanIn, Self.maxParameters + 1) * min(units, Self.maxParameters + 1) + units
                guard parameterCount <= Self.maxParameters else {
                    throw SpecError("\(label): \(fanIn) inputs x \(units) units makes more weights than the training core builds (at most \(Self.maxParameters) in all)")
                }
                node.width = units
                node.kernel = Parameter(name: "\(spec.name)/kernel",
                                        value: kernelInit.values(count: fanIn * units, fanIn: fanIn, fanOut: units, random: &random))
                params.append(node.kernel!)
                if useBias {
                    node.bias = Parameter(name: "\(spec.name)/bias",
                                          value: biasInit.values(count: units, fanIn: fanIn, fanOut: units, random: &random))
                    params.append(node.bias!)
                }
            case .activation, .dropout:
                guard inputIds.count == 1 else { throw SpecError("\(label): \(spec.kind.className) takes exactly one input") }
                if case .dropout(let rate) = spec.kind, !(0...1).contains(rate) {
                    // Keras 3: "Invalid value received for argument `rate`. Expected a float value between 0 and 1."
                    throw SpecError("\(label): Dropout rate must be between 0 and 1, got \(rate)")
                }
                node.width = inWidths[0]
            case .concatenate:
                guard inputIds.count >= 2 else { throw SpecError("\(label): Concatenate needs at least 2 inputs") }
                node.width = min(inWidths.reduce(0) { min($0 + $1, Self.maxParameters + 1) }, Self.maxParameters + 1)
            case .add:
                guard inputIds.count >= 2 else { throw SpecError("\(label): Add needs at least 2 inputs") }
                guard Set(inWidths).count == 1 else {
                    throw SpecError("\(label): Add needs inputs of one shape, got widths \(inWidths.map(String.init).joined(separator: ", "))")
                }
                node.width = inWidths[0]
            }
            index[spec.name] = built.count
            built.append(node)
        }
        let outputNames = outputs.isEmpty ? [built.last!.spec.name] : outputs
        outputIndices = try outputNames.map { name in
            guard let id = index[name] else { throw SpecError("output '\(name)' is not a layer of the model") }
            return id
        }
        nodes = built
        parameters = params
        let empty = Matrix(rows: 0, cols: 0)
        outputsBuffer = Array(repeating: empty, count: built.count)
        preActivation = Array(repeating: empty, count: built.count)
        gradients = Array(repeating: empty, count: built.count)
        dropoutMasks = Array(repeating: empty, count: built.count)
        dropoutRandom = SeededRandom(seed: seed, stream: 0xD40)
    }

    /// Width of each output, in output order.
    public var outputWidths: [Int] { outputIndices.map { nodes[$0].width } }
    /// Names of the outputs, in output order.
    public var outputNames: [String] { outputIndices.map { nodes[$0].spec.name } }

    /// Run the model on `input` (one row per sample). `training` enables Dropout.
    /// Returns the outputs, valid until the next call.
    @discardableResult
    public func forward(_ input: Matrix, training: Bool) -> [Matrix] {
        precondition(input.cols == inputWidth, "forward: \(input.cols) features for a \(inputWidth)-wide input")
        for i in nodes.indices {
            let node = nodes[i]
            switch node.spec.kind {
            case .input:
                outputsBuffer[i].reshape(rows: input.rows, cols: input.cols)
                outputsBuffer[i].storage.withUnsafeMutableBufferPointer { out in
                    input.storage.withUnsafeBufferPointer { src in
                        out.baseAddress!.update(from: src.baseAddress!, count: input.count)
                    }
                }
            case .dense(_, let activation, _, _, _):
                let x = outputsBuffer[node.inputs[0]]
                if activation == .linear {
                    denseAffine(node, x, into: &outputsBuffer[i])
                } else {
                    denseAffine(node, x, into: &preActivation[i])
                    activation.apply(preActivation[i], into: &outputsBuffer[i])
                }
            case .activation(let activation):
                activation.apply(outputsBuffer[node.inputs[0]], into: &outputsBuffer[i])
            case .dropout(let rate):
                let x = outputsBuffer[node.inputs[0]]
                outputsBuffer[i].reshape(rows: x.rows, cols: x.cols)
                if !training || rate == 0 {
                    copy(x, into: &outputsBuffer[i])
                } else if rate >= 1 {
                    // Keras 3 (jax, tensorflow, torch backends): rate 1.0 returns zeros, so
                    // nothing reaches the layers after it in training.
                    outputsBuffer[i].zero()
                    dropoutMasks[i].reshape(rows: x.rows, cols: x.cols)
                    dropoutMasks[i].zero()
                } else if freezeDropoutMasks && dropoutMasks[i].count == x.count {
                    for k in 0..<x.count { outputsBuffer[i].storage[k] = x.storage[k] * dropoutMasks[i].storage[k] }
                } else {
                    let keep = Float(1 - rate)
                    let scale = 1 / keep
                    dropoutMasks[i].reshape(rows: x.rows, cols: x.cols)
                    for k in 0..<x.count {
                        let m: Float = dropoutRandom.unitFloat() < keep ? scale : 0
                        dropoutMasks[i].storage[k] = m
                        outputsBuffer[i].storage[k] = x.storage[k] * m
                    }
                }
            case .concatenate:
                let rows = outputsBuffer[node.inputs[0]].rows
                outputsBuffer[i].reshape(rows: rows, cols: node.width)
                var offset = 0
                for id in node.inputs {
                    let part = outputsBuffer[id]
                    for r in 0..<rows {
                        for c in 0..<part.cols {
                            outputsBuffer[i].storage[r * node.width + offset + c] = part.storage[r * part.cols + c]
                        }
                    }
                    offset += part.cols
                }
            case .add:
                copy(outputsBuffer[node.inputs[0]], into: &outputsBuffer[i])
                for id in node.inputs.dropFirst() {
                    let part = outputsBuffer[id]
                    for k in 0..<part.count { outputsBuffer[i].storage[k] += part.storage[k] }
                }
            }
        }
        return outputIndices.map { outputsBuffer[$0] }
    }

    /// Back-propagate `outputGradients` (dLoss/dOutput, one per output) through the graph
    /// from the last `forward(training:)`, filling every parameter's `gradient`.
    public func backward(_ outputGradients: [Matrix]) {
        for i in nodes.indices {
            gradients[i].reshape(rows: outputsBuffer[i].rows, cols: outputsBuffer[i].cols)
            gradients[i].zero()
        }
        for (k, id) in outputIndices.enumerated() { add(outputGradients[k], into: &gradients[id]) }
        for i in nodes.indices.reversed() {
            let node = nodes[i]
            switch node.spec.kind {
            case .input:
                break
            case .dense(_, let activation, _, _, _):
                let x = outputsBuffer[node.inputs[0]]
                if activation == .linear {
                    denseBackward(node, x: x, dz: gradients[i])
                } else {
                    activation.backward(x: preActivation[i], y: outputsBuffer[i], dy: gradients[i], into: &scratch)
                    denseBackward(node, x: x, dz: scratch)
                }
            case .activation(let activation):
                let x = outputsBuffer[node.inputs[0]]
                activation.backward(x: x, y: outputsBuffer[i], dy: gradients[i], into: &scratch)
                add(scratch, into: &gradients[node.inputs[0]])
            case .dropout(let rate):
                let target = node.inputs[0]
                if rate == 0 || dropoutMasks[i].count != gradients[i].count {
                    add(gradients[i], into: &gradients[target])
                } else {
                    for k in 0..<gradients[i].count {
                        gradients[target].storage[k] += gradients[i].storage[k] * dropoutMasks[i].storage[k]
                    }
                }
            case .concatenate:
                let g = gradients[i]
                var offset = 0
                for id in node.inputs {
                    let w = nodes[id].width
                    for r in 0..<g.rows {
                        for c in 0..<w { gradients[id].storage[r * w + c] += g.storage[r * g.cols + offset + c] }
                    }
                    offset += w
                }
            case .add:
                for id in node.inputs { add(gradients[i], into: &gradients[id]) }
            }
        }
    }

    /// `z = x · W + b`.
    private func denseAffine(_ node: Node, _ x: Matrix, into z: inout Matrix) {
        let kernel = node.kernel!
        let w = Matrix(rows: x.cols, cols: node.width, values: kernel.value)
        MatrixMultiply.multiply(x, w, into: &z)
        if let bias = node.bias {
            let cols = node.width, rows = x.rows
            z.storage.withUnsafeMutableBufferPointer { zs in
                bias.value.withUnsafeBufferPointer { bs in
                    for r in 0..<rows {
                        let base = r * cols
                        for c in 0..<cols { zs[base + c] += bs[c] }
                    }
                }
            }
        }
    }

    private func denseBackward(_ node: Node, x: Matrix, dz: Matrix) {
        let kernel = node.kernel!
        var dw = Matrix(rows: x.cols, cols: node.width, values: kernel.gradient)
        kernel.gradient = []
        MatrixMultiply.multiplyTransposedA(x, dz, into: &dw)
        kernel.gradient = dw.storage
        if let bias = node.bias {
            let cols = dz.cols
            bias.gradient.withUnsafeMutableBufferPointer { gb in
                for c in 0..<cols { gb[c] = 0 }
                dz.storage.withUnsafeBufferPointer { gs in
                    for r in 0..<dz.rows {
                        let base = r * cols
                        for c in 0..<cols { gb[c] += gs[base + c] }
                    }
                }
            }
        }
        let source = node.inputs[0]
        if case .input = nodes[source].spec.kind { return }
        let w = Matrix(rows: x.cols, cols: node.width, values: kernel.value)
        MatrixMultiply.multiplyTransposedB(dz, w, into: &gradients[source], scratch: &transposeScratch, accumulate: true)
    }

    private func copy(_ x: Matrix, into y: inout Matrix) {
        y.reshape(rows: x.rows, cols: x.cols)
        let n = x.count
        y.storage.withUnsafeMutableBufferPointer { out in
            x.storage.withUnsafeBufferPointer { src in out.baseAddress!.update(from: src.baseAddress!, count: n) }
        }
    }

    private func add(_ x: Matrix, into y: inout Matrix) {
        let n = x.count
        y.storage.withUnsafeMutableBufferPointer { out in
            x.storage.withUnsafeBufferPointer { src in
                for k in 0..<n { out[k] += src[k] }
            }
        }
    }

    /// A copy of every parameter's values (EarlyStopping's best weights).
    public func weights() -> [[Float]] { parameters.map(\.value) }

    /// Restore values taken with `weights()`.
    public func setWeights(_ values: [[Float]]) {
        for (parameter, value) in zip(parameters, values) { parameter.value = value }
    }

    /// The layers as Keras describes them, for the monitor's graph view.
    public func describeLayers() -> [Layer] {
        nodes.map { node in
            var layer = Layer(name: node.spec.name, className: node.spec.kind.className, outputShape: [node.width],
                              parameters: (node.kernel?.value.count ?? 0) + (node.bias?.value.count ?? 0),
                              inbound: node.inputs.map { nodes[$0].spec.name })
            switch node.spec.kind {
            case .dense(let units, let activation, _, _, _):
                layer.units = units
                layer.activation = activation.rawValue
            case .activation(let activation):
                layer.activation = activation.rawValue
            case .dropout(let rate):
                layer.rate = rate
            default:
                break
            }
            return layer
        }
    }

    /// The input layer's name.
    public var inputName: String { nodes.first { $0.spec.kind == .input }!.spec.name }
}
