import TerminalCore

/// A centred box listing key bindings (`q  quit`), drawn over whatever is beneath.
public struct HelpOverlay: Widget, Sendable {
    /// The box title.
    public var title: String
    /// (keys, what they do), in display order; an empty key makes a section heading.
    public var bindings: [(key: String, action: String)]
    /// A line under the bindings (the theme name, how to close the box).
    public var footer: String
    /// Styles: `overlay`, `border_focused`, `title`, `key`.
    public var theme: Theme
    /// Box-drawing glyphs.
    public var glyphs: Glyphs

    /// A help box titled `title`.
    public init(title: String = "Keys", bindings: [(key: String, action: String)], footer: String = "", theme: Theme, glyphs: Glyphs) {
        self.title = title
        self.bindings = bindings
        self.footer = footer
        self.theme = theme
        self.glyphs = glyphs
    }

    /// The rectangle the box takes in `area`: content-sized, centred, clipped to `area`.
    public func box(in area: Rect) -> Rect {
        let keyWidth = bindings.map(\.key.count).max() ?? 0
        let rowWidth = bindings.map { $0.key.isEmpty ? $0.action.count : keyWidth + 2 + $0.action.count }.max() ?? 0
        let contentWidth = max(rowWidth, footer.count, title.count + 2)
        let contentHeight = bindings.count + (footer.isEmpty ? 0 : 2)
        // Border plus one column of padding either side.
        let width = min(area.width, contentWidth + 4)
        let height = min(area.height, contentHeight + 2)
        return Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
    }

    /// Clear the box, draw its border and the bindings.
    public func render(into buffer: inout Buffer, area: Rect) {
        let box = box(in: area)
        guard box.width >= 3, box.height >= 3 else { return }
        let background = theme[.overlay]
        buffer.fill(box, with: Cell(" ", style: background))
        var panelTheme = theme
        panelTheme[.borderFocused] = blend(theme[.borderFocused], on: background)
        panelTheme[.title] = blend(theme[.title], on: background)
        Panel(title: title, focused: true, theme: panelTheme, glyphs: glyphs).render(into: &buffer, area: box)
        let inner = Rect(x: box.x + 2, y: box.y + 1, width: box.width - 4, height: box.height - 2)
        let keyWidth = bindings.map(\.key.count).max() ?? 0
        let keyStyle = blend(theme[.key], on: background)
        var y = inner.y
        for binding in bindings where y < inner.maxY {
            if binding.key.isEmpty {
                buffer.write(binding.action, x: inner.x, y: y, style: keyStyle, clip: inner)
            } else {
                buffer.write(Span.fit(binding.key, width: keyWidth), x: inner.x, y: y, style: keyStyle, clip: inner)
                buffer.write(binding.action, x: inner.x + keyWidth + 2, y: y, style: background, clip: inner)
            }
            y += 1
        }
        if !footer.isEmpty, y + 1 < inner.maxY {
            buffer.write(footer, x: inner.x, y: y + 1, style: blend(theme[.dimText], on: background), clip: inner)
        }
    }

    /// `style`'s foreground and attributes on the overlay's background, so the box reads as
    /// one surface.
    private func blend(_ style: Style, on background: Style) -> Style {
        Style(foreground: style.foreground, background: background.background, attributes: style.attributes)
    }
}
