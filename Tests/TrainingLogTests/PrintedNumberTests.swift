import Foundation
import Testing
import TrainingLog

/// The word-at-a-time `%.4f` path must give exactly the Double the C library does, and stop
/// where the general parser stops, or per-batch charts would show values Keras did not print.
struct PrintedNumberTests {
    /// Parses `text` (padded so the 8-byte fast path can load) and says where it stopped.
    private func parsed(_ text: String, padding: String = " - loss") -> (Double, Int)? {
        let bytes = Array((text + padding).utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            PrintedNumber.parse(buffer, from: 0, to: buffer.count).map { ($0.value, $0.next) }
        }
    }

    @Test func everyFourDecimalValueUnderTenMatchesStrtod() {
        var mismatches: [String] = []
        for tenThousandths in 0..<100_000 {
            let text = String(format: "%.4f", Double(tenThousandths) / 10_000)
            for sign in ["", "-"] {
                let printed = sign + text
                guard let (value, next) = parsed(printed), next == printed.utf8.count,
                      value.bitPattern == strtod(printed, nil).bitPattern else {
                    mismatches.append(printed)
                    continue
                }
            }
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
    }

    /// The last metric of every update ends its segment: the word-at-a-time path reads it
    /// there too, whether the buffer goes on (a digit past the segment's end must not count)
    /// or ends with the value.
    @Test func aValueEndingItsSegmentOrTheBufferReadsTheSame() {
        for text in ["0.1234", "-9.9999", "0.0000", "7.5000"] {
            let expected = strtod(text, nil)
            // The segment ends right after the value; the buffer continues with digits.
            let continued = Array((text + "99").utf8)
            let inSegment = continued.withUnsafeBufferPointer { buffer in
                PrintedNumber.parse(buffer, from: 0, to: text.utf8.count)
            }
            #expect(inSegment?.value.bitPattern == expected.bitPattern, "\(text) before more bytes")
            #expect(inSegment?.next == text.utf8.count)
            // The buffer itself ends with the value (no room for an 8-byte load).
            let exact = Array(text.utf8)
            let atEnd = exact.withUnsafeBufferPointer { PrintedNumber.parse($0, from: 0, to: $0.count) }
            #expect(atEnd?.value.bitPattern == expected.bitPattern, "\(text) at the buffer's end")
            #expect(atEnd?.next == exact.count)
        }
        // A seventh digit inside the segment is still read by the general loop.
        let longer = Array("0.12345".utf8)
        #expect(longer.withUnsafeBufferPointer { PrintedNumber.parse($0, from: 0, to: 7) }?.value == 0.12345)
    }

    @Test func longerOrExponentNumbersStillReadWhole() {
        #expect(parsed("1.2345e-05")?.0 == 1.2345e-05)
        #expect(parsed("1.2345e-05")?.1 == 10)
        #expect(parsed("12.3456")?.0 == 12.3456)
        #expect(parsed("0.12345")?.0 == 0.12345)
        #expect(parsed("0.1234E0000 00:00", padding: "")?.1 == 6) // absl's glued `E0000` is not an exponent
        #expect(parsed("0.1234.5")?.1 == 6)
        #expect(parsed("0.12a4")?.1 == 4) // a short fraction falls back to the general loop
    }
}
