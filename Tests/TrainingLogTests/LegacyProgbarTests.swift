import Testing
import TestSupport
import TrainingLog

/// Keras 1.2.2 and 2.2.4 output, reproduced byte for byte from those versions' `Progbar`
/// (see Tests/Fixtures/keras-logs/README.md): sample counts, `- 94s -`, `acc`, `ETA: 1:33`.
@Suite struct LegacyProgbarTests {
    static let names = ["keras224_dynamic", "keras224_pipe", "keras224_verbose2",
                        "keras122_dynamic", "keras122_verbose2"]

    @Test(arguments: names)
    func legacyLogsGiveThePrintedEpochValues(name: String) throws {
        let truth = try RecordedTruth.load("keras-logs/\(name).truth.json")
        let loaded = try LogLoader.load(at: Fixtures.url("keras-logs/\(name).log").path, format: nil)
        let segments = RunSegment.segments(from: loaded.events)
        let epochs = try #require(segments.first?.epochs)
        let fit = try #require(truth.fits.first)
        #expect(segments.count == 1)
        #expect(epochs.map(\.epoch) == fit.epochs)
        let verbose2 = name.hasSuffix("verbose2")
        #expect(loaded.format == (verbose2 ? .kerasVerbose2 : .keras1))
        for (index, record) in epochs.enumerated() {
            #expect(record.complete)
            #expect(Set(record.metrics.keys) == Set(fit.history.keys))
            for (key, values) in fit.history {
                let parsed = try #require(record.metrics[key])
                #expect(KerasTruth.same(parsed, values[index], verbose2: verbose2),
                        "\(name) epoch \(record.epoch) \(key): read \(parsed), printed from \(values[index])")
            }
        }
    }

    @Test(arguments: ["keras224_dynamic", "keras224_pipe", "keras122_dynamic"])
    func sampleCountBarsKeepStepsAndMinuteLongETAs(name: String) throws {
        let events = try readFixture("keras-logs/\(name).log")
        let updates = events.compactMap { event -> BatchProgress? in
            if case .batchProgress(let progress) = event { return progress } else { return nil }
        }
        let first = try #require(updates.first)
        #expect(first.total == 60000)
        #expect(first.step == 256)
        if name.hasPrefix("keras224") {
            // `ETA: 1:33` is 93 seconds; Keras 1.2.2 prints `ETA: 93s`.
            #expect(first.eta == 93)
        } else {
            #expect((first.eta ?? 0) >= 90)
        }
        #expect(updates.allSatisfy { $0.metrics.keys.elementsEqual(["loss", "acc"]) })
    }
}
