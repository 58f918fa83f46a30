import Foundation
import Testing
import TestSupport
import TrainingLog

/// Every shared real log parses to exactly the epochs Keras's History recorded, each printed
/// metric equal to the History value at printed precision, in both capture modes.
@Suite struct SharedLogTruthTests {
    static let cases: [(String, String)] = KerasTruth.sharedNames.flatMap { [($0, "pipe"), ($0, "tty")] }

    @Test(arguments: cases)
    func everyEpochMatchesHistoryAtPrintedPrecision(name: String, mode: String) throws {
        let truth = try KerasTruth.load(name, mode: mode)
        let events = try readFixture("keras-logs/\(name).\(mode).log")
        let segments = settledEpochs(events)
        #expect(segments.count == 1)
        let epochs = try #require(segments.first)
        #expect(epochs.count == truth.epochsRun)
        #expect(epochs.map(\.epoch) == Array(1...truth.epochsRun))
        for (index, record) in epochs.enumerated() {
            #expect(record.complete)
            #expect(Set(record.metrics.keys) == Set(truth.history.keys), "epoch \(record.epoch) keys")
            for (key, values) in truth.history {
                let parsed = try #require(record.metrics[key], "epoch \(record.epoch) lacks \(key)")
                #expect(KerasTruth.same(parsed, values[index]),
                        "epoch \(record.epoch) \(key): read \(parsed), History \(values[index])")
            }
        }
    }

    @Test(arguments: cases)
    func evaluateAfterTrainingIsReadAsEvaluation(name: String, mode: String) throws {
        let truth = try KerasTruth.load(name, mode: mode)
        let expected = try #require(truth.evaluate)
        let events = try readFixture("keras-logs/\(name).\(mode).log")
        let evaluations = events.compactMap { event -> MetricValues? in
            if case .evaluated(let values) = event { return values } else { return nil }
        }
        #expect(evaluations.count == 1)
        let values = try #require(evaluations.first)
        for (key, value) in values {
            let truthValue = try #require(expected[key], "evaluate printed \(key) that evaluate() did not return")
            #expect(KerasTruth.same(value, truthValue), "evaluate \(key): read \(value), returned \(truthValue)")
        }
    }
}
