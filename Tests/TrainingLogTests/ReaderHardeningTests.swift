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
}
