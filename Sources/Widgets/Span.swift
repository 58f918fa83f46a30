import TerminalCore

/// A run of text in one style: the unit list rows and paragraphs are made of.
public struct Span: Sendable, Equatable {
    /// The text; one column per character (fitwatch draws no double-width text).
    public var text: String
    /// Its style.
    public var style: Style

    /// A span of `text` in `style`.
    public init(_ text: String, style: Style = .plain) {
        self.text = text
        self.style = style
    }

    /// How text is placed in a fixed-width column.
    public enum Alignment: Sendable { case left, right, center }

    /// `text` cut or padded to exactly `width` columns; cut text ends in `ellipsis` so a
    /// truncated name never passes for a whole one.
    public static func fit(_ text: String, width: Int, alignment: Alignment = .left, ellipsis: Character = "…") -> String {
        guard width > 0 else { return "" }
        if text.count > width {
            return width == 1 ? String(ellipsis) : String(text.prefix(width - 1)) + String(ellipsis)
        }
        let padding = width - text.count
        switch alignment {
        case .left: return text + String(repeating: " ", count: padding)
        case .right: return String(repeating: " ", count: padding) + text
        case .center:
            let left = padding / 2
            return String(repeating: " ", count: left) + text + String(repeating: " ", count: padding - left)
        }
    }
}

extension Buffer {
    /// Write spans one after another from (x, y), clipped to `clip`; returns the next column.
    @discardableResult
    public mutating func write(_ spans: [Span], x: Int, y: Int, clip: Rect, ellipsis: Character? = nil) -> Int {
        var column = x
        for span in spans { column = write(span.text, x: column, y: y, style: span.style, clip: clip) }
        // Cut at the clip's edge: the last column says so, so a cut line never passes for a
        // whole one (`… out2_accuracy 0.8400` hid `out2_loss` without a sign).
        let edge = clip.intersection(area).maxX
        if let ellipsis, x + spans.reduce(0, { $0 + $1.text.count }) > edge, edge > x, y >= clip.y, y < clip.maxY, area.contains(x: edge - 1, y: y) {
            self[edge - 1, y] = Cell(ellipsis, style: self[edge - 1, y].style)
        }
        return column
    }
}

/// `style`'s foreground and attributes on `base`'s background: text inside a bar or a selected
/// row keeps the bar's colour.
public func over(_ style: Style, _ base: Style) -> Style {
    // Text in its background's colour would vanish (the warning count, yellow, on the header
    // while it flashes yellow): it takes the base's text colour instead.
    let foreground = style.foreground != .default && style.foreground == base.background ? base.foreground : style.foreground
    return Style(foreground: foreground, background: base.background, attributes: style.attributes.union(base.attributes))
}
