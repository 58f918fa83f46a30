/// Checks TOML text for what the TOML parser under TOMLKit (toml++ 3) does not survive, before
/// it sees the text. Found by fuzzing: a table header whose key starts with a character that is
/// neither a bare-key character nor a quote (`[+a]`, `[[ =x]]`, `[` alone on its line) fails an assertion inside toml++
/// (abort, exit 134) instead of a parse error, in debug and release builds alike. Run specs and
/// theme files both go through here; the message is the parse error toml++ would have given.
/// One scan that knows TOML's strings and comments finds both kinds of problem (quotes inside
/// a comment once hid a header from a line-by-line check: fuzzing again).
/// An unclosed multi-line string is named at the line that opened it (toml++ names the end of
/// the file).
/// (A target of its own: themes (Widgets) and run specs (TrainingCore) share no other module.)
public enum TOMLPreflight {
    /// The first problem, with its 1-based line, or nil when the text is safe to parse.
    public static func problem(in text: String) -> (line: Int, message: String)? {
        scan(Array(text.utf8))
    }

    /// The start of a table header at `bytes[index]` (the `[` at the start of a line, outside
    /// any value): what toml++ asserts on after the brackets, if anything.
    static func headerProblem(_ bytes: [UInt8], at index: Int) -> String? {
        var cursor = index + 1
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "[") { cursor += 1 }
        while cursor < bytes.count, bytes[cursor] == 32 || bytes[cursor] == 9 { cursor += 1 }
        guard cursor < bytes.count, bytes[cursor] != 10, bytes[cursor] != 13 else {
            // `[` alone on its line (fuzzing again): toml++ asserts on the newline.
            return "Error while parsing table header: expected bare key starting character or string delimiter, saw the end of the line"
        }
        let first = bytes[cursor]
        let bare = (first >= 65 && first <= 90) || (first >= 97 && first <= 122) || (first >= 48 && first <= 57)
            || first == UInt8(ascii: "_") || first == UInt8(ascii: "-")
        if bare || first == 34 || first == 39 || first == UInt8(ascii: "]") { return nil }
        let hex = Array("0123456789ABCDEF")
        let shown = first < 128 ? String(Character(Unicode.Scalar(first))) : "\\x\(hex[Int(first >> 4)])\(hex[Int(first & 15)])"
        return "Error while parsing table header: expected bare key starting character or string delimiter, saw '\(shown)'"
    }

    /// A value left out where TOML needs one: after `=`, or after `[` or `,` in an array, the
    /// next thing is `}` (or, after `=`, a `,` `]` or the end of the line). toml++ asserts
    /// there (`attrs = ["bold", }`, found by fuzzing the themes); TOML calls it an error
    /// either way. Strings and comments are skipped; a `]` right after `[` or `,` in an array
    /// (empty, or a trailing comma) is TOML and passes.
    static func scan(_ bytes: [UInt8]) -> (line: Int, message: String)? {
        enum Container { case array, table }
        var stack: [Container] = []
        var line = 1
        /// After `=` (`.assignment`) or after `[` / `,` in an array (`.element`).
        enum Expecting { case nothing, assignment, element }
        var expecting = Expecting.nothing
        /// Nothing but blanks since the line began (a `[` here outside any value opens a table header).
        var lineStart = true
        var index = 0
        func at(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 10:
                if expecting == .assignment { return (line, "Error while parsing key-value pair: expected value, saw the end of the line") }
                line += 1
                lineStart = true
                index += 1
                continue
            case 32, 9, 13:
                index += 1
                continue
            case UInt8(ascii: "#"):
                if expecting == .assignment { return (line, "Error while parsing key-value pair: expected value, saw '#'") }
                while index < bytes.count, bytes[index] != 10 { index += 1 }
                continue
            default:
                break
            }
            if lineStart, stack.isEmpty, expecting == .nothing, byte == UInt8(ascii: "["),
               let message = headerProblem(bytes, at: index) {
                return (line, message)
            }
            lineStart = false
            if expecting != .nothing {
                let missing: Bool
                switch byte {
                case UInt8(ascii: "}"): missing = true
                case UInt8(ascii: ","): missing = true
                case UInt8(ascii: "]"): missing = expecting == .assignment
                default: missing = false
                }
                if missing {
                    return (line, "Error while parsing \(expecting == .assignment ? "key-value pair" : "array"): expected value, saw '\(Character(Unicode.Scalar(byte)))'")
                }
                // A table header at the start of a line is not a value: only values open arrays here.
                if byte == UInt8(ascii: "[") { stack.append(.array); expecting = .element; index += 1; continue }
                if byte == UInt8(ascii: "{") { stack.append(.table); expecting = .nothing; index += 1; continue }
                expecting = .nothing
            }
            switch byte {
            case 34, 39:
                // A string: basic (with escapes) or literal, one line or three quotes.
                let quote = byte
                if at(1) == quote, at(2) == quote {
                    let opened = line
                    index += 3
                    while index < bytes.count, !(bytes[index] == quote && at(1) == quote && at(2) == quote) {
                        if bytes[index] == 10 { line += 1 }
                        if quote == 34, bytes[index] == 92 { index += 1 }
                        index += 1
                    }
                    // toml++ names the end of the file; the line that opened the string is
                    // the one to fix.
                    guard index < bytes.count else {
                        let delimiter = quote == 34 ? "\"\"\"" : "'''"
                        return (opened, "Error while parsing string: the multi-line string opened here with \(delimiter) is never closed")
                    }
                    index += 3
                } else {
                    index += 1
                    while index < bytes.count, bytes[index] != quote, bytes[index] != 10 {
                        if quote == 34, bytes[index] == 92 { index += 1 }
                        index += 1
                    }
                    index += 1
                }
                continue
            case UInt8(ascii: "="):
                expecting = .assignment
            case UInt8(ascii: ","):
                if stack.last == .array { expecting = .element }
            case UInt8(ascii: "]"):
                if stack.last == .array { stack.removeLast() }
            case UInt8(ascii: "}"):
                if stack.last == .table { stack.removeLast() }
            default:
                break
            }
            index += 1
        }
        return nil
    }
}
