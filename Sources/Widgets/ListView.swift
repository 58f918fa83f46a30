import TerminalCore

/// Rows of spans with an optional selected row, scrolled so the selection stays visible.
/// The selected row is filled with the theme's `selection` background and attributes over
/// each span's own foreground, so coloured values stay readable when selected.
public struct ListView: Widget, Sendable {
    /// The rows, top first.
    public var rows: [[Span]]
    /// The selected row index, if any.
    public var selected: Int?
    /// The first row shown; nil scrolls just enough to show `selected`.
    public var offset: Int?
    /// Styles: `selection`.
    public var theme: Theme
    /// Glyphs: `arrowRight` marks the selected row when `showsMarker`.
    public var glyphs: Glyphs
    /// Whether each row starts with a two-column marker gutter (`▶ ` on the selected row).
    public var showsMarker: Bool

    /// A list of `rows`.
    public init(rows: [[Span]], selected: Int? = nil, offset: Int? = nil, theme: Theme, glyphs: Glyphs, showsMarker: Bool = true) {
        self.rows = rows
        self.selected = selected
        self.offset = offset
        self.theme = theme
        self.glyphs = glyphs
        self.showsMarker = showsMarker
    }

    /// The first row shown in `height` rows.
    public func firstVisibleRow(height: Int) -> Int {
        let maxOffset = max(0, rows.count - height)
        if let offset { return min(max(0, offset), maxOffset) }
        guard let selected, height > 0 else { return 0 }
        return min(max(0, selected - height + 1), maxOffset)
    }

    /// Draw the visible rows.
    public func render(into buffer: inout Buffer, area: Rect) {
        guard !area.isEmpty else { return }
        let first = firstVisibleRow(height: area.height)
        let selection = theme[.selection]
        for line in 0..<area.height {
            let index = first + line
            guard index < rows.count else { break }
            let y = area.y + line
            let isSelected = index == selected
            var spans = rows[index]
            if showsMarker {
                spans.insert(Span(isSelected ? "\(glyphs.arrowRight) " : "  ", style: isSelected ? selection : theme[.text]), at: 0)
            }
            if isSelected {
                buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), with: Cell(" ", style: selection))
                spans = spans.map { Span($0.text, style: over($0.style, selection)) }
            }
            buffer.write(spans, x: area.x, y: y, clip: area)
        }
    }
}
