import TerminalCore

/// A one-row sparkline (`▁▂▃▄▅▆▇█`), scaled between the finite minimum and maximum.
/// Values are drawn from the left of `area`; a series longer than the width is downsampled
/// keeping spikes, NaNs and the last value. NaN and infinities are drawn as the glyphs'
/// `nanMarker`, a flat series at mid height (a blank row would read as "no data").
public struct Sparkline: Widget, Sendable {
    /// The values, oldest first.
    public var values: [Double]
    /// Glyph set: its `sparkLevels` and `nanMarker`.
    public var glyphs: Glyphs
    /// The style of every level cell.
    public var style: Style
    /// The style of NaN/inf markers (the theme's `nan_marker`); `style` when nil.
    public var markerStyle: Style?

    /// A sparkline of `values`.
    public init(values: [Double], glyphs: Glyphs, style: Style, markerStyle: Style? = nil) {
        self.values = values
        self.glyphs = glyphs
        self.style = style
        self.markerStyle = markerStyle
    }

    /// The level glyph index (0 ... levels-1) of each value, nil for non-finite ones.
    public func levels(width: Int) -> [Int?] {
        let shown = Downsampler.reduce(values, to: width)
        let finite = shown.filter(\.isFinite)
        let top = glyphs.sparkLevels.count - 1
        guard let low = finite.min(), let high = finite.max(), top >= 0 else { return shown.map { _ in nil } }
        return shown.map { value in
            guard value.isFinite else { return nil }
            // A flat series sits mid-height: index 3 of 8 is "▄", half a cell.
            guard high > low else { return (top + 1) / 2 - 1 }
            return Int(((value - low) / (high - low) * Double(top)).rounded())
        }
    }

    /// Draw into the first row of `area`.
    public func render(into buffer: inout Buffer, area: Rect) {
        guard !area.isEmpty else { return }
        for (offset, level) in levels(width: area.width).enumerated() {
            let cell: Cell
            if let level {
                cell = Cell(glyphs.sparkLevels[level], style: style)
            } else {
                cell = Cell(glyphs.nanMarker, style: markerStyle ?? style)
            }
            buffer[area.x + offset, area.y] = cell
        }
    }
}
