import TerminalCore

/// Seven-bit stand-ins for every non-ASCII character the monitor draws, applied to the whole
/// frame when the locale is not UTF-8 (where wide glyphs print blank). The widgets already
/// draw with ASCII glyphs then; this catches the monitor's own text (separators, arrows,
/// formulas such as `(ŷ>0.5)==y`) and any text from a log.
public enum AsciiFallback {
    /// The ASCII character drawn for `character`.
    public static func character(for character: Character) -> Character {
        if character.isASCII { return character }
        switch character {
        case "─", "━", "═", "╌": return "-"
        case "│", "┃", "║", "╎": return "|"
        case "┌", "┐", "└", "┘", "├", "┤", "┬", "┴", "┼", "╭", "╮", "╯", "╰": return "+"
        case "▁", "▂", "▃": return "_"
        case "▄", "▅", "▆", "▇", "█", "▉", "▊", "▋", "▌", "▍", "▎", "▏": return "#"
        case "░": return "-"
        case "▼", "↓", "↘": return "v"
        case "▲", "↑", "↗": return "^"
        case "▶", "→": return ">"
        case "◀", "←": return "<"
        case "×": return "x"
        case "·": return "-"
        case "•": return "*"
        case "…": return "~"
        case "ŷ": return "p"
        case "²": return "2"
        case "Σ": return "S"
        default:
            if let scalar = character.unicodeScalars.first, (0x2800...0x28FF).contains(scalar.value) { return "." }
            return "?"
        }
    }

    /// `buffer` with every character replaced by its ASCII stand-in.
    public static func apply(to buffer: Buffer) -> Buffer {
        var result = buffer
        for y in 0..<buffer.size.height {
            for x in 0..<buffer.size.width where !buffer[x, y].character.isASCII {
                result[x, y].character = character(for: buffer[x, y].character)
            }
        }
        return result
    }
}
