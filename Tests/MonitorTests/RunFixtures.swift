import Foundation
import TerminalCore
import Diagnostics
import KerasModel
import TestSupport
import TrainingLog
import Feeds
@testable import Monitor

/// Runs built the way a source delivers them: events applied in order, from real CSVLogger
/// files of the shared Keras runs (Tests/Fixtures/monitor).
enum RunFixtures {
    /// The epochs of a CSVLogger file as `epochEnded` events (CSVLogger numbers epochs from 0).
    static func epochEvents(csv name: String, epochsRequested: Int? = nil, secondsPerEpoch: Double? = nil) throws -> [TrainingEvent] {
        let text = String(decoding: try Fixtures.data("monitor/\(name).csvlogger.csv"), as: UTF8.self)
        let rows = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",").map(String.init) }
        guard let header = rows.first else { return [] }
        let total = epochsRequested ?? rows.count - 1
        var events: [TrainingEvent] = [.runStarted(RunStart(epochs: total, format: .csvLogger))]
        for row in rows.dropFirst() where row.count == header.count {
            var metrics = MetricValues()
            for (key, value) in zip(header.dropFirst(), row.dropFirst()) {
                metrics[key] = Double(value) ?? .nan
            }
            let epoch = (Int(row[0]) ?? 0) + 1
            events.append(.epochEnded(EpochRecord(epoch: epoch, of: total, seconds: secondsPerEpoch, metrics: metrics)))
        }
        return events
    }

    /// A history from events.
    static func history(_ events: [TrainingEvent]) -> RunHistory {
        var history = RunHistory()
        for event in events { history.apply(event) }
        return history
    }

    /// A monitor state fed `events` from one source, with a frozen clock. `findings` replaces
    /// the diagnostics rules; nil keeps the real rules.
    static func state(source: String, events: [TrainingEvent], sourceState: SourceState = .finished,
                      size: Size = Size(width: 80, height: 24), findings: [Finding]? = []) -> MonitorState {
        var state = findings.map { fixed in MonitorState(size: size, diagnose: { _, _, _ in fixed }) } ?? MonitorState(size: size)
        let id = SourceID(source)
        _ = state.tickSettled(1_000_000)
        _ = state.update(.feed(.state(id, sourceState)))
        for event in events { _ = state.update(.feed(.event(id, event))) }
        _ = state.tickSettled(1_000_000)
        return state
    }

    /// The S4 model as its truth.json describes it: x -> A -> B -> C -> out1, B -> D -> out2;
    /// mse on out1 (weight 1.0, mae), binary cross-entropy on out2 (weight 0.2, accuracy).
    static let twoOutputModel = ModelGraph(
        name: "functional",
        layers: [
            Layer(name: "x", className: "InputLayer", outputShape: [8]),
            Layer(name: "A", className: "Dense", outputShape: [32], parameters: 288, activation: "relu", units: 32, inbound: ["x"]),
            Layer(name: "B", className: "Dense", outputShape: [16], parameters: 528, activation: "relu", units: 16, inbound: ["A"]),
            Layer(name: "C", className: "Dense", outputShape: [8], parameters: 136, activation: "relu", units: 8, inbound: ["B"]),
            Layer(name: "D", className: "Dense", outputShape: [8], parameters: 136, activation: "relu", units: 8, inbound: ["B"]),
            Layer(name: "out1", className: "Dense", outputShape: [1], parameters: 9, activation: "linear", units: 1, inbound: ["C"]),
            Layer(name: "out2", className: "Dense", outputShape: [1], parameters: 9, activation: "sigmoid", units: 1, inbound: ["D"]),
        ],
        inputs: ["x"],
        outputs: [
            OutputSpec(name: "out1", loss: LossSpec(kind: .meanSquaredError, configuredName: "mse"), lossWeight: 1.0, metrics: ["mae"]),
            OutputSpec(name: "out2", loss: LossSpec(kind: .binaryCrossentropy), lossWeight: 0.2, metrics: ["accuracy"]),
        ],
        optimizer: OptimizerSpec(name: "adam", learningRate: 0.001),
        kerasVersion: "3.15.1",
        provenance: .modelFile)

    /// The Boston model of S1: Dense(13, relu) -> Dense(1), mse, metrics=['accuracy'].
    static let bostonModel = ModelGraph(
        name: "sequential",
        layers: [
            Layer(name: "input_layer", className: "InputLayer", outputShape: [13]),
            Layer(name: "dense", className: "Dense", outputShape: [13], parameters: 182, activation: "relu", units: 13, inbound: ["input_layer"]),
            Layer(name: "dense_1", className: "Dense", outputShape: [1], parameters: 14, activation: "linear", units: 1, inbound: ["dense"]),
        ],
        inputs: ["input_layer"],
        outputs: [OutputSpec(name: "dense_1", loss: LossSpec(kind: .meanSquaredError, configuredName: "mean_squared_error"), metrics: ["accuracy"])],
        optimizer: OptimizerSpec(name: "adam", learningRate: 0.001),
        kerasVersion: "3.15.1",
        provenance: .modelFile)

    /// A finding shaped like the diagnostics rule for S1 (the rules live in Diagnostics;
    /// the monitor only shows what it is given).
    static let accuracyOnRegression = Finding(
        id: "accuracy-on-regression", severity: .error, confidence: .certain, epoch: 1,
        title: "'accuracy' on a regression loss measures nothing",
        evidence: ["loss: mean_squared_error", "accuracy 0.0 in every epoch"],
        explanation: "Keras 3 resolves metrics=['accuracy'] on a one-unit output to binary accuracy, (ŷ > 0.5) == y, which is 0 for house prices.",
        fix: "Use metrics=['mae'] (or RootMeanSquaredError) for a regression.",
        metrics: ["accuracy", "val_accuracy"])
}

extension MonitorState {
    /// A tick whose diagnoses run at once, as the main loop's worker would answer them.
    mutating func tickSettled(_ now: Double) -> [Effect] {
        settle(update(.tick(now)))
    }
}
