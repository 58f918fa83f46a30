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
