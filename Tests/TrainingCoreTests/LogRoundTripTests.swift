import Testing
import TrainingLog
@testable import TrainingCore

/// A run printed by the core reads back through the Keras log reader as the same epochs:
/// the log, the tail and the replay see what the in-process feed saw.
struct LogRoundTripTests {
    @Test func printedRunReadsBackAsTheSameEpochs() throws {
        let session = try TrainingSession(contentsOf: #require(DemoCatalog.spec(named: "two-heads")))
        var printed = ""
        var time = 0.0
        try session.run(extra: [ProgressPrinter(clock: { time += 0.0004; return time }, write: { printed += $0 })])

        var reader = KerasLogReader()
        let events = reader.feed(Array(printed.utf8)) + reader.finish()
        let epochs = events.compactMap { if case .epochEnded(let record) = $0 { return record } else { return nil } }
        let history = session.trainer.history
        #expect(epochs.count == history.count)
        for (record, logs) in zip(epochs, history) {
            #expect(Array(record.metrics.keys) == Array(logs.keys))
            for (key, value) in logs {
                // The log shows 4 decimals (or 4 significant digits in %.4e).
                let shown = record.metrics[key] ?? .nan
                #expect(abs(shown - value) <= 5e-5 * max(1, abs(value)), "epoch \(record.epoch) \(key): \(shown) vs \(value)")
            }
        }
        #expect(epochs.allSatisfy { $0.complete && $0.of == 20 && $0.steps == 25 })  // 800 training rows / 32
    }
}
