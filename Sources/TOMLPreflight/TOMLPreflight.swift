/// Checks TOML text for what the TOML parser under TOMLKit (toml++ 3) does not survive, before
/// it sees the text. Found by fuzzing: a table header whose key starts with a character that is
/// neither a bare-key character nor a quote (`[+a]`, `[[ =x]]`, `[` alone on its line) fails an assertion inside toml++
/// (abort, exit 134) instead of a parse error, in debug and release builds alike. Run specs and
/// theme files both go through here; the message is the parse error toml++ would have given.
/// (A target of its own: themes (Widgets) and run specs (TrainingCore) share no other module.)
public enum TOMLPreflight {
    /// The first problem, with its 1-based line, or nil when the text is safe to parse.
    public static func problem(in text: String) -> (line: Int, message: String)? {
        var inMultiLineBasic = false
        var inMultiLineLiteral = false
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let bytes = Array(line.utf8)
            let wasInString = inMultiLineBasic || inMultiLineLiteral
            // Multi-line strings: a `"""` or `'''` toggles (good enough to skip their lines).
            var position = 0
            while position + 2 < bytes.count {
                if !inMultiLineLiteral, bytes[position] == 34, bytes[position + 1] == 34, bytes[position + 2] == 34 {
                    inMultiLineBasic.toggle()
                    position += 3
                } else if !inMultiLineBasic, bytes[position] == 39, bytes[position + 1] == 39, bytes[position + 2] == 39 {
                    inMultiLineLiteral.toggle()
                    position += 3
                } else {
                    position += 1
                }
            }
            if wasInString { continue }
            var cursor = 0
            while cursor < bytes.count, bytes[cursor] == 32 || bytes[cursor] == 9 { cursor += 1 }
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "[") else { continue }
            cursor += 1
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "[") { cursor += 1 }
            while cursor < bytes.count, bytes[cursor] == 32 || bytes[cursor] == 9 { cursor += 1 }
            guard cursor < bytes.count else {
                // `[` alone on its line (fuzzing again): toml++ asserts on the newline.
                return (index + 1, "Error while parsing table header: expected bare key starting character or string delimiter, saw the end of the line")
            }
            let first = bytes[cursor]
            let bare = (first >= 65 && first <= 90) || (first >= 97 && first <= 122) || (first >= 48 && first <= 57)
                || first == UInt8(ascii: "_") || first == UInt8(ascii: "-")
            let allowed = bare || first == 34 || first == 39 || first == UInt8(ascii: "]")
            if !allowed {
                return (index + 1, "Error while parsing table header: expected bare key starting character or string delimiter, saw '\(Character(Unicode.Scalar(first)))'")
            }
        }
        return nil
    }
}
