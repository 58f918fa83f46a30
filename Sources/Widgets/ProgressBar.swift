import TerminalCore

/// A one-row bar filled to `fraction` (0...1), with eighth-cell resolution on Unicode.
public struct ProgressBar: Widget, Sendable {
    /// How much is done, 0...1; NaN and values outside are clamped (NaN as 0).
    public var fraction: Double
    /// Glyphs: `progressFull`, `progressPartial`, `progressEmpty`.
    public var glyphs: Glyphs
    /// The filled part's style (the theme's `progress`).
    public var style: Style
    /// The unfilled part's style (the theme's `dim_text`).
    public var emptyStyle: Style

    /// A bar at `fraction`.
    public init(fraction: Double, glyphs: Glyphs, style: Style, emptyStyle: Style) {
        self.fraction = fraction
        self.glyphs = glyphs
        self.style = style
        self.emptyStyle = emptyStyle
    }

    /// Draw into the first row of `area`.
    public func render(into buffer: inout Buffer, area: Rect) {
        guard !area.isEmpty else { return }
        let clamped = fraction.isNaN ? 0 : min(1, max(0, fraction))
        let partials = glyphs.progressPartial.count + 1
        let units = Int((clamped * Double(area.width * partials)).rounded(.down))
        let full = units / partials, remainder = units % partials
        for column in 0..<area.width {
            let cell: Cell
            if column < full {
                cell = Cell(glyphs.progressFull, style: style)
            } else if column == full, remainder > 0 {
                cell = Cell(glyphs.progressPartial[remainder - 1], style: style)
            } else {
                cell = Cell(glyphs.progressEmpty, style: emptyStyle)
            }
            buffer[area.x + column, area.y] = cell
        }
    }
}
