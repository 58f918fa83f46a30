import TerminalCore

/// Paragraphs of text word-wrapped to the area's width, scrolled by `scroll` lines: finding
/// explanations and fixes. Words longer than a line are split rather than cut off.
public struct TextView: Widget, Sendable {
    /// Paragraphs, each in its own style; a blank line separates none (add `Span("")`).
    public var paragraphs: [Span]
    /// Wrapped lines skipped at the top.
    public var scroll: Int

    /// A view of `paragraphs`.
    public init(paragraphs: [Span], scroll: Int = 0) {
        self.paragraphs = paragraphs
        self.scroll = scroll
    }

    /// A view of one text whose `\n` separate paragraphs, all in `style`.
    public init(text: String, style: Style, scroll: Int = 0) {
        self.init(paragraphs: text.split(separator: "\n", omittingEmptySubsequences: false).map { Span(String($0), style: style) },
                  scroll: scroll)
    }

    /// The wrapped lines at `width` columns, each with its paragraph's style.
    public func lines(width: Int) -> [Span] {
        paragraphs.flatMap { paragraph in
            TextView.wrap(paragraph.text, width: width).map { Span($0, style: paragraph.style) }
        }
    }

    /// `text` broken into lines of at most `width` columns at spaces; an empty text is one
    /// empty line (a paragraph break stays visible).
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = Substring(word)
            if !current.isEmpty, current.count + 1 + word.count <= width {
                current += " " + word
                continue
            }
            if !current.isEmpty { lines.append(current); current = "" }
            while word.count > width {
                lines.append(String(word.prefix(width)))
                word = word.dropFirst(width)
            }
            current = String(word)
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// Draw the visible wrapped lines.
    public func render(into buffer: inout Buffer, area: Rect) {
        guard !area.isEmpty else { return }
        let wrapped = lines(width: area.width)
        let first = min(max(0, scroll), max(0, wrapped.count - 1))
        for (row, line) in wrapped.dropFirst(first).prefix(area.height).enumerated() {
            buffer.write(line.text, x: area.x, y: area.y + row, style: line.style, clip: area)
        }
    }
}
