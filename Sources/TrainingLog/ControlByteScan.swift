/// Finds the next control byte (below 0x20: `\b`, `\r`, `\n`, ESC, tab) 16 bytes at a time.
/// Most of a Keras log is printable text between a few control bytes, so this is where the
/// readers spend their per-byte time; a SIMD compare per 16 bytes keeps it near memchr speed.
enum ControlByteScan {
    /// The index of the first byte below 0x20 in `bytes[start..<end]`, or `end`.
    @inline(__always)
    static func firstControl(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var index = start
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            let space = SIMD16<UInt8>(repeating: 0x20)
            while index + 16 <= end {
                let block = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                if any(block .< space) { break }
                index += 16
            }
        }
        while index < end, bytes[index] >= 0x20 { index += 1 }
        return index
    }

    /// The index of the first byte below 14 (`\b`, `\t`, `\n`, `\r`, ...) in
    /// `bytes[start..<end]`, or `end`.
    @inline(__always)
    static func firstBelow14(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var index = start
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            let limit = SIMD16<UInt8>(repeating: 14)
            while index + 16 <= end {
                let block = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                if any(block .< limit) { break }
                index += 16
            }
        }
        while index < end, bytes[index] >= 14 { index += 1 }
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
        }
        while index < end, bytes[index] == 8 { index += 1 }
        return index
    }
}
