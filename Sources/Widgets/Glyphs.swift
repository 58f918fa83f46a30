/// The characters widgets draw with: Unicode when the locale is UTF-8, ASCII otherwise.
public struct Glyphs: Sendable, Equatable {
    /// Sparkline levels from lowest to highest.
    public var sparkLevels: [Character]
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    public var arrowDown: Character
    public var arrowRight: Character
    /// Drawn where a value is NaN or infinite.
    public var nanMarker: Character

    public static let unicode = Glyphs(
        sparkLevels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        arrowDown: "▼", arrowRight: "▶", nanMarker: "×")

    public static let ascii = Glyphs(
        sparkLevels: ["_", ".", "-", "~", "=", "+", "*", "#"],
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        arrowDown: "v", arrowRight: ">", nanMarker: "x")
}
