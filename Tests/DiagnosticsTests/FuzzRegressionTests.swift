import RunModel
import Testing
import Foundation
import TestSupport
import KerasModel
import TrainingLog
@testable import Diagnostics

/// Every input the fuzzer (`scripts/fuzz.sh`, docs/fuzzing.md) found, replayed through what its
/// target runs: `Tests/Fixtures/fuzz/<target>/<file>`. A reader must give the same events
/// whole and in chunks, and export and check must read what it gives, without a trap.
@Suite struct FuzzRegressionTests {
    static func files(_ target: String) -> [String] {
        let folder = Fixtures.url("fuzz/\(target)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().map { "fuzz/\(target)/\($0)" }
    }

    static let readerCases: [String] = ["keras-log", "auto", "csvlogger", "tensorboard", "callback-stream"]
        .flatMap { target in files(target) }

    static func reader(for path: String) -> any LogReader {
        switch path.split(separator: "/")[1] {
        case "keras-log": return KerasLogReader()
        case "csvlogger": return CSVLoggerReader()
        case "tensorboard": return TensorBoardReader()
        case "callback-stream": return FitwatchStreamReader()
        default: return AutoReader()
        }
    }

    /// The fuzz harness's chunking: sizes 1-97 drawn from a seed made of the bytes themselves.
    static func chunks(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var seed = UInt64(truncatingIfNeeded: bytes.count) &* 0x9E37_79B9_7F4A_7C15 | 1
        for byte in bytes.prefix(64) { seed = (seed ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 | 1 }
        var result: [ArraySlice<UInt8>] = []
        var index = 0
        while index < bytes.count {
            seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
            let end = min(bytes.count, index + 1 + Int(seed % 97))
            result.append(bytes[index..<end])
            index = end
        }
        return result
    }

    @Test(arguments: FuzzRegressionTests.readerCases)
    func aFoundInputReadsTheSameInChunksAndExports(_ path: String) throws {
        let bytes = [UInt8](try Fixtures.data(path))
        var whole = Self.reader(for: path)
        let expected = whole.feed(bytes) + whole.finish()
        var pieces = Self.reader(for: path)
        var events: [TrainingEvent] = []
        for chunk in Self.chunks(bytes) { events += pieces.feed(chunk) }
        events += pieces.finish()
        #expect("\(events)" == "\(expected)", "\(path): events depend on chunking")
        for segment in RunSegment.segments(from: expected) {
            let findings = Diagnostics.findings(history: segment.history, model: nil, flavour: nil)
            let json = ExportJSON.run(source: path, segment: segment, model: segment.model.map(ModelGraphJSON.json),
                                      warnings: FindingReport.json(findings))
            #expect(json.hasPrefix("{"))
        }
        _ = CheckedRun.runs(events: expected, model: nil)
    }

    @Test func theFuzzFixturesAreThere() {
        #expect(!Self.readerCases.isEmpty, "Tests/Fixtures/fuzz holds no reader finding")
    }
}
