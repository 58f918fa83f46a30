/// The characters widgets draw with: Unicode when the locale is UTF-8, ASCII otherwise.
public struct Glyphs: Sendable, Equatable {
    /// Sparkline levels from lowest to highest.
    public var sparkLevels: [Character]
    /// A horizontal line (borders, axes, edges).
    public var horizontal: Character
    /// A vertical line (borders, axes, edges).
    public var vertical: Character
    /// Box corner, top left.
    public var topLeft: Character
    /// Box corner, top right.
    public var topRight: Character
    /// Box corner, bottom left (also the chart's axis origin).
    public var bottomLeft: Character
    /// Box corner, bottom right.
    public var bottomRight: Character
    /// A tee opening left: the y-axis tick `┤`.
    public var teeLeft: Character
    /// A tee opening right `├`.
    public var teeRight: Character
    /// A tee opening down: the x-axis tick `┬`.
    public var teeDown: Character
    /// A tee opening up `┴`.
    public var teeUp: Character
    /// Two lines crossing `┼`.
    public var cross: Character
    /// The head of an edge arriving from above; also a chart's "values below the axis" mark.
    public var arrowDown: Character
    /// A chart's "values above the axis" mark, on its top edge.
    public var arrowUp: Character
    /// Points right: the selected row's marker, "more to the right".
    public var arrowRight: Character
    /// Trend mark: rising.
    public var trendUp: Character
    /// Trend mark: falling.
    public var trendDown: Character
    /// Trend mark: flat.
    public var trendFlat: Character
    /// Drawn where a value is NaN or infinite.
    public var nanMarker: Character
    /// Marks text cut short to fit.
    public var ellipsis: Character
    /// Filled part of a progress bar.
    public var progressFull: Character
    /// Partial last cell of a progress bar, from 1/8 to 7/8 (empty for ASCII).
    public var progressPartial: [Character]
    /// Unfilled part of a progress bar.
    public var progressEmpty: Character
    /// True when charts may use braille dots (U+2800, 2x4 dots per cell); false draws `plotPoint`.
    public var braille: Bool
    /// One point of an ASCII chart.
    public var plotPoint: Character

    /// Every glyph, for terminals with a UTF-8 locale.
    public static let unicode = Glyphs(
        sparkLevels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        teeLeft: "┤", teeRight: "├", teeDown: "┬", teeUp: "┴", cross: "┼",
        arrowDown: "▼", arrowUp: "▲", arrowRight: "▶", trendUp: "↑", trendDown: "↓", trendFlat: "→",
        nanMarker: "×", ellipsis: "…",
        progressFull: "█", progressPartial: ["▏", "▎", "▍", "▌", "▋", "▊", "▉"], progressEmpty: "░",
        braille: true, plotPoint: "•")

    /// Seven-bit glyphs, for terminals without a UTF-8 locale (where wide glyphs print blank).
    public static let ascii = Glyphs(
        sparkLevels: ["_", ".", "-", "~", "=", "+", "*", "#"],
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        teeLeft: "+", teeRight: "+", teeDown: "+", teeUp: "+", cross: "+",
        arrowDown: "v", arrowUp: "^", arrowRight: ">", trendUp: "^", trendDown: "v", trendFlat: "=",
        nanMarker: "x", ellipsis: "~",
        progressFull: "#", progressPartial: [], progressEmpty: "-",
        braille: false, plotPoint: "*")

    /// The glyphs for an environment: Unicode when `LC_ALL`, else `LC_CTYPE`, else `LANG`
    /// names a UTF-8 codeset (the first one set wins, as in POSIX locale lookup), ASCII otherwise.
    public static func forEnvironment(_ environment: [String: String]) -> Glyphs {
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            guard let value = environment[name], !value.isEmpty else { continue }
            let lowered = value.lowercased()
            return lowered.contains("utf-8") || lowered.contains("utf8") ? .unicode : .ascii
        }
        return .ascii
    }
}
