import Testing
import Foundation
import TestSupport
@testable import TrainingLog

/// Issue 14: a log the input ends inside an epoch (a killed run, a copy taken mid-write) must
/// report that epoch `complete: false` with values Keras really printed. A third of pipe and tty
/// logs cut mid-epoch, and nearly all `verbose=2` ones, came out `complete: true` with
/// `metrics: {}` (the cut final line taken as finished), and a cut update's last number lost
/// its digits (`0.23` for `0.2367`).
@Suite struct CutEpochTests {
    /// Every Keras text log among the fixtures (pipe and tty captures, verbose=2, Keras 1-2).
    static let logs: [String] = {
        let folder = Fixtures.url("keras-logs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".log") && !$0.hasSuffix(".stderr.log") }.sorted()
    }()

    /// What the whole log says of each epoch number: its complete records' values, and every
    /// value it printed for that epoch (updates and final lines).
    struct Truth {
        var complete: [Int: [MetricValues]] = [:]
        var printed: [Int: Set<Double>] = [:]
        /// In-epoch updates read.
        var updates = 0

        init(_ events: [TrainingEvent]) {
            for event in events {
                switch event {
                case .epochEnded(let record):
                    if record.complete { complete[record.epoch, default: []].append(record.metrics) }
                    printed[record.epoch, default: []].formUnion(record.metrics.values)
                case .batchProgress(let update):
                    updates += 1
                    printed[update.epoch, default: []].formUnion(update.metrics.values)
                default: break
                }
            }
        }
    }

    /// The offsets to cut at: about `count` spread over the log (seeded, so a failure repeats),
    /// plus every byte of the 160 before the first three final lines' newlines, where a cut
    /// final line used to pass for a finished epoch.
    static func offsets(_ bytes: [UInt8], count: Int) -> [Int] {
        var random = SeededGenerator(seed: UInt64(bytes.count))
        var chosen = Set((0..<count).map { _ in Int.random(in: 1..<max(2, bytes.count), using: &random) })
        var headers = 0
        var index = 0
        let epochHeader = Array("\nEpoch ".utf8)
        while index + epochHeader.count <= bytes.count, headers < 4 {
            if bytes[index..<(index + epochHeader.count)].elementsEqual(epochHeader) {
                if headers > 0 { chosen.formUnion(max(1, index - 160)...index) }
                headers += 1
            }
            index += 1
        }
        return chosen.filter { $0 < bytes.count }.sorted()
    }

    @Test(arguments: CutEpochTests.logs)
    func aLogCutInsideAnEpochReportsItIncompleteWithPrintedValues(_ name: String) throws {
        let bytes = [UInt8](try Fixtures.data("keras-logs/\(name)"))
        var whole = AutoReader()
        let truth = Truth(whole.feed(bytes) + whole.finish())
        #expect(!truth.complete.isEmpty, "\(name) has no finished epoch to compare against")

        // One reader fed up to each offset in turn; a copy of it finishes there (the reader is a
        // value), so every cut costs what the bytes since the previous one cost.
        var reader = AutoReader()
        var records: [EpochRecord] = []
        var fed = 0
        var cutsInsideEpochs = 0
        for offset in Self.offsets(bytes, count: 300) {
            for event in reader.feed(bytes[fed..<offset]) {
                if case .epochEnded(let record) = event { records.append(record) }
            }
            fed = offset
            var copy = reader
            var cut = records
            for event in copy.finish() {
                if case .epochEnded(let record) = event { cut.append(record) }
            }
            for record in cut {
                let at = "\(name) cut at byte \(offset), epoch \(record.epoch)"
                #expect(!record.metrics.isEmpty, "\(at): an epoch record without values (complete: \(record.complete))")
                if record.complete {
                    #expect(truth.complete[record.epoch]?.contains(record.metrics) == true,
                            "\(at): complete with \(record.metrics), the whole log never finished it so")
                } else {
                    cutsInsideEpochs += 1
                    let unknown = record.metrics.values.filter { !(truth.printed[record.epoch]?.contains($0) ?? false) }
                    #expect(unknown.isEmpty, "\(at): cut epoch values \(unknown) were never printed whole")
                }
            }
        }
        // A `verbose=2` log of headerless one-epoch fits has nothing to be inside: no `Epoch`
        // header opens an epoch and each epoch is its one final line (a cut one is dropped).
        let opensEpochs = truth.updates > 0 || String(decoding: bytes, as: UTF8.self).contains("Epoch ")
        if opensEpochs { #expect(cutsInsideEpochs > 0, "\(name): no cut fell inside an epoch") }
    }
}

/// A log that ends right after a value (a killed run's pipe capture has no final newline):
/// the value was printed whole, so the cut epoch keeps it. `export` gave `1,0.0895,` for
/// `... - loss: 0.0895 - mae: 0.2367` at the end of the file.
@Suite struct CutLastValueTests {
    @Test(arguments: [("k3_killed.pipe.log", 0.0895, 0.2367), ("tfk_killed.pipe.log", 0.1491, 0.3049)])
    func aKilledRunsLastUpdateKeepsEveryValueItPrinted(_ name: String, _ loss: Double, _ mae: Double) throws {
        var reader = AutoReader()
        let bytes = [UInt8](try Fixtures.data("keras-logs/\(name)"))
        #expect(bytes.last != 10, "the premise: the capture ends without a newline")
        let records = (reader.feed(bytes) + reader.finish()).compactMap { event -> EpochRecord? in
            if case .epochEnded(let record) = event { return record } else { return nil }
        }
        let cut = try #require(records.last)
        #expect(!cut.complete)
        #expect(cut.metrics == ["loss": loss, "mae": mae])
    }

    @Test func aValueIsWholeOnlyAsKerasPrintsIt() {
        func whole(_ text: String) -> Bool { KerasLogReader.endsWithWholeValue(Array(text.utf8)) }
        #expect(whole("- loss: 0.0895 - mae: 0.2367"))
        #expect(whole("- loss: 1.2000e-05  "))
        #expect(whole("- loss: -3.5000"))
        #expect(whole("- loss: nan"))
        #expect(whole("- loss: inf"))
        #expect(!whole("- loss: 0.0895 - mae: 0.23"))
        #expect(!whole("- loss: 0.0895 - mae: 0."))
        #expect(!whole("- loss: 0.0895 - mae:"))
        #expect(!whole("- loss: 1.2000e-0"))
        #expect(!whole("- loss: 1.2000e"))
        #expect(!whole("- loss: 0.0895 - ma"))
        #expect(!whole("81/81 [====] - 0s 3ms/step"))
        #expect(!whole(""))
    }
}

/// A log that ends between epochs short of the last one asked for was cut (a killed run, a
/// truncated copy): `check` said `finished` for 50 of 300 epochs. EarlyStopping and
/// TerminateOnNaN end a run early and say so; those stay theirs.
@Suite struct CutBetweenEpochsTests {
    private func ends(_ text: String) -> [RunEnd] {
        var reader = AutoReader()
        let events = reader.feed(Array(text.utf8)) + reader.finish()
        return events.compactMap { if case .runEnded(let end) = $0 { return end } else { return nil } }
    }

    @Test(arguments: ["k3_verbose2.pipe.log", "k3_s1_seed_regression_accuracy.pipe.log", "k3_s1_seed_regression_accuracy.tty.log"])
    func aLogCutAfterAnEpochShortOfTheLastIsInterrupted(name: String) throws {
        let text = try String(contentsOf: Fixtures.url("keras-logs/\(name)"), encoding: .utf8)
        let cut = try #require(text.range(of: "Epoch 3/"))
        #expect(ends(String(text[..<cut.lowerBound])).last == .interrupted("the log ends after epoch 2 of \(text.contains("Epoch 3/4") ? 4 : Int(text[cut.upperBound...].prefix(while: \.isNumber))!)"))
        // The whole log still finished.
        #expect(ends(text).last == .finished)
    }

    @Test func earlyStoppingShortOfTheLastEpochIsNotACut() {
        let log = """
            Epoch 1/10
            4/4 - 0s - 2ms/step - loss: 0.5000
            Epoch 2/10
            4/4 - 0s - 2ms/step - loss: 0.6000
            Epoch 2: early stopping

            """
        #expect(ends(log).last == .finished)
    }
}
