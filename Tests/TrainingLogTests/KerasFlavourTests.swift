import Foundation
import KerasModel
import Testing
import TestSupport
import TrainingLog

/// Every committed Keras capture names the Keras that wrote it, or nil when its bytes cannot
/// tell; a Keras 3 pipe or terminal capture is never nil. The flavour comes from what differs
/// in the bytes (FlavourEvidence), never from a metric's name.
@Suite struct KerasFlavourTests {
    /// Every Keras text capture under Tests/Fixtures/keras-logs, with the Keras that recorded it.
    static var captures: [(name: String, flavour: KerasFlavour)] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.url("keras-logs").path)) ?? []
        return files.filter { $0.hasSuffix(".log") && !$0.hasSuffix(".stderr.log") }.sorted().compactMap { file in
            let flavour: KerasFlavour
            if file.hasPrefix("k3") { flavour = .keras3 }
            else if file.hasPrefix("tfk") { flavour = .keras2 }
            else if file.hasPrefix("keras224") { flavour = .keras2Legacy }
            else if file.hasPrefix("keras122") { flavour = .keras1 }
            else { return nil }
            return (file, flavour)
        }
    }

    @Test func everyCaptureIsItsKerasOrNilAndKeras3NeverNil() throws {
        let captures = Self.captures
        // The shared runs, fitwatch's recordings and the wild ones on four Keras builds, and
        // the reproduced Keras 1.2.2 / 2.2.4 bytes.
        for family in ["k3_", "tfk_", "k3jax_", "k3torch_", "k3tf_", "keras224_", "keras122_"] {
            #expect(captures.contains { $0.name.hasPrefix(family) }, "no \(family) capture")
        }
        for (file, expected) in captures {
            let segments = RunSegment.segments(from: try readFixture("keras-logs/\(file)"))
            #expect(!segments.isEmpty, "\(file)")
            for segment in segments {
                if let flavour = segment.flavour {
                    #expect(flavour == expected, "\(file): read as \(flavour.rawValue)")
                } else {
                    #expect(expected != .keras3, "\(file): a Keras 3 capture read as unknown")
                }
            }
        }
    }

    /// The callback stream names the Keras it recorded (its header's version).
    @Test(arguments: [("k3_two_heads.fitwatch.jsonl", KerasFlavour.keras3), ("k3_nan.fitwatch.jsonl", .keras3),
                      ("tfk_two_heads.fitwatch.jsonl", .keras2)])
    func callbackStreamNamesItsKeras(file: String, flavour: KerasFlavour) throws {
        let segments = RunSegment.segments(from: try readFixture("fitwatch/\(file)"))
        #expect(!segments.isEmpty)
        #expect(segments.allSatisfy { $0.flavour == flavour }, "\(file)")
    }

    @Test func exportCarriesTheFlavourOfEachRun() throws {
        let segments = RunSegment.segments(from: try readFixture("keras-logs/keras224_dynamic.log"))
        let json = ExportJSON.run(source: "keras224_dynamic.log", segment: try #require(segments.first))
        #expect(json.contains("\"format\":\"keras1\",\"keras_flavour\":\"keras2-legacy\""))
        let csv = RunSegment.segments(from: try readFixture("keras-logs/k3_s1_seed_regression_accuracy.csvlogger.csv"))
        #expect(ExportJSON.run(source: "s1.csv", segment: try #require(csv.first)).contains("\"keras_flavour\":null"))
    }

    /// tf-keras prints the name the user gave: `acc` is no sign of Keras 1.
    @Test func tfKerasWithAccIsTfKeras() throws {
        let events = try readFixture("keras-logs/tfk_acc_regression.pipe.log")
        let segment = try #require(RunSegment.segments(from: events).first)
        #expect(segment.epochs.first?.metrics["acc"] != nil)
        #expect(segment.flavour == .keras2)
        #expect(segment.format == .keras2)
    }

    /// The same Keras 1 / 2.2 bytes with `acc` renamed `accuracy` stay what they are: the
    /// flavour never comes from a metric's name.
    @Test(arguments: [("keras224_dynamic.log", KerasFlavour.keras2Legacy), ("keras224_verbose2.log", .keras2Legacy),
                      ("keras122_dynamic.log", .keras1), ("keras122_verbose2.log", .keras1)])
    func legacyFlavourDoesNotDependOnTheMetricName(file: String, flavour: KerasFlavour) throws {
        let text = String(decoding: try Fixtures.data("keras-logs/\(file)"), as: UTF8.self)
        for bytes in [text, text.replacingOccurrences(of: "acc:", with: "accuracy:")] {
            var reader = AutoReader()
            var events = reader.feed(Array(bytes.utf8))
            events += reader.finish()
            #expect(RunSegment.segments(from: events).first?.flavour == flavour, "\(file)")
        }
    }

    /// Versions map to their line in MetricResolutionTests; here, the names `export` writes.
    @Test func flavoursAreNamedAsExportWritesThem() {
        #expect(KerasFlavour.allCases.map(\.rawValue) == ["keras3", "tf-keras", "keras2-legacy", "keras1"])
    }
}
