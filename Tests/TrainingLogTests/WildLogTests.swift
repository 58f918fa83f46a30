import Foundation
import KerasModel
import Testing
import TestSupport
import TrainingLog

/// Logs as users make them (Tests/Fixtures/keras-logs/record/wild.py), recorded with Keras 3 on
/// JAX, PyTorch and TensorFlow and with tf-keras, through a pipe, a pseudo-terminal and
/// `> log 2>&1`: every `fit` call is a run whose epochs equal what Keras handed its callbacks
/// (History) at printed precision, every `evaluate()` is read, and the run knows its Keras.
@Suite struct WildLogTests {
    /// Every recording `record_wild.sh` makes, as `<flavour>_<scenario>.<mode>`.
    static let recordings: [String] = ["k3jax", "k3torch", "k3tf", "tfk"].flatMap { flavour -> [String] in
        var scenarios = ["oneepoch", "oneepoch_v2", "resumed", "valfreq_lr", "logging"]
        if flavour == "k3tf" || flavour == "tfk" { scenarios.append("unknown") }
        var names = scenarios.flatMap { ["\(flavour)_\($0).pipe", "\(flavour)_\($0).tty"] }
        names += ["\(flavour)_acc_regression.pipe", "\(flavour)_oneepoch.merged", "\(flavour)_logging.merged"]
        return names
    }

    struct Truth {
        struct Fit {
            var epochs: [Int]
            var logs: [[String: Double]]
        }

        var fits: [Fit]
        var evaluations: [[String: Double]]
        var status: String

        static func load(_ name: String) throws -> Truth {
            let root = try #require(try ExactJSON.parse(Fixtures.data("keras-logs/\(name).truth.json")) as? [String: Any])
            let fits = (root["fits"] as? [[String: Any]] ?? []).map { fit in
                Fit(epochs: fit["epochs"] as? [Int] ?? [],
                    logs: (fit["logs"] as? [[String: Any]] ?? []).map { $0.mapValues(number) })
            }
            let evaluations = (root["evaluate"] as? [[String: Any]] ?? []).map { $0.mapValues(number) }
            return Truth(fits: fits, evaluations: evaluations, status: root["status"] as? String ?? "")
        }

        private static func number(_ any: Any) -> Double {
            if let value = any as? Double { return value }
            if let value = any as? Int { return Double(value) }
            return .nan
        }
    }

    static func expectedFlavour(_ name: String) -> KerasFlavour {
        name.hasPrefix("tfk_") ? .keras2 : .keras3
    }

    @Test(arguments: recordings)
    func everyFitEqualsItsHistory(name: String) throws {
        let truth = try Truth.load(name)
        #expect(truth.status == "finished", "\(name): the recording did not finish")
        let events = try readFixture("keras-logs/\(name).log")
        let segments = RunSegment.segments(from: events)
        #expect(segments.count == truth.fits.count, "\(name): \(segments.count) runs read, Keras ran \(truth.fits.count) fits")
        let verbose2 = name.contains("_v2.")
        for (segment, fit) in zip(segments, truth.fits) {
            let complete = segment.epochs.filter(\.complete)
            #expect(complete.map(\.epoch) == fit.epochs, "\(name): epochs")
            #expect(complete.count == segment.epochs.count, "\(name): an epoch was read as cut off")
            for (record, logs) in zip(complete, fit.logs) {
                #expect(Set(record.metrics.keys) == Set(logs.keys), "\(name) epoch \(record.epoch) keys \(record.metrics.keys)")
                for (key, value) in logs {
                    let parsed = try #require(record.metrics[key], "\(name) epoch \(record.epoch) lacks \(key)")
                    #expect(KerasTruth.same(parsed, value, verbose2: verbose2),
                            "\(name) epoch \(record.epoch) \(key): read \(parsed), Keras had \(value)")
                }
            }
        }
        // Every evaluate() in call order; predict() bars print no metrics and add none.
        let evaluations = segments.flatMap { segment in
            segment.notes.compactMap { note -> MetricValues? in if case .evaluated(let values) = note { values } else { nil } }
        }
        #expect(evaluations.count == truth.evaluations.count, "\(name): evaluations")
        for (printed, result) in zip(evaluations, truth.evaluations) {
            #expect(Set(printed.keys) == Set(result.keys), "\(name) evaluate keys")
            for (key, value) in printed {
                #expect(KerasTruth.same(value, result[key] ?? .nan, verbose2: verbose2), "\(name) evaluate \(key)")
            }
        }
    }

    @Test(arguments: recordings)
    func everyRunNamesItsKeras(name: String) throws {
        let segments = RunSegment.segments(from: try readFixture("keras-logs/\(name).log"))
        #expect(!segments.isEmpty)
        for segment in segments {
            #expect(segment.flavour == Self.expectedFlavour(name), "\(name): read as \(String(describing: segment.flavour))")
        }
    }

    @Test(arguments: ["k3tf_unknown.pipe", "k3tf_unknown.tty", "tfk_unknown.pipe", "tfk_unknown.tty"])
    func unknownStepCountIsReadAsProgress(name: String) throws {
        let events = try readFixture("keras-logs/\(name).log")
        let firstEpoch = events.compactMap { event -> BatchProgress? in
            if case .batchProgress(let update) = event, update.epoch == 1 { update } else { nil }
        }
        // `N/Unknown` updates have no total; the first epoch's final line has one.
        #expect(firstEpoch.contains { $0.total == nil && $0.step > 0 }, "\(name): no N/Unknown update read")
        let segment = try #require(RunSegment.segments(from: events).first)
        #expect(segment.epochs.first?.steps != nil)
    }

    /// A user's print() and logging.warning() between updates of the bar never break an epoch
    /// (the fit test above checks the values); the lines are kept, and stderr's in a merged file too.
    @Test(arguments: ["k3jax", "k3torch", "k3tf", "tfk"])
    func userLinesInTheBarStayLines(flavour: String) throws {
        for mode in ["tty", "merged"] {
            let events = try readFixture("keras-logs/\(flavour)_logging.\(mode).log")
            let texts = events.compactMap { event -> String? in
                switch event {
                case .noise(let text): text
                case .message(let message): message.text
                default: nil
                }
            }
            #expect(texts.contains { $0.contains("starting epoch 2") }, "\(flavour) \(mode)")
            #expect(texts.contains { $0.contains("epoch 3 ended: loss=") }, "\(flavour) \(mode)")
            #expect(texts.contains { $0.contains("WARNING:root:batch 3: loss is") }, "\(flavour) \(mode)")
        }
    }

    /// A log rotated from a Keras 3 run to a tf-keras run (one reader, the bytes one after the
    /// other): the second run is tf-keras, not "keras3" kept from the first.
    @Test func aLogRotatedToAnotherKerasNamesEachRun() throws {
        var bytes = [UInt8](try Fixtures.data("keras-logs/k3jax_resumed.pipe.log"))
        bytes += [UInt8](try Fixtures.data("keras-logs/tfk_valfreq_lr.pipe.log"))
        var reader = AutoReader()
        var events = reader.feed(bytes)
        events += reader.finish()
        let segments = RunSegment.segments(from: events)
        #expect(segments.map(\.flavour) == [.keras3, .keras3, .keras2])
        #expect(segments.map(\.format) == [.keras3, .keras3, .keras2])
    }

    /// The same when the log goes on with tf-keras `fit(epochs=1)` calls, which print no header:
    /// the new runs are named by their own bars, not by the Keras 3 run before them.
    @Test func headerlessRunsAfterAnotherKerasAreNamedByTheirOwnBars() throws {
        var bytes = [UInt8](try Fixtures.data("keras-logs/k3jax_resumed.pipe.log"))
        bytes += [UInt8](try Fixtures.data("keras-logs/tfk_oneepoch.pipe.log"))
        var reader = AutoReader()
        var events = reader.feed(bytes)
        events += reader.finish()
        let segments = RunSegment.segments(from: events)
        #expect(segments.map(\.flavour) == [.keras3, .keras3, .keras2, .keras2])
        #expect(segments.suffix(2).map { $0.epochs.map(\.epoch) } == [[1], [1]])
    }
}
