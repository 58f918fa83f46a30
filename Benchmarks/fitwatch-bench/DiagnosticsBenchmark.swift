import Diagnostics
import Foundation
import KerasModel
import TrainingLog

/// `fitwatch-bench diagnostics`: the cost of `Diagnostics.findings`, which the monitor calls
/// again whenever a run's history changed (at most once per frame). Measured on two-output
/// runs of 300 and 3,000 epochs (10 printed metrics each) with an exact model, against a
/// baseline measured in the same run: reading every printed value of the history once
/// (`RunHistory.values(of:)` for each metric), the floor for any rule that looks at the curves.
enum DiagnosticsBenchmark {
    static func run() {
        print("diagnostics: Diagnostics.findings per call (mean of \(repeats) calls after \(warmup) warm-up calls)")
        for epochs in [300, 3_000] {
            let history = syntheticHistory(epochs: epochs)
            let model = twoHeads()
            let baseline = measure {
                var sum = 0.0
                for name in history.metricNames { sum += history.values(of: name).reduce(0, +) }
                return sum.isNaN ? 0 : 1
            }
            let rules = measure { Diagnostics.findings(history: history, model: model, flavour: nil).count }
            print(String(format: "  %5d epochs: findings %.3f ms, read-every-value baseline %.3f ms, ratio %.1fx",
                         epochs, rules * 1000, baseline * 1000, rules / baseline))
        }
    }

    static let repeats = 200
    static let warmup = 10

    /// Mean seconds per call of `body`.
    static func measure(_ body: () -> Int) -> Double {
        var sink = 0
        for _ in 0..<warmup { sink &+= body() }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repeats { sink &+= body() }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if sink == Int.min { print(sink) }
        return elapsed / Double(repeats)
    }

    /// A healthy two-output run: losses decaying with noise, weights 1.0 and 0.2 so the total adds up.
    static func syntheticHistory(epochs: Int) -> RunHistory {
        var history = RunHistory()
        history.apply(.runStarted(RunStart(epochs: epochs, format: .keras3)))
        var generator = SystemRandomNumberGenerator()
        for epoch in 1...epochs {
            let decay = 1 / Double(epoch).squareRoot()
            let out1 = 10 * decay + Double.random(in: 0...0.01, using: &generator)
            let out2 = 0.7 * decay + Double.random(in: 0...0.01, using: &generator)
            history.apply(.epochEnded(EpochRecord(epoch: epoch, of: epochs, metrics: [
                "loss": out1 + 0.2 * out2, "out1_loss": out1, "out1_mae": decay, "out2_accuracy": 1 - decay / 2,
                "out2_loss": out2, "val_loss": 1.1 * (out1 + 0.2 * out2), "val_out1_loss": 1.1 * out1,
                "val_out1_mae": 1.1 * decay, "val_out2_accuracy": 1 - decay / 1.8, "val_out2_loss": 1.1 * out2,
            ])))
        }
        return history
    }

    static func twoHeads() -> ModelGraph {
        ModelGraph(
            name: "two_heads",
            layers: [
                Layer(name: "x", className: "InputLayer", outputShape: [8]),
                Layer(name: "A", className: "Dense", activation: "relu", units: 32, inbound: ["x"]),
                Layer(name: "B", className: "Dense", activation: "relu", units: 16, inbound: ["A"]),
                Layer(name: "C", className: "Dense", activation: "relu", units: 8, inbound: ["B"]),
                Layer(name: "D", className: "Dense", activation: "relu", units: 8, inbound: ["B"]),
                Layer(name: "out1", className: "Dense", activation: "linear", units: 1, inbound: ["C"]),
                Layer(name: "out2", className: "Dense", activation: "sigmoid", units: 1, inbound: ["D"]),
            ],
            inputs: ["x"],
            outputs: [
                OutputSpec(name: "out1", loss: LossSpec(kind: .meanSquaredError), lossWeight: 1.0, metrics: ["mae"]),
                OutputSpec(name: "out2", loss: LossSpec(kind: .binaryCrossentropy), lossWeight: 0.2, metrics: ["accuracy"]),
            ],
            kerasVersion: "3.15.1", provenance: .modelFile)
    }
}
