import KerasModel
import Testing
@testable import TrainingCore

/// Every analytic gradient against central finite differences of the same Float32 code.
/// Float32 with a 1e-3 step leaves about 1e-4 relative noise, hence the 2e-2 tolerance.
struct GradientCheckTests {
    static let step: Float = 1e-3

    /// Relative difference with an absolute floor so near-zero gradients compare sensibly.
    func close(_ a: Float, _ b: Float, tolerance: Float = 2e-2) -> Bool {
        abs(a - b) <= tolerance * max(1e-2, abs(a), abs(b))
    }

    /// Total loss of `network` on (x, y) under `outputs` (inference-mode forward, no dropout).
    func totalLoss(_ network: Network, _ outputs: [CompiledOutput], _ x: Matrix, _ y: [Matrix], training: Bool = false) -> Float {
        let predictions = network.forward(x, training: training)
        var total: Float = 0
        for (k, output) in outputs.enumerated() {
            total += Float(output.weight) * Float(output.loss.evaluate(prediction: predictions[k], target: y[k])) / Float(x.rows)
        }
        return total
    }

    /// Analytic parameter gradients match central differences for every parameter of `network`.
    func checkParameters(_ network: Network, _ outputs: [CompiledOutput], _ x: Matrix, _ y: [Matrix], training: Bool = false) {
        let predictions = network.forward(x, training: training)
        var gradients: [Matrix] = []
        for (k, output) in outputs.enumerated() {
            var g = Matrix(rows: predictions[k].rows, cols: predictions[k].cols)
            g.storage.withUnsafeMutableBufferPointer { buffer in
                _ = output.loss.evaluate(prediction: predictions[k], target: y[k], weight: Float(output.weight), gradient: buffer.baseAddress!)
            }
            gradients.append(g)
        }
        network.backward(gradients)
        for parameter in network.parameters {
            let analytic = parameter.gradient
            for i in 0..<parameter.value.count {
                let saved = parameter.value[i]
                parameter.value[i] = saved + Self.step
                let up = totalLoss(network, outputs, x, y, training: training)
                parameter.value[i] = saved - Self.step
                let down = totalLoss(network, outputs, x, y, training: training)
                parameter.value[i] = saved
                let numeric = (up - down) / (2 * Self.step)
                #expect(close(analytic[i], numeric), "\(parameter.name)[\(i)]: analytic \(analytic[i]) vs numeric \(numeric)")
            }
        }
    }

    func randomMatrix(_ rows: Int, _ cols: Int, seed: UInt64, scale: Float = 1) -> Matrix {
        var random = SeededRandom(seed: seed)
        return Matrix(rows: rows, cols: cols, values: (0..<(rows * cols)).map { _ in random.normal() * scale })
    }

    @Test(arguments: Activation.allCases)
    func denseLayerGradientsMatchFiniteDifferences(activation: Activation) throws {
        let network = try Network(layers: [
            LayerSpec(name: "hidden", kind: .dense(units: 5, activation: activation, kernel: .glorotUniform, bias: .normal, useBias: true)),
            LayerSpec(name: "out", kind: .dense(units: 3, activation: .linear, kernel: .glorotUniform, bias: .normal, useBias: true)),
        ], inputWidth: 4, seed: 3)
        let outputs = [CompiledOutput(name: "out", loss: try Loss(kind: .meanSquaredError))]
        checkParameters(network, outputs, randomMatrix(6, 4, seed: 1), [randomMatrix(6, 3, seed: 2)])
    }

    @Test func softmaxOutputWithCategoricalCrossentropyMatchesFiniteDifferences() throws {
        let network = try Network(layers: [
            LayerSpec(name: "hidden", kind: .dense(units: 6, activation: .tanh, kernel: .heNormal, bias: .zeros, useBias: true)),
            LayerSpec(name: "probs", kind: .dense(units: 3, activation: .softmax, kernel: .glorotUniform, bias: .zeros, useBias: true)),
        ], inputWidth: 4, seed: 5)
        let onehot = Matrix([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]])
        let outputs = [CompiledOutput(name: "probs", loss: try Loss(kind: .categoricalCrossentropy))]
        checkParameters(network, outputs, randomMatrix(4, 4, seed: 7), [onehot])
    }

    @Test func concatenateAddAndTwoWeightedOutputsMatchFiniteDifferences() throws {
        let dense = { (units: Int, act: Activation) in
            LayerSpec.Kind.dense(units: units, activation: act, kernel: .glorotUniform, bias: .normal, useBias: true)
        }
        let network = try Network(layers: [
            LayerSpec(name: "x", kind: .input),
            LayerSpec(name: "A", kind: dense(4, .elu), inputs: ["x"]),
            LayerSpec(name: "B", kind: dense(4, .sigmoid), inputs: ["x"]),
            LayerSpec(name: "cat", kind: .concatenate, inputs: ["A", "B"]),
            LayerSpec(name: "sum", kind: .add, inputs: ["A", "B"]),
            LayerSpec(name: "act", kind: .activation(.tanh), inputs: ["sum"]),
            LayerSpec(name: "out1", kind: dense(2, .linear), inputs: ["cat"]),
            LayerSpec(name: "out2", kind: dense(1, .sigmoid), inputs: ["act"]),
        ], inputWidth: 3, outputs: ["out1", "out2"], seed: 11)
        let outputs = [
            CompiledOutput(name: "out1", loss: try Loss(kind: .huber), weight: 1.0),
            CompiledOutput(name: "out2", loss: try Loss(kind: .binaryCrossentropy), weight: 0.2),
        ]
        let labels = Matrix([[1], [0], [1], [0], [1]])
        checkParameters(network, outputs, randomMatrix(5, 3, seed: 13), [randomMatrix(5, 2, seed: 17, scale: 2), labels])
    }

    struct LossCase: CustomTestStringConvertible, Sendable {
        var kind: LossKind
        var fromLogits: Bool
        var testDescription: String { kind.rawValue + (fromLogits ? " from_logits" : "") }
    }

    static let lossCases: [LossCase] = [
        .init(kind: .meanSquaredError, fromLogits: false),
        .init(kind: .meanAbsoluteError, fromLogits: false),
        .init(kind: .meanAbsolutePercentageError, fromLogits: false),
        .init(kind: .huber, fromLogits: false),
        .init(kind: .binaryCrossentropy, fromLogits: false),
        .init(kind: .binaryCrossentropy, fromLogits: true),
        .init(kind: .categoricalCrossentropy, fromLogits: false),
        .init(kind: .categoricalCrossentropy, fromLogits: true),
        .init(kind: .sparseCategoricalCrossentropy, fromLogits: false),
        .init(kind: .sparseCategoricalCrossentropy, fromLogits: true),
    ]

    @Test(arguments: lossCases)
    func lossGradientMatchesFiniteDifferences(_ lossCase: LossCase) throws {
        let loss = try Loss(kind: lossCase.kind, fromLogits: lossCase.fromLogits)
        // Probabilities well inside (1e-7, 1 - 1e-7) and regression errors away from the kinks.
        var prediction = Matrix([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3], [0.25, 0.35, 0.4]])
        if lossCase.fromLogits { prediction = Matrix([[1.5, -0.5, 0.2], [-1.0, 2.0, 0.3], [0.0, 0.4, -2.2]]) }
        let target: Matrix
        switch lossCase.kind {
        case .sparseCategoricalCrossentropy: target = Matrix([[1], [0], [2]])
        case .categoricalCrossentropy: target = Matrix([[0, 1, 0], [1, 0, 0], [0, 0, 1]])
        case .binaryCrossentropy: target = Matrix([[0, 1, 1], [1, 0, 0], [0, 1, 0]])
        default: target = Matrix([[1.2, -0.4, 2.5], [0.1, 0.9, -1.3], [0.7, 0.3, 0.2]])
        }
        var gradient = Matrix(rows: 3, cols: 3)
        gradient.storage.withUnsafeMutableBufferPointer { buffer in
            _ = loss.evaluate(prediction: prediction, target: target, weight: 1, gradient: buffer.baseAddress!)
        }
        for i in 0..<prediction.count {
            var up = prediction, down = prediction
            up.storage[i] += Self.step
            down.storage[i] -= Self.step
            let numeric = Float((loss.evaluate(prediction: up, target: target) - loss.evaluate(prediction: down, target: target)) / 3)
                / (2 * Self.step)
            #expect(close(gradient.storage[i], numeric), "element \(i): analytic \(gradient.storage[i]) vs numeric \(numeric)")
        }
    }

    /// Dropout in training mode with its mask held fixed, so the function is deterministic.
    @Test func dropoutInTrainingMatchesFiniteDifferences() throws {
        let network = try Network(layers: [
            LayerSpec(name: "hidden", kind: .dense(units: 8, activation: .relu, kernel: .heNormal, bias: .normal, useBias: true)),
            LayerSpec(name: "drop", kind: .dropout(rate: 0.4)),
            LayerSpec(name: "out", kind: .dense(units: 2, activation: .sigmoid, kernel: .glorotUniform, bias: .zeros, useBias: true)),
        ], inputWidth: 3, seed: 29)
        let x = randomMatrix(5, 3, seed: 31)
        network.forward(x, training: true)
        network.freezeDropoutMasks = true
        let outputs = [CompiledOutput(name: "out", loss: try Loss(kind: .binaryCrossentropy))]
        checkParameters(network, outputs, x, [Matrix([[1, 0], [0, 1], [1, 1], [0, 0], [1, 0]])], training: true)
    }

    @Test func dropoutPassesGradientThroughItsMaskAndRateOneBlocksEverything() throws {
        for rate in [0.5, 1.0] {
            let network = try Network(layers: [
                LayerSpec(name: "hidden", kind: .dense(units: 8, activation: .linear, kernel: .glorotUniform, bias: .normal, useBias: true)),
                LayerSpec(name: "drop", kind: .dropout(rate: rate)),
                LayerSpec(name: "out", kind: .dense(units: 1, activation: .linear, kernel: .ones, bias: .zeros, useBias: true)),
            ], inputWidth: 2, seed: 19)
            let x = randomMatrix(4, 2, seed: 23)
            let before = network.forward(x, training: false)[0]
            let trained = network.forward(x, training: true)[0]
            network.backward([Matrix(rows: 4, cols: 1, values: [1, 1, 1, 1])])
            let kernelGradient = network.parameters[0].gradient
            if rate == 1.0 {
                // Keras 3 returns zeros: the output is just the output bias, nothing flows back.
                #expect(trained.values == [0, 0, 0, 0])
                #expect(kernelGradient.allSatisfy { $0 == 0 })
            } else {
                #expect(trained != before, "dropout in training changes the output")
                // Each kept unit is scaled by 1/(1-rate) = 2: dL/dhidden is 0 or 2 per unit.
                #expect(kernelGradient.contains { $0 != 0 })
            }
            #expect(network.forward(x, training: false)[0] == before, "inference ignores dropout")
        }
    }

    @Test func blockedMultiplyMatchesNaiveProducts() {
        for (m, k, n) in [(1, 1, 1), (5, 13, 13), (7, 3, 10), (32, 64, 128), (33, 300, 17)] {
            let a = randomMatrix(m, k, seed: UInt64(m * 100 + k)), b = randomMatrix(k, n, seed: UInt64(n))
            var c = Matrix(rows: 0, cols: 0)
            MatrixMultiply.multiply(a, b, into: &c)
            var at = Matrix(rows: 0, cols: 0), ct = Matrix(rows: 0, cols: 0), scratch = Matrix(rows: 0, cols: 0)
            MatrixMultiply.transpose(a, into: &at)
            MatrixMultiply.multiplyTransposedA(at, b, into: &ct)
            var bt = Matrix(rows: 0, cols: 0), cb = Matrix(rows: 0, cols: 0)
            MatrixMultiply.transpose(b, into: &bt)
            MatrixMultiply.multiplyTransposedB(a, bt, into: &cb, scratch: &scratch)
            for i in 0..<m {
                for j in 0..<n {
                    var expected: Float = 0
                    for p in 0..<k { expected += a[i, p] * b[p, j] }
                    #expect(abs(c[i, j] - expected) <= 1e-4 * max(1, abs(expected)))
                    #expect(abs(ct[i, j] - expected) <= 1e-4 * max(1, abs(expected)))
                    #expect(abs(cb[i, j] - expected) <= 1e-4 * max(1, abs(expected)))
                }
            }
        }
    }
}
