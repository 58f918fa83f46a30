/// Splits a byte stream into text lines the way a terminal shows them: a carriage return
/// starts the line over, ANSI escape sequences and backspace runs are dropped. Used for the
/// wrapped command's log pane and for ssh's stderr; the log readers do their own parsing.
struct LineBuffer: Sendable {
    private var pending: [UInt8] = []
    /// Longest partial line kept: a progress bar redrawn forever without a newline must not
    /// grow memory (64 KiB is far longer than any line a person reads).
    static let limit = 65_536

    /// Add bytes; return the lines they completed.
    mutating func append(_ bytes: some Sequence<UInt8>) -> [String] {
        var lines: [String] = []
        for byte in bytes {
            if byte == 10 {
                lines.append(LineBuffer.render(pending))
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
                if pending.count > LineBuffer.limit { pending.removeFirst(pending.count - LineBuffer.limit) }
            }
        }
        return lines
    }

    /// The input ended: the unterminated last line, if any.
    mutating func finish() -> [String] {
        defer { pending = [] }
        return pending.isEmpty ? [] : [LineBuffer.render(pending)]
    }

    /// What a terminal would show for one line: text after the last carriage return that
    /// has text after it, escapes removed.
    static func render(_ raw: [UInt8]) -> String {
        var line: [UInt8] = []
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            if byte == 0x1b {
                // CSI: ESC [ parameters final-byte(0x40...0x7e); other escapes: ESC + one byte.
                index += 1
                if index < raw.count, raw[index] == UInt8(ascii: "[") {
                    index += 1
                    while index < raw.count, !(0x40...0x7e).contains(raw[index]) { index += 1 }
                }
                index += 1
                continue
            }
            if byte == 13 {
                if index + 1 < raw.count { line.removeAll(keepingCapacity: true) }
            } else if byte == 8 {
                // One backspace erases one character, not one byte of a `━`.
                while let last = line.last, (0x80...0xbf).contains(last) { line.removeLast() }
                if !line.isEmpty { line.removeLast() }
            } else {
                line.append(byte)
            }
            index += 1
        }
        return String(decoding: line, as: UTF8.self)
    }
}
