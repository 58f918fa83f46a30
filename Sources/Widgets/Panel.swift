import TerminalCore

/// A bordered box with a title; the focused panel's border uses `border_focused`.
/// Draw the panel, then draw its content into `inner(of:)`.
public struct Panel: Widget, Sendable {
    /// The title drawn into the top border (` Metrics `), cut to fit.
    public var title: String
    /// Text drawn at the right of the top border (a count, a mode such as `log`).
    public var trailingTitle: String
    /// Whether this panel has the keyboard focus.
    public var focused: Bool
    /// Styles: `border`, `border_focused`, `title`.
    public var theme: Theme
    /// Box-drawing glyphs.
    public var glyphs: Glyphs

    /// A panel titled `title`.
    public init(title: String, trailingTitle: String = "", focused: Bool = false, theme: Theme, glyphs: Glyphs) {
        self.title = title
        self.trailingTitle = trailingTitle
        self.focused = focused
        self.theme = theme
        self.glyphs = glyphs
    }

    /// The area inside the border.
    public func inner(of area: Rect) -> Rect { area.inset(by: 1) }

    /// Draw the border and titles (the inside is left as it is).
    public func render(into buffer: inout Buffer, area: Rect) {
        guard area.width >= 2, area.height >= 2 else { return }
        let border = theme[focused ? .borderFocused : .border]
        let right = area.maxX - 1, bottom = area.maxY - 1
        for x in area.x + 1..<right {
            buffer[x, area.y] = Cell(glyphs.horizontal, style: border)
            buffer[x, bottom] = Cell(glyphs.horizontal, style: border)
        }
        for y in area.y + 1..<bottom {
            buffer[area.x, y] = Cell(glyphs.vertical, style: border)
            buffer[right, y] = Cell(glyphs.vertical, style: border)
        }
        buffer[area.x, area.y] = Cell(glyphs.topLeft, style: border)
        buffer[right, area.y] = Cell(glyphs.topRight, style: border)
        buffer[area.x, bottom] = Cell(glyphs.bottomLeft, style: border)
        buffer[right, bottom] = Cell(glyphs.bottomRight, style: border)

        // Titles sit one cell in from each corner with a space either side: "┌ Metrics ─┐".
        let room = area.width - 4
        guard room > 0 else { return }
        var trailing = trailingTitle.isEmpty ? "" : " \(trailingTitle) "
        var leading = title.isEmpty ? "" : " \(title) "
        if leading.count + trailing.count > room { trailing = "" }
        if leading.count > room { leading = " " + Span.fit(title, width: room - 2, ellipsis: glyphs.ellipsis) + " " }
        let titleStyle = focused ? mergeAttributes(theme[.title], theme[.borderFocused]) : theme[.title]
        buffer.write(leading, x: area.x + 2, y: area.y, style: titleStyle, clip: area)
        if !trailing.isEmpty {
            buffer.write(trailing, x: right - 1 - trailing.count, y: area.y, style: theme[.dimText], clip: area)
        }
    }

    private func mergeAttributes(_ base: Style, _ extra: Style) -> Style {
        var style = base
        style.attributes.formUnion(extra.attributes)
        return style
    }
}
