import Foundation
import Testing
import TestSupport
import TrainingLog

/// Regression tests for untrusted bytes in the CSVLogger and TensorBoard readers.
@Suite struct ReaderHardeningTests {
    /// Bug: `fitwatch check` of a folder holding `events.out.tfevents.1.h` full of random bytes
    /// died with SIGILL: `Int(readUInt64(offset))` traps when the length's high bit is set.
    /// A length that large is bad framing, reported once as noise like any other.
    @Test func tensorBoardGarbageWithAHugeLengthIsBadFramingNotACrash() {
        var bytes = [UInt8](repeating: 0xFF, count: 8) + [UInt8](repeating: 0, count: 8)
        var generator = SeededGenerator(seed: 3)
        bytes += (0..<2000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var reader = TensorBoardReader()
        let events = reader.feed(bytes) + reader.finish()
        #expect(events == [.noise("TensorBoard file: bad record framing at byte offset 0; the rest is skipped")])
    }

    /// The same for many random files: none traps, none yields an epoch.
    @Test func tensorBoardRandomBytesNeverYieldEpochs() {
        for seed in 1...200 as ClosedRange<UInt64> {
            var generator = SeededGenerator(seed: seed)
            let bytes = (0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var reader = TensorBoardReader()
            let events = reader.feed(bytes) + reader.finish()
            #expect(!events.contains { if case .epochEnded = $0 { return true } else { return false } }, "seed \(seed)")
        }
    }

    /// Bug: `printf 'epoch,loss\n0,0.5\n1,abc\n2,' | fitwatch export` gave epochs 2 and 3 with
    /// `"metrics":{}`: a non-numeric cell and a half-written last row (no newline at the end,
    /// fewer cells than the header) each became an empty epoch. Now the bad cell is reported
    /// naming its line, and neither row is an epoch.
    @Test func csvLoggerReportsNonNumericCellsAndSkipsAHalfWrittenLastRow() {
        var reader = CSVLoggerReader()
        let events = reader.feed(Array("epoch,loss\n0,0.5\n1,abc\n2,".utf8)) + reader.finish()
        let epochs = events.compactMap { if case .epochEnded(let record) = $0 { return record } else { return nil } }
        #expect(epochs.map(\.epoch) == [1])
        #expect(epochs.first?.metrics["loss"] == 0.5)
        let noise = events.compactMap { if case .noise(let line) = $0 { return line } else { return nil } }
        #expect(noise.contains { $0.contains("line 3") && $0.contains("loss is not a number: abc") }, "\(noise)")
        #expect(noise.contains { $0.contains("line 4") && $0.contains("half-written") }, "\(noise)")
    }

    /// A row with one bad cell keeps its good cells; `NA` (CSVLogger's missing value) is quiet.
    @Test func csvLoggerKeepsTheGoodCellsOfARowWithABadOne() {
        var reader = CSVLoggerReader()
        let events = reader.feed(Array("epoch,acc,loss,val_loss\n0,0.9,oops,NA\n".utf8)) + reader.finish()
        let epochs = events.compactMap { if case .epochEnded(let record) = $0 { return record } else { return nil } }
        #expect(epochs.count == 1)
        #expect(epochs.first.map { Array($0.metrics.keys) } == ["acc"])
        let noise = events.compactMap { if case .noise(let line) = $0 { return line } else { return nil } }
        #expect(noise == ["CSVLogger line 2: loss is not a number: oops"])
    }

    /// An epoch number near Int.max trapped in `epoch + 1`; it is noise, not a run.
    @Test func csvLoggerAbsurdEpochNumberIsNoise() {
        var reader = CSVLoggerReader()
        let events = reader.feed(Array("epoch,loss\n9223372036854775807,0.5\n".utf8)) + reader.finish()
        #expect(events == [.noise("9223372036854775807,0.5")])
    }

    /// `--format`/`--input-format` errors listed `training-core` and `unknown`, which no user can
    /// give; they are not accepted either.
    @Test func userFacingFormatsLeaveOutInternalOnes() {
        #expect(!LogFormat.userFacing.contains(.trainingCore))
        #expect(!LogFormat.userFacing.contains(.unknown))
        #expect(LogFormat(userFacing: "training-core") == nil)
        #expect(LogFormat(userFacing: "CSVLogger") == .csvLogger)
    }

    /// Bug: a callback stream whose batch record had `"steps": -9223372036854775807` trapped on
    /// `total - step` (arithmetic overflow, SIGILL in `check`, `export` and `--headless -`).
    @Test func aBatchWithAnAbsurdStepCountIsReadWithoutATrap() throws {
        let header = #"{"fitwatch":1,"type":"header","time":0,"keras":{"version":"3.15.1","flavour":"keras3"}}"#
        let lines = [header,
                     #"{"fitwatch":1,"type":"epoch_begin","time":1,"epoch":1}"#,
                     #"{"fitwatch":1,"type":"batch","time":2,"epoch":1,"step":5,"steps":-9223372036854775807,"logs":{"loss":1}}"#]
        var reader = FitwatchStreamReader()
        let events = reader.feed(Array((lines.joined(separator: "\n") + "\n").utf8)) + reader.finish()
        let progress = events.compactMap { if case .batchProgress(let value) = $0 { return value } else { return nil } }
        #expect(progress.map(\.step) == [5])
        #expect(progress.first?.eta == 0)
    }
}
