/// Finds the next control byte (below 0x20: `\b`, `\r`, `\n`, ESC, tab) 16 bytes at a time.
/// Most of a Keras log is printable text between a few control bytes, so this is where the
/// readers spend their per-byte time; a SIMD compare per 16 bytes keeps it near memchr speed.
/// The block holding the hit is then searched 8 bytes at a time with a word trick that gives
/// the exact position: Keras 3 updates are runs of 5-60 bytes between escape sequences, and
/// finishing each run byte by byte was ~30% of stripping them.
enum ControlByteScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The index of the first byte below 0x20 in `bytes[start..<end]`, or `end`.
    @inline(__always)
    static func firstControl(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        firstBelow(0x20, bytes, from: start, to: end)
    }

    /// The index of the first byte below 14 (`\b`, `\t`, `\n`, `\r`, ...) in
    /// `bytes[start..<end]`, or `end`.
    @inline(__always)
    static func firstBelow14(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        firstBelow(14, bytes, from: start, to: end)
    }

    /// The index of the first byte below `limit` (at most 128) in `bytes[start..<end]`, or `end`.
    @inline(__always)
    private static func firstBelow(_ limit: UInt8, _ bytes: UnsafeBufferPointer<UInt8>,
                                   from start: Int, to end: Int) -> Int {
        var index = start
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            let vector = SIMD16<UInt8>(repeating: limit)
            while index + 16 <= end {
                let block = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                if any(block .< vector) { break }
                index += 16
            }
            // `(w - limit×ones) & ~w & high` flags bytes below `limit`; a borrow can only flag
            // bytes above a true hit, so the lowest flag is exact (little-endian load).
            let spread = ones &* UInt64(limit)
            while index + 8 <= end {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let flagged = (word &- spread) & ~word & highBits
                if flagged != 0 { return index + flagged.trailingZeroBitCount >> 3 }
                index += 8
            }
        }
        while index < end, bytes[index] >= limit { index += 1 }
        return index
    }

    /// The index of the first `byte` in `bytes[start..<end]`, or `end`; 8 bytes at a time (the
    /// `]` closing a 30-cell tf-keras bar was scanned byte by byte: ~4% of reading its logs).
    @inline(__always)
    static func first(_ byte: UInt8, _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var index = start
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            let pattern = ones &* UInt64(byte)
            while index + 8 <= end {
                // Matching bytes become zero; `(v - ones) & ~v & high` flags zero bytes, the
                // lowest flag exactly.
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) ^ pattern
                let zeros = (word &- ones) & ~word & highBits
                if zeros != 0 { return index + zeros.trailingZeroBitCount >> 3 }
                index += 8
            }
        }
        while index < end, bytes[index] != byte { index += 1 }
        return index
    }

    /// The index of the first byte that is not `\b` in `bytes[start..<end]`, or `end`: Keras
    /// erases each update with as many backspaces as the previous one was wide.
    @inline(__always)
    static func firstNotBackspace(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var index = start
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            let backspace = SIMD16<UInt8>(repeating: 8)
            while index + 16 <= end {
                let block = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                if any(block .!= backspace) { break }
                index += 16
            }
            let backspaces = ones &* 8
            while index + 8 <= end {
                let other = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) ^ backspaces
                if other != 0 { return index + other.trailingZeroBitCount >> 3 }
                index += 8
            }
        }
        while index < end, bytes[index] == 8 { index += 1 }
        return index
    }
}
