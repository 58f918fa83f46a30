#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses numbers exactly as Keras prints them (`%.4f`, `%.4e`, `%d`, `nan`, `inf`) straight
/// from bytes, without a String or a regex: the log readers call it for every metric of every
/// in-epoch update, so it sits on the hot path of a 200 MB log.
public enum PrintedNumber {
    /// Exact powers of ten: every one up to 1e22 is representable in a Double, so
    /// `mantissa / 10^k` is a single correctly rounded division, the same Double `strtod` gives.
    /// A switch rather than a static table: a global would cost a `swift_once` check per number.
    @inline(__always)
    private static func power(_ exponent: Int) -> Double {
        switch exponent {
        case 0: return 1e0
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        case 15: return 1e15
        case 16: return 1e16
        case 17: return 1e17
        case 18: return 1e18
        case 19: return 1e19
        case 20: return 1e20
        case 21: return 1e21
        default: return 1e22
        }
    }

    /// Parses a number starting at `start` in `bytes`; returns it and the index after it.
    /// Accepts an optional sign, digits with an optional fraction, an exponent written `e+05` /
    /// `e-05` (lowercase, signed, as `%e` prints; an uppercase `E` is left alone because
    /// absl's `E0000` glued to a value must not be read as an exponent), `nan`, `inf`, `-inf`.
    @inline(__always)
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> (value: Double, next: Int)? {
        if let quick = fourDecimals(bytes, from: start, to: end) { return quick }
        return parseAny(bytes, from: start, to: end)
    }

    /// `%.4f` of a value under 10 (`0.6931`, `-1.5000`): nearly every loss and accuracy Keras
    /// prints. Small enough to inline into the readers; everything else goes to `parseAny`.
    @inline(__always)
    static func fourDecimals(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> (value: Double, next: Int)? {
        var index = start
        guard index < end else { return nil }
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        // Checked and converted as one 8-byte word. Same result as `parseAny`: the mantissa
        // over 10^4, one correctly rounded division.
        if index + 6 <= end, let base = bytes.baseAddress {
            // The word may reach past `end` (a value closing its segment, as the last metric of
            // every update does) but not past the buffer; only bytes 0-5 are checked.
            let word: UInt64
            if index + 8 <= bytes.count {
                word = UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self))
            } else {
                var assembled: UInt64 = 0
                for offset in 0..<6 { assembled |= UInt64(bytes[index + offset]) << (8 * offset) }
                word = assembled
            }
            // Bytes 0 and 2-5 are digits when their high nibble is 3 and adding 6 keeps it 3
            // (0x30-0x39). A carry out of a byte only reaches higher bytes, and then a lower
            // checked byte already failed, so the word test is exact.
            let nibbles: UInt64 = 0x0000_F0F0_F0F0_00F0
            let threes: UInt64 = 0x0000_3030_3030_0030
            // A seventh digit or an exponent means another format: the loops below read it.
            let next = index + 6 < end ? bytes[index + 6] : UInt8(ascii: " ")
            if word & nibbles == threes, (word &+ 0x0606_0606_0606_0606) & nibbles == threes,
               (word >> 8) & 0xFF == UInt64(UInt8(ascii: ".")),
               next &- 48 > 9, next != UInt8(ascii: "e") {
                let value = (word & 0x0F) * 10_000 + ((word >> 16) & 0x0F) * 1000
                    + ((word >> 24) & 0x0F) * 100 + ((word >> 32) & 0x0F) * 10 + ((word >> 40) & 0x0F)
                let result = Double(value) / 1e4
                return (negative ? -result : result, index + 6)
            }
        }
        return nil
    }

    /// Every other form: `nan`, `inf`, `%.4e`, `%d`, longer fractions, huge values.
    @inline(never)
    static func parseAny(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> (value: Double, next: Int)? {
        var index = start
        guard index < end else { return nil }
        var negative = false
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        if index + 3 <= end {
            let a = bytes[index] | 0x20, b = bytes[index + 1] | 0x20, c = bytes[index + 2] | 0x20
            if a == UInt8(ascii: "n"), b == UInt8(ascii: "a"), c == UInt8(ascii: "n") {
                return (.nan, index + 3)
            }
            if a == UInt8(ascii: "i"), b == UInt8(ascii: "n"), c == UInt8(ascii: "f") {
                return (negative ? -.infinity : .infinity, index + 3)
            }
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var significant = 0
        var fractionDigits = 0
        var sawPoint = false
        var overflow = false
        // Fast path for what Keras prints nearly always (`%.4f`, a `%.4e` mantissa, `%d`):
        // digits, an optional point, digits, 18 at most so the UInt64 cannot overflow. One
        // compare per digit instead of the general loop's bookkeeping; ~5% of reading a
        // tf-keras log. Anything longer is re-read by the general loop from the start.
        var quick: UInt64 = 0
        var scan = index
        /// Appends the digits at `scan` to `quick` (wrapping; the count decides if it is used).
        func readDigits() -> Int {
            let first = scan
            while scan < end {
                let digit = bytes[scan] &- 48
                if digit > 9 { break }
                quick = quick &* 10 &+ UInt64(digit)
                scan += 1
            }
            return scan - first
        }
        let integerDigits = readDigits()
        var quickFraction = 0
        if scan < end, bytes[scan] == UInt8(ascii: ".") {
            scan += 1
            quickFraction = readDigits()
        }
        let quickDigits = integerDigits + quickFraction
        let quickDone = quickDigits > 0 && quickDigits <= 18
        if quickDone {
            mantissa = quick
            digits = quickDigits
            fractionDigits = quickFraction
            index = scan
        }
        while !quickDone, index < end {
            let byte = bytes[index]
            if byte >= 48, byte <= 57 {
                digits += 1
                if significant < 19 {
                    mantissa = mantissa * 10 + UInt64(byte - 48)
                    if mantissa != 0 { significant += 1 }
                    if sawPoint { fractionDigits += 1 }
                } else {
                    overflow = true
                }
            } else if byte == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else {
                break
            }
            index += 1
        }
        guard digits > 0 else { return nil }
        var exponent = 0
        if index + 2 < end, bytes[index] == UInt8(ascii: "e"),
           bytes[index + 1] == UInt8(ascii: "+") || bytes[index + 1] == UInt8(ascii: "-"),
           bytes[index + 2] >= 48, bytes[index + 2] <= 57 {
            let minus = bytes[index + 1] == UInt8(ascii: "-")
            var scan = index + 2
            var value = 0
            while scan < end, bytes[scan] >= 48, bytes[scan] <= 57, value < 10_000 {
                value = value * 10 + Int(bytes[scan] - 48)
                scan += 1
            }
            exponent = minus ? -value : value
            index = scan
        }
        let scale = exponent - fractionDigits
        var result: Double
        if !overflow, mantissa < (1 << 53), scale >= -22, scale <= 22 {
            result = Double(mantissa)
            if scale < 0 { result /= power(-scale) } else if scale > 0 { result *= power(scale) }
        } else {
            // Rare (huge values printed in full, long fractions): let the C library round.
            var text = [CChar]()
            text.reserveCapacity(index - start + 1)
            for position in start..<index { text.append(CChar(bitPattern: bytes[position])) }
            text.append(0)
            result = strtod(text, nil)
            return (result, index)
        }
        return (negative ? -result : result, index)
    }

    /// Parses a whole string (tests, CSV cells); nil unless the entire text is one number.
    public static func parse(_ text: some StringProtocol) -> Double? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            let view = UnsafeBufferPointer(buffer)
            guard let (value, next) = parse(view, from: 0, to: view.count), next == view.count else { return nil }
            return value
        }
    }

    /// Parses a non-negative integer; returns it and the index after it. Digits stop being
    /// read once the value reaches `Int.max / 100` (the rest are left for the caller).
    @inline(__always)
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> (value: Int, next: Int)? {
        // Up to 16 digits the value stays under 10^16 < Int.max / 100, so the guard below can
        // never stop the loop: no overflow checks, one compare per digit (every update's counter
        // and times come through here).
        var index = start
        var value = 0
        let limit = min(end, start + 16)
        while index < limit {
            let digit = bytes[index] &- 48
            if digit > 9 { return index == start ? nil : (value, index) }
            value = value &* 10 &+ Int(digit)
            index += 1
        }
        while index < end, bytes[index] >= 48, bytes[index] <= 57, value < Int.max / 100 {
            value = value * 10 + Int(bytes[index] - 48)
            index += 1
        }
        return index == start ? nil : (value, index)
    }
}
