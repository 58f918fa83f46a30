import Testing
import Foundation
import TestSupport
@testable import TrainingLog

/// Issue 14: memory stays bounded on any input. A line or record longer than a reader's limit
/// is cut as it arrives (never held whole), counted in a note, and what follows reads normally.
@Suite struct BoundedLineTests {
    static func noise(_ events: [TrainingEvent]) -> [String] {
        events.compactMap { if case .noise(let text) = $0 { text } else { nil } }
    }

    @Test func aKerasLineOverTheLimitIsCutWithANoteCountingTheDroppedBytes() {
        var bytes = Array("Epoch 1/1\n".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 300_000) + [10]
        bytes += Array("1/1 [==============================] - 0s 1ms/step - loss: 0.5000\n".utf8)
        var reader = KerasLogReader()
        var events: [TrainingEvent] = []
        for chunk in randomChunks(bytes, maxChunk: 7000, seed: 11) { events += reader.feed(chunk) }
        events += reader.finish()
        let note = Self.noise(events).first { $0.hasPrefix("fitwatch: a line was cut") }
        #expect(note == "fitwatch: a line was cut at \(KerasLogReader.segmentLimit) bytes; \(300_000 - KerasLogReader.segmentLimit) more bytes dropped")
        #expect(RunSegment.segments(from: events).first?.epochs.first?.metrics["loss"] == 0.5)
    }

    @Test func aCSVLoggerLineOverTheLimitIsCutAndTheRowsAfterItRead() {
        let limit = CSVLoggerReader.maximumLineBytes
        var bytes = Array("epoch,loss\n0,0.5\n".utf8)
        bytes += Array("1,".utf8) + [UInt8](repeating: UInt8(ascii: "7"), count: limit + 5_000) + [10]
        bytes += Array("2,0.25\n".utf8)
        var reader = CSVLoggerReader()
        var events: [TrainingEvent] = []
        for chunk in randomChunks(bytes, maxChunk: 40_000, seed: 5) { events += reader.feed(chunk) }
        events += reader.finish()
        #expect(Self.noise(events).contains("CSVLogger line 3: cut at \(limit) bytes, \(limit + 5_002 - limit) more bytes dropped"),
                "\(Self.noise(events).map { $0.prefix(80) })")
        let epochs = RunSegment.segments(from: events).flatMap(\.epochs)
        #expect(epochs.map(\.epoch) == [1, 3], "the cut row is not an epoch; the next one is")
        #expect(epochs.last?.metrics["loss"] == 0.25)
    }

    @Test func aTensorBoardRecordOverTheLimitIsPassedOverWithoutBeingHeld() {
        // One framed record of 20 MiB of zeros (lengths and CRCs valid), then a scalar event.
        let length = 20 << 20
        var record: [UInt8] = []
        let header = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(length) >> (8 * UInt64($0))) }
        record += header
        let lengthCRC = CRC32C.masked(header[...])
        record += (0..<4).map { UInt8(truncatingIfNeeded: lengthCRC >> (8 * UInt32($0))) }
        let data = [UInt8](repeating: 0, count: length)
        record += data
        let dataCRC = CRC32C.masked(data[...])
        record += (0..<4).map { UInt8(truncatingIfNeeded: dataCRC >> (8 * UInt32($0))) }
        // Then a 3-byte record with a wrong checksum: framing goes on after the skipped one.
        let small: [UInt8] = [3, 0, 0, 0, 0, 0, 0, 0]
        record += small
        let smallCRC = CRC32C.masked(small[...])
        record += (0..<4).map { UInt8(truncatingIfNeeded: smallCRC >> (8 * UInt32($0))) }
        record += [1, 2, 3, 0, 0, 0, 0]
        var reader = TensorBoardReader()
        var events: [TrainingEvent] = []
        var offset = 0
        while offset < record.count {
            let end = min(record.count, offset + 65_536)
            events += reader.feed(record[offset..<end])
            offset = end
        }
        events += reader.finish()
        #expect(Self.noise(events) == ["TensorBoard file: a record of \(length) bytes skipped (over \(TensorBoardReader.maximumRecordBytes))",
                                       "TensorBoard file: record with a bad checksum skipped"])
    }
}
