import Foundation
import Testing
import TestSupport
import Diagnostics
import KerasModel
import TrainingLog

// Each test runs (through ScenarioStreams, once per process) the callback under a real
// Keras, then reads what it wrote with fitwatch's reader. Without a Keras python the tests
// are reported skipped with the reason KerasPython gives.

private func epochs(_ events: [TrainingEvent]) -> [EpochRecord] {
    events.compactMap { if case .epochEnded(let record) = $0 { return record } else { return nil } }
}

private func messages(_ events: [TrainingEvent]) -> [CallbackMessage] {
    events.compactMap { if case .message(let message) = $0 { return message } else { return nil } }
}

private func ends(_ events: [TrainingEvent]) -> [RunEnd] {
    events.compactMap { if case .runEnded(let end) = $0 { return end } else { return nil } }
}

// MARK: shared checks (the same for Keras 3 and tf-keras)

private func checkTwoHeads(_ streams: ScenarioStreams, version: String) throws {
    let (events, reader) = try streams.read("two_heads")
    // The header states the run's hyper-parameters (the runs table's columns): what the
    // scenario compiled and fitted with.
    #expect(events.first == .runStarted(RunStart(epochs: 2, format: .fitwatchCallback, flavour: .keras3,
                                                 parameters: ["opt": "Adam", "lr": "0.001", "bs": "32", "epochs": "2"])))
    #expect(!events.contains { if case .noise = $0 { return true } else { return false } })
    let records = epochs(events)
    #expect(records.map(\.epoch) == [1, 2])
    #expect(records.allSatisfy { $0.complete })
    let keys = Set(records.last?.metrics.keys.map { $0 } ?? [])
    #expect(keys.isSuperset(of: ["loss", "out1_loss", "out2_loss", "out1_mae", "out2_accuracy",
                                 "val_loss", "val_out1_mae", "val_out2_accuracy"]))
    // The total is the weighted sum of the output losses (weights 1.0 and 0.2); float32
    // running means agree to about 1e-6 relative.
    for record in records {
        let total = try #require(record.metrics["loss"])
        let weighted = try #require(record.metrics["out1_loss"]) + 0.2 * (try #require(record.metrics["out2_loss"]))
        #expect(abs(total - weighted) <= 1e-4 * max(1, abs(total)))
    }
    // 128 training rows in batches of 32: 4 steps an epoch, each reported.
    let steps = events.compactMap { if case .batchProgress(let progress) = $0 { return progress.step } else { return nil } }
    #expect(steps == [1, 2, 3, 4, 1, 2, 3, 4])
    #expect(ends(events) == [.finished])

    let header = try #require(reader.header)
    #expect(header.kerasVersion?.hasPrefix(version) == true)
    #expect(header.batchSize == 32)
    #expect(header.validation == true)
    #expect(header.optimizerClass == "Adam")
    let accuracy = try #require(header.metricObjects.first { $0.logName == "out2_accuracy" })
    #expect(["BinaryAccuracy", "MeanMetricWrapper(binary_accuracy)"].contains(accuracy.display))
    let model = try #require(header.modelConfigJSON.flatMap(FitwatchStreamJSON.parse))
    #expect(model["config"]?["name"]?.string == "two_heads")

    // The exact graph: the model fitwatch draws and the diagnostics trust.
    var history = RunHistory()
    for event in events { history.apply(event) }
    let graph = try #require(history.model)
    #expect(graph.provenance == .callback)
    #expect(graph.kerasVersion == header.kerasVersion)
    #expect(Set(graph.layers.map(\.name)) == ["x", "A", "B", "C", "D", "out1", "out2"])
    #expect(graph.outputs.map(\.name) == ["out1", "out2"])
    #expect(graph.outputs.map(\.lossWeight) == [1.0, 0.2])
    #expect(graph.layer(named: "out2")?.activation == "sigmoid")
    // out1's loss reaches the trunk and its own head, not D; out2's reaches D, not C.
    #expect(Array(graph.layersReached(byOutput: "out1")) == ["x", "A", "B", "C", "out1"])
    #expect(Array(graph.layersReached(byOutput: "out2")) == ["x", "A", "B", "D", "out2"])
    // Accuracy on a sigmoid unit trained with binary cross-entropy is meaningful: no warning.
    let findings = Diagnostics.findings(history: history, model: graph, flavour: header.flavour)
    #expect(!findings.contains { $0.id == "accuracy-on-regression" })
}

private func checkRegressionWithAccuracy(_ streams: ScenarioStreams) throws {
    let (events, reader) = try streams.read("regression")
    let records = epochs(events)
    #expect(records.count == 3)
    // (pred > 0.5) == price is false for every house: accuracy is exactly 0 in every epoch.
    #expect(records.allSatisfy { $0.metrics["accuracy"] == 0 && $0.metrics["val_accuracy"] == 0 })
    #expect(records.allSatisfy { ($0.metrics["loss"] ?? 0) > 100 })
    let accuracy = try #require(reader.header?.metricObjects.first { $0.name == "accuracy" })
    // Keras 3 builds BinaryAccuracy; tf-keras wraps binary_accuracy: either way not "accuracy".
    #expect(accuracy.display == "BinaryAccuracy" || accuracy.display == "MeanMetricWrapper(binary_accuracy)")
    let compile = try #require(reader.header?.compileConfigJSON.flatMap(FitwatchStreamJSON.parse))
    #expect(compile["loss"]?.string == "mean_squared_error")

    // With the exact config the warning is certain, not suspected as from a log alone.
    var history = RunHistory()
    for event in events { history.apply(event) }
    let graph = try #require(history.model)
    #expect(graph.provenance == .callback)
    #expect(graph.outputs.first?.loss?.kind == .meanSquaredError)
    #expect(graph.outputs.first?.metrics == ["accuracy"])
    let findings = Diagnostics.findings(history: history, model: graph, flavour: reader.header?.flavour)
    let warning = try #require(findings.first { $0.id == "accuracy-on-regression" })
    #expect(warning.confidence == .certain)
    #expect(warning.metrics.contains("accuracy"))
    #expect(Diagnostics.resolvedMetrics(history: history, model: graph, flavour: reader.header?.flavour)["accuracy"] == .binaryAccuracy)
    // evaluate() with the callback after fit: one result, on all 506 houses, accuracy still 0.
    #expect(history.evaluations.count == 1)
    #expect(history.evaluations.first?["accuracy"] == 0)
    #expect((history.evaluations.first?["loss"] ?? 0) > 100)
}

private func checkEveryNthBatch(_ streams: ScenarioStreams) throws {
    let (events, _) = try streams.read("sparse")
    // batches=3 on 4 steps an epoch: step 3, and the last step so the epoch's end is shown.
    let steps = events.compactMap { if case .batchProgress(let progress) = $0 { return progress.step } else { return nil } }
    #expect(steps == [3, 4, 3, 4])
    #expect(epochs(events).map(\.steps) == [4, 4])
}

private func checkEarlyStopping(_ streams: ScenarioStreams) throws {
    let (events, _) = try streams.read("early")
    let stop = messages(events).filter { $0.kind == .earlyStopping }
    #expect(stop.map(\.epoch) == [2])
    var history = RunHistory()
    for event in events { history.apply(event) }
    #expect(history.epochsRequested == 10)
    #expect(history.epochs.count == 2)
    #expect(history.end == .finished)
}

private func checkSubclassedModel(_ streams: ScenarioStreams) throws {
    let (events, reader) = try streams.read("subclassed")
    // No graph to draw, and the user is told why; the metrics still stream.
    #expect(!events.contains { if case .modelKnown = $0 { return true } else { return false } })
    // Keras 3's to_json() raises NotImplementedError ("Object Net was created by passing
    // non-serializable argument values..."); tf-keras writes {"class_name": "Net",
    // "config": {"width": 4}}, a config without layers. Either way the warning names the class.
    let warning = try #require(messages(events).first { $0.kind == .warning })
    #expect(warning.text.contains("Net"))
    #expect(reader.header?.modelError != nil || reader.header?.modelConfigJSON?.contains("\"Net\"") == true)
    #expect(epochs(events).map(\.epoch) == [1, 2])
}

private func checkUnwritableStream(_ streams: ScenarioStreams) throws {
    // The callback could not open its file: training still ran both epochs, and stderr says
    // in one line what failed and where.
    let trained = try String(contentsOf: streams.directory.appendingPathComponent("unwritable.txt"), encoding: .utf8)
    #expect(trained.trimmingCharacters(in: .whitespacesAndNewlines) == "2")
    let stderr = try String(contentsOf: streams.directory.appendingPathComponent("stderr.log"), encoding: .utf8)
    let line = try #require(stderr.split(separator: "\n").first { $0.hasPrefix("fitwatch: ") })
    #expect(line.contains("no-such-dir/x.fitwatch.jsonl"))
    #expect(line.contains("FileNotFoundError"))
    #expect(line.hasSuffix("(training goes on)"))
}

private func checkCaughtException(_ streams: ScenarioStreams) throws {
    let (events, _) = try streams.read("caught")
    // The first fit died at step 2 of epoch 1; its caller caught the ValueError and fitted again.
    guard let failed = events.firstIndex(where: { if case .runEnded(.failed) = $0 { return true } else { return false } })
    else { Issue.record("no failed run end"); return }
    guard case .epochEnded(let cut) = events[failed - 1] else { Issue.record("no cut-off epoch"); return }
    #expect(cut.complete == false)
    #expect(cut.epoch == 1)
    #expect(cut.steps == 2)
    #expect(events[failed + 1] == .runStarted(RunStart(epochs: 1, format: .fitwatchCallback, flavour: .keras3,
                                                       parameters: ["opt": "SGD", "lr": "0.01", "bs": "16", "epochs": "1"])))
    #expect(ends(events).last == .finished)
}

private func checkInterrupted(_ streams: ScenarioStreams) throws {
    let (events, _) = try streams.read("interrupted")
    #expect(ends(events) == [.interrupted("KeyboardInterrupt")])
    let records = epochs(events)
    #expect(records.map(\.epoch) == [1, 2])
    #expect(records.map(\.complete) == [true, false])
    #expect(records.last?.steps == 2)
}

// MARK: Keras 3 (jax, CPU)

@Test(.enabled(if: KerasPython.keras3.isAvailable, Comment(rawValue: KerasPython.keras3.reason)))
func keras3TwoOutputRunGivesTheExactGraphLossPathsAndEveryStep() async throws {
    try checkTwoHeads(try await ScenarioStreams.keras3.value, version: "3.")
}

@Test(.enabled(if: KerasPython.keras3.isAvailable, Comment(rawValue: KerasPython.keras3.reason)))
func keras3RegressionWithAccuracyIsBinaryAccuracyAtZeroAndACertainWarning() async throws {
    try checkRegressionWithAccuracy(try await ScenarioStreams.keras3.value)
}

@Test(.enabled(if: KerasPython.keras3.isAvailable, Comment(rawValue: KerasPython.keras3.reason)))
func keras3EarlyStoppingBecomesATypedMessage() async throws {
    try checkEarlyStopping(try await ScenarioStreams.keras3.value)
}

@Test(.enabled(if: KerasPython.keras3.isAvailable, Comment(rawValue: KerasPython.keras3.reason)))
func keras3BatchesOptionWritesEveryNthStepAndTheLast() async throws {
    try checkEveryNthBatch(try await ScenarioStreams.keras3.value)
}

@Test(.enabled(if: KerasPython.keras3.isAvailable, Comment(rawValue: KerasPython.keras3.reason)))
func keras3SubclassedModelStreamsMetricsAndSaysWhyThereIsNoGraph() async throws {
    try checkSubclassedModel(try await ScenarioStreams.keras3.value)
}

@Test(.enabled(if: KerasPython.keras3.isAvailable, Comment(rawValue: KerasPython.keras3.reason)))
func keras3UnwritableStreamNeverStopsTraining() async throws {
    try checkUnwritableStream(try await ScenarioStreams.keras3.value)
}

@Test(.enabled(if: KerasPython.keras3.isAvailable, Comment(rawValue: KerasPython.keras3.reason)))
func keras3ExceptionCaughtByTheCallerEndsThatFitAsFailed() async throws {
    try checkCaughtException(try await ScenarioStreams.keras3.value)
}

@Test(.enabled(if: KerasPython.keras3.isAvailable, Comment(rawValue: KerasPython.keras3.reason)))
func keras3CtrlCMidEpochWritesAnInterruptedFooter() async throws {
    try checkInterrupted(try await ScenarioStreams.keras3.value)
}

// MARK: tf-keras 2.x (optional)

@Test(.enabled(if: KerasPython.tfKeras.isAvailable, Comment(rawValue: KerasPython.tfKeras.reason)))
func tfKerasTwoOutputRunGivesTheExactGraphLossPathsAndEveryStep() async throws {
    try checkTwoHeads(try await ScenarioStreams.tfKeras.value, version: "2.")
}

@Test(.enabled(if: KerasPython.tfKeras.isAvailable, Comment(rawValue: KerasPython.tfKeras.reason)))
func tfKerasRegressionWithAccuracyIsBinaryAccuracyAtZeroAndACertainWarning() async throws {
    try checkRegressionWithAccuracy(try await ScenarioStreams.tfKeras.value)
}

@Test(.enabled(if: KerasPython.tfKeras.isAvailable, Comment(rawValue: KerasPython.tfKeras.reason)))
func tfKerasOptionsSubclassingFailuresAndStopsWorkAsUnderKeras3() async throws {
    let streams = try await ScenarioStreams.tfKeras.value
    try checkEveryNthBatch(streams)
    try checkSubclassedModel(streams)
    try checkUnwritableStream(streams)
    try checkEarlyStopping(streams)
    try checkCaughtException(streams)
    try checkInterrupted(streams)
}
