import Foundation
import Testing
import TestSupport
@testable import TrainingLog
import KerasModel

/// Streams recorded from `integrations/keras/fitwatch_callback.py` under real Keras
/// (see Tests/Fixtures/fitwatch/make_fixtures.py): the two-output model fitted twice
/// (3 epochs with ReduceLROnPlateau, then 2) plus an evaluate, and a regression that
/// diverges to inf under TerminateOnNaN.
private let twoHeadsKeras3 = "fitwatch/k3_two_heads.fitwatch.jsonl"
private let twoHeadsTfKeras = "fitwatch/tfk_two_heads.fitwatch.jsonl"
private let divergesKeras3 = "fitwatch/k3_nan.fitwatch.jsonl"

private func readAll(_ bytes: [UInt8], reader: FitwatchStreamReader = FitwatchStreamReader()) -> [TrainingEvent] {
    var reader = reader
    return reader.feed(bytes) + reader.finish()
}

private func fixtureBytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Fixtures.data(name))
}

/// One record of a fixture decoded by Foundation's `JSONDecoder`: an oracle independent of
/// the reader's own parser. (`JSONSerialization` on Linux rounds some doubles in the last
/// digit, so it cannot serve.)
private struct OracleRecord: Decodable {
    enum Value: Decodable {
        case number(Double), text(String)
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) { self = .number(number) } else {
                self = .text(try container.decode(String.self))
            }
        }
        var double: Double? {
            switch self {
            case .number(let number): return number
            case .text("nan"): return .nan
            case .text("inf"): return .infinity
            case .text("-inf"): return -.infinity
            case .text: return nil
            }
        }
    }
    var type: String
    var epoch: Int?
    var logs: [String: Value]?
}

private func oracleRecords(_ name: String) throws -> [OracleRecord] {
    let text = String(decoding: try Fixtures.data(name), as: UTF8.self)
    return try text.split(separator: "\n").map { try JSONDecoder().decode(OracleRecord.self, from: Data($0.utf8)) }
}

private func epochRecords(_ events: [TrainingEvent]) -> [EpochRecord] {
    events.compactMap { if case .epochEnded(let record) = $0 { return record } else { return nil } }
}

@Test(arguments: [twoHeadsKeras3, twoHeadsTfKeras])
func everyEpochOfTheCallbackStreamReachesTheHistoryWithItsLoggedValues(fixture: String) throws {
    let events = readAll(try fixtureBytes(fixture))
    let oracle = try oracleRecords(fixture).filter { $0.type == "epoch" }
    let epochs = epochRecords(events)
    #expect(epochs.count == oracle.count)
    #expect(epochs.count == 5)  // 3 epochs in the first fit, 2 in the second
    for (record, expected) in zip(epochs, oracle) {
        // Keras hands callbacks 0-based indices; the stream and fitwatch count like Keras prints.
        #expect(record.epoch == expected.epoch)
        #expect(record.complete)
        let logs = try #require(expected.logs)
        #expect(Set(record.metrics.keys) == Set(logs.keys))
        for (name, value) in logs { #expect(record.metrics[name] == value.double) }
    }
    #expect(epochs.map(\.epoch) == [1, 2, 3, 1, 2])
    #expect(!events.contains { if case .noise = $0 { return true } else { return false } })
}

@Test func metricsKeepTheOrderKerasLoggedThem() throws {
    let events = readAll(try fixtureBytes(twoHeadsTfKeras))
    let first = try #require(epochRecords(events).first)
    // tf-keras logs loss, the output losses, then metrics: not alphabetical.
    #expect(Array(first.metrics.keys.prefix(5)) == ["loss", "out1_loss", "out2_loss", "out1_mae", "out2_accuracy"])
}

@Test func eachFitCallIsItsOwnSegmentInTheHistory() throws {
    let events = readAll(try fixtureBytes(twoHeadsKeras3))
    let starts = events.compactMap { if case .runStarted(let start) = $0 { return start } else { return nil } }
    // The header's Keras version names the flavour; its optimizer, learning rate at train
    // begin (ReduceLROnPlateau lowered it during the first fit), batch size and epochs are the
    // run's hyper-parameters.
    #expect(starts == [RunStart(epochs: 3, format: .fitwatchCallback, flavour: .keras3,
                                parameters: ["opt": "Adam", "lr": "0.001", "bs": "50", "epochs": "3"]),
                       RunStart(epochs: 2, format: .fitwatchCallback, flavour: .keras3,
                                parameters: ["opt": "Adam", "lr": "0.00025", "bs": "100", "epochs": "2"])])
    var history = RunHistory()
    for event in events { history.apply(event) }
    #expect(history.format == .fitwatchCallback)
    #expect(history.previousSegments.map(\.count) == [3])
    #expect(history.epochs.map(\.epoch) == [1, 2])
    #expect(history.end == .finished)
    #expect(history.evaluations.count == 1)
    #expect(history.evaluations.first?.keys.contains("out2_accuracy") == true)
}

@Test func headerCarriesKerasVersionConfigsAndResolvedMetricClasses() throws {
    var reader = FitwatchStreamReader()
    _ = reader.feed(try fixtureBytes(twoHeadsKeras3))
    let header = try #require(reader.header)
    #expect(header.kerasVersion == "3.15.1")
    #expect(header.flavour == .keras3)
    #expect(header.backend == "jax")
    #expect(header.epochs == 2)  // the second fit's header is the current one
    #expect(header.batchSize == 100)
    let model = try #require(header.modelConfigJSON.flatMap(FitwatchStreamJSON.parse))
    #expect(model["config"]?["name"]?.string == "two_heads")
    let compile = try #require(header.compileConfigJSON.flatMap(FitwatchStreamJSON.parse))
    #expect(compile["loss_weights"]?["out2"]?.double == 0.2)
    let accuracy = try #require(header.metricObjects.first { $0.logName == "out2_accuracy" })
    #expect(accuracy.className == "BinaryAccuracy")
}

@Test func tfKerasMetricClassesArriveAfterTheFirstBatch() throws {
    var reader = FitwatchStreamReader()
    let bytes = try fixtureBytes(twoHeadsTfKeras)
    let text = String(decoding: bytes, as: UTF8.self)
    let metricsRecord = try #require(text.range(of: "\"type\":\"metrics\""))
    let prefixLength = text.utf8.distance(from: text.startIndex, to: metricsRecord.lowerBound)
    _ = reader.feed(bytes[..<prefixLength])
    #expect(reader.header?.flavour == .keras2)
    #expect(reader.header?.metricObjects.isEmpty == true)  // tf-keras builds them on the first batch
    _ = reader.feed(bytes[prefixLength...])
    let accuracy = try #require(reader.header?.metricObjects.first { $0.logName == "out2_accuracy" })
    #expect(accuracy.display == "MeanMetricWrapper(binary_accuracy)")
}

@Test func learningRateChangesBecomeTypedMessages() throws {
    let events = readAll(try fixtureBytes(twoHeadsKeras3))
    let changes = events.compactMap { event -> CallbackMessage? in
        if case .message(let message) = event, message.kind == .learningRateChange { return message }
        return nil
    }
    // ReduceLROnPlateau(factor=0.5) halved the rate after epochs 2 and 3.
    #expect(changes.map(\.epoch) == [2, 3])
    #expect(changes.compactMap(\.value).map { Float($0) } == [0.0005, 0.00025])
}

@Test func divergingRunKeepsInfiniteLossAndReportsTerminateOnNaN() throws {
    let events = readAll(try fixtureBytes(divergesKeras3))
    let losses = events.compactMap { event -> Double? in
        if case .batchProgress(let progress) = event { return progress.metrics["loss"] }
        return nil
    }
    #expect(losses.last == .infinity)
    let kinds = events.compactMap { if case .message(let message) = $0 { return message.kind } else { return nil } }
    #expect(kinds == [.warning, .terminatedOnNaN])
    #expect(events.last == .runEnded(.finished))
}

@Test func resultsDoNotDependOnWhereChunksSplit() throws {
    let bytes = try fixtureBytes(twoHeadsKeras3)
    let whole = readAll(bytes)
    for seed: UInt64 in 1...20 {
        var reader = FitwatchStreamReader()
        var events: [TrainingEvent] = []
        for chunk in randomChunks(bytes, maxChunk: Int(seed) * 37, seed: seed) { events += reader.feed(chunk) }
        events += reader.finish()
        #expect(events == whole, "seed \(seed)")
    }
}

@Test func tornLastLineIsNoiseAndEveryCompleteRecordSurvives() throws {
    let bytes = try fixtureBytes(twoHeadsKeras3)
    let text = String(decoding: bytes, as: UTF8.self)
    // Cut inside the 3rd batch record of the first epoch, as a SIGKILL mid-write would.
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let batchLines = lines.indices.filter { lines[$0].contains("\"type\":\"batch\"") }
    let cutLine = batchLines[2]
    let kept = lines[..<cutLine].joined(separator: "\n") + "\n"
    let torn = kept + String(lines[cutLine].prefix(lines[cutLine].count / 2))
    let completeEvents = { () -> [TrainingEvent] in
        var reader = FitwatchStreamReader()
        return reader.feed(Array(kept.utf8))
    }()
    let events = readAll(Array(torn.utf8))
    #expect(Array(events.prefix(completeEvents.count)) == completeEvents)
    let tail = Array(events.dropFirst(completeEvents.count))
    #expect(tail.count == 2)
    if case .noise(let line) = tail.first { #expect(torn.hasSuffix(line)) } else { Issue.record("no noise for the torn line") }
    // The epoch that was running is reported cut off, with the last complete batch's values.
    guard case .epochEnded(let cut) = tail.last else { Issue.record("no cut-off epoch"); return }
    #expect(cut.complete == false)
    #expect(cut.epoch == 1)
    #expect(cut.steps == 2)
}

@Test func garbageLinesBecomeNoiseAndNeverStopTheStream() throws {
    let bytes = try fixtureBytes(divergesKeras3)
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    let garbage = [
        "Traceback (most recent call last):",
        "{\"fitwatch\": 1, \"type\": \"batch\"",          // torn
        "{\"type\": \"epoch\", \"epoch\": 9}",            // JSON without the fitwatch marker: a user print
        "{\"fitwatch\": 1, \"type\": \"epoch\"}",         // no epoch number
        "{\"fitwatch\": 1, \"type\": \"from_the_future\"}",
        String(repeating: "[", count: 100_000),
        "\u{1B}[1m 1/81\u{1B}[0m ━━━━",
        "null", "42", "\"text\"",
    ]
    var mixed: [String] = []
    for (index, line) in lines.enumerated() {
        mixed.append(garbage[index % garbage.count])
        mixed.append(line)
    }
    let events = readAll(Array((mixed.joined(separator: "\n") + "\n").utf8) + [0xFF, 0xFE, 0x0A])
    let noise = events.filter { if case .noise = $0 { return true } else { return false } }
    #expect(noise.count == lines.count + 1)
    #expect(events.filter { if case .noise = $0 { return false } else { return true } } == readAll(bytes))
}

@Test func streamJoinedMidRunStartsASegmentMarkedMidRun() {
    let lines = """
    {"fitwatch":1,"type":"batch","time":10.0,"epoch":4,"step":3,"steps":10,"logs":{"loss":0.5}}
    {"fitwatch":1,"type":"epoch","time":11.0,"epoch":4,"epochs":20,"steps":10,"seconds":2.0,"logs":{"loss":0.4,"val_loss":"nan"}}

    """
    let events = readAll(Array(lines.utf8))
    #expect(events.first == .runStarted(RunStart(epochs: nil, format: .fitwatchCallback, startsMidRun: true)))
    guard case .epochEnded(let record) = events.last else { Issue.record("no epoch"); return }
    #expect(record.of == 20)
    #expect(record.secondsPerStep == 0.2)
    #expect(record.metrics["val_loss"]?.isNaN == true)
}

@Test func interruptedFooterEndsTheRunAfterTheCutOffEpoch() {
    let lines = """
    {"fitwatch":1,"type":"header","time":1.0,"keras":{"version":"3.15.1"},"fit":{"epochs":5,"steps":4}}
    {"fitwatch":1,"type":"epoch_begin","time":1.0,"epoch":1,"epochs":5}
    {"fitwatch":1,"type":"batch","time":3.0,"epoch":1,"step":1,"steps":4,"logs":{"loss":2.5}}
    {"fitwatch":1,"type":"footer","time":3.5,"status":"interrupted","error":"KeyboardInterrupt","epochs_run":0}

    """
    let events = readAll(Array(lines.utf8))
    #expect(events == [
        .runStarted(RunStart(epochs: 5, format: .fitwatchCallback, flavour: .keras3, parameters: ["epochs": "5"])),
        .epochBegan(epoch: 1, of: 5),
        // Two seconds for one step, three steps left: Keras would print ETA 6s.
        .batchProgress(BatchProgress(epoch: 1, step: 1, total: 4, eta: 6, metrics: ["loss": 2.5])),
        .epochEnded(EpochRecord(epoch: 1, of: 5, steps: 1, metrics: ["loss": 2.5], complete: false)),
        .runEnded(.interrupted("KeyboardInterrupt")),
    ])
}

@Test func aHeaderAfterAnUnfinishedSegmentEndsTheKilledRunFirst() {
    let lines = """
    {"fitwatch":1,"type":"header","fit":{"epochs":5}}
    {"fitwatch":1,"type":"batch","epoch":1,"step":1,"steps":4,"logs":{"loss":2.5}}
    {"fitwatch":1,"type":"batch","epoch":1,"st
    {"fitwatch":1,"type":"header","fit":{"epochs":7}}

    """
    let events = readAll(Array(lines.utf8))
    #expect(Array(events.suffix(3)) == [
        .epochEnded(EpochRecord(epoch: 1, of: 5, steps: 1, metrics: ["loss": 2.5], complete: false)),
        .runEnded(.interrupted("the stream of the previous fit ended without a footer")),
        .runStarted(RunStart(epochs: 7, format: .fitwatchCallback, parameters: ["epochs": "7"])),
    ])
}

@Test func headerHandsTheGraphBuilderTheExactConfigs() throws {
    let seen = ConfigLog()
    let reader = FitwatchStreamReader { header in
        seen.append(header.modelConfigJSON ?? "")
        return nil
    }
    _ = readAll(try fixtureBytes(twoHeadsKeras3), reader: reader)
    let configs = seen.all
    #expect(configs.count == 2)
    // Byte-exact numbers: `units: 32` stays an integer for the model reader.
    #expect(configs.allSatisfy { $0.contains("\"units\":32") })
}

/// Collects what a graph builder was handed (the builder must be `@Sendable`).
private final class ConfigLog: @unchecked Sendable {
    private let lock = NSLock()
    private var configs: [String] = []
    func append(_ config: String) { lock.withLock { configs.append(config) } }
    var all: [String] { lock.withLock { configs } }
}

private func graphs(_ events: [TrainingEvent]) -> [ModelGraph] {
    events.compactMap { if case .modelKnown(let graph) = $0 { return graph } else { return nil } }
}

@Test(arguments: [twoHeadsKeras3, twoHeadsTfKeras])
func callbackHeaderGivesTheExactTwoOutputGraph(fixture: String) throws {
    let events = readAll(try fixtureBytes(fixture))
    let found = graphs(events)
    #expect(found.count == 2)  // one per fit segment
    let graph = try #require(found.first)
    #expect(graph.provenance == .callback)
    #expect(graph.name == "two_heads")
    #expect(graph.kerasVersion == (fixture == twoHeadsKeras3 ? "3.15.1" : "2.21.0"))
    #expect(graph.outputs.map(\.name) == ["out1", "out2"])
    #expect(graph.outputs.map(\.loss?.kind) == [.meanSquaredError, .binaryCrossentropy])
    #expect(graph.outputs.map(\.lossWeight) == [1.0, 0.2])
    #expect(graph.outputs.map(\.metrics) == [["mae"], ["accuracy"]])
    // out1's loss trains the shared trunk and its own head, never out2's head D.
    #expect(Array(graph.layersReached(byOutput: "out1")) == ["x", "A", "B", "C", "out1"])
    #expect(!graph.layersReached(byOutput: "out2").contains("C"))
    // The graph arrives right after the segment starts, before any epoch.
    #expect(events.firstIndex { if case .modelKnown = $0 { return true } else { return false } } == 1)
}

@Test func unreadableModelConfigBecomesAWarningNotACrash() {
    let lines = """
    {"fitwatch":1,"type":"header","model_config":{"class_name":"Functional","config":"not a config"},"fit":{"epochs":1}}
    {"fitwatch":1,"type":"header","model_config":null,"model_error":"NotImplementedError: subclassed model","fit":{"epochs":1}}

    """
    let events = readAll(Array(lines.utf8))
    let warnings = events.compactMap { event -> CallbackMessage? in
        if case .message(let message) = event, message.kind == .warning { return message }
        return nil
    }
    #expect(graphs(events).isEmpty)
    #expect(warnings.count == 2)
    #expect(warnings.last?.text.contains("subclassed model") == true)
}

@Test func anEndlessLineIsCutIntoNoiseAndTheRecordsAfterItStillCount() {
    // The wrong file (binary, no newlines) must not grow memory without bound.
    // The real limit is 64 MiB; 4 KiB exercises the same code quickly.
    let limit = 4096
    let garbage = [UInt8](repeating: UInt8(ascii: "x"), count: limit + 1000)
    let record = Array(#"{"fitwatch":1,"type":"epoch","epoch":1,"logs":{"loss":0.5}}"#.utf8) + [10]
    let bytes = garbage + [10] + record
    var outcomes: [[TrainingEvent]] = []
    for chunk in [1000, 17] {
        var reader = FitwatchStreamReader(graphBuilder: FitwatchStreamReader.defaultGraph, maximumLineBytes: limit)
        var events: [TrainingEvent] = []
        var start = 0
        while start < bytes.count {
            events += reader.feed(bytes[start..<min(bytes.count, start + chunk)])
            start += chunk
        }
        outcomes.append(events + reader.finish())
    }
    #expect(outcomes[0] == outcomes[1])
    let events = outcomes[0]
    #expect(events.count == 4)  // the cut piece, the 1000-byte rest, the mid-run start, the epoch
    if case .noise(let text) = events.first { #expect(text.hasSuffix("(\(limit) bytes without a newline)")) }
    #expect(events.last == .epochEnded(EpochRecord(epoch: 1, metrics: ["loss": 0.5])))
}
