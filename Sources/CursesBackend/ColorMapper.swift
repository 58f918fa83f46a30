import TerminalCore

/// Turns a theme's colours into colour numbers the terminal has: truecolor -> 256 -> 16 ->
/// none. Pure, so the degradation is tested without a terminal.
public struct ColorMapper: Sendable, Equatable {
    /// What the terminal can show.
    public var capability: ColorCapability
    /// Colours the terminal reports (`COLORS`); 8 when it has only the normal ANSI eight.
    public var colors: Int

    /// A mapper for a terminal with `capability` reporting `colors` colours.
    public init(capability: ColorCapability, colors: Int) {
        self.capability = capability
        self.colors = colors
    }

    /// The capability a terminal with `colors` colours has, or `.none` when the user set
    /// NO_COLOR (https://no-color.org: any non-empty value) or the terminal has no colour.
    public static func capability(colors: Int, hasColors: Bool, noColor: Bool) -> ColorCapability {
        if noColor || !hasColors || colors < 8 { return .none }
        if colors >= 16_777_216 { return .truecolor }
        if colors >= 256 { return .palette256 }
        return colors >= 16 ? .ansi16 : .ansi8
    }

    /// The curses colour number for `color`: -1 for the terminal default, nil when the
    /// terminal shows no colour. Colours are first degraded with the terminal core's `ColorPalette`
    /// (the one place that knows the xterm palette), then numbered the way curses wants.
    public func number(for color: Color) -> Int? {
        guard capability != .none else { return nil }
        switch ColorPalette.degrade(color, to: capability) {
        case .default:
            return -1
        case .ansi(let index):
            if capability == .truecolor { return packed(ColorPalette.rgb(ofIndex: index % 16)) }
            return colors >= 16 ? Int(index % 16) : Int(index % 8)
        case .indexed(let index):
            if capability == .truecolor { return packed(ColorPalette.rgb(ofIndex: index)) }
            return Int(index)
        case .rgb(let r, let g, let b):
            return packed((r, g, b))
        }
    }

    /// A direct-colour terminal numbers colours as 0xRRGGBB.
    private func packed(_ rgb: (UInt8, UInt8, UInt8)) -> Int {
        Int(rgb.0) << 16 | Int(rgb.1) << 8 | Int(rgb.2)
    }
}
