import TerminalCore

/// Turns a theme's colours into colour numbers the terminal has: truecolor -> 256 -> 16 ->
/// none. Pure, so the degradation is tested without a terminal.
public struct ColorMapper: Sendable, Equatable {
    /// What the terminal can show.
    public var capability: ColorCapability
    /// Colours the terminal reports (`COLORS`); 8 when it has only the normal ANSI eight.
    public var colors: Int

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
        return .ansi16
    }

    /// The curses colour number for `color`: -1 for the terminal default, nil when the
    /// terminal shows no colour.
    public func number(for color: Color) -> Int? {
        guard capability != .none else { return nil }
        switch color {
        case .default:
            return -1
        case .ansi(let index):
            return ansi(Int(index) % 16)
        case .indexed(let index):
            if capability >= .palette256 { return Int(index) }
            let (r, g, b) = Self.rgb(ofIndex: Int(index))
            return ansi(Self.nearestANSI(r, g, b))
        case .rgb(let r, let g, let b):
            switch capability {
            case .truecolor: return Int(r) << 16 | Int(g) << 8 | Int(b)
            case .palette256: return Self.nearest256(Int(r), Int(g), Int(b))
            default: return ansi(Self.nearestANSI(Int(r), Int(g), Int(b)))
            }
        }
    }

    /// A direct-colour terminal numbers colours as 0xRRGGBB, so ANSI indices must become RGB there.
    private func ansi(_ index: Int) -> Int {
        if capability == .truecolor {
            let (r, g, b) = Self.ansiRGB[index]
            return r << 16 | g << 8 | b
        }
        return colors >= 16 ? index : index % 8
    }

    /// xterm's default RGB for the 16 ANSI colours.
    static let ansiRGB: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// The six levels of each axis of xterm's 6x6x6 colour cube (indices 16-231).
    static let cubeLevels = [0, 95, 135, 175, 215, 255]

    /// The RGB of an xterm-256 palette entry.
    static func rgb(ofIndex index: Int) -> (Int, Int, Int) {
        if index < 16 { return ansiRGB[index] }
        if index < 232 {
            let cube = index - 16
            return (cubeLevels[cube / 36], cubeLevels[(cube / 6) % 6], cubeLevels[cube % 6])
        }
        let grey = 8 + (index - 232) * 10
        return (grey, grey, grey)
    }

    /// The nearest xterm-256 entry (cube or grey ramp; the 16 ANSI slots are skipped because
    /// terminals redefine them).
    static func nearest256(_ r: Int, _ g: Int, _ b: Int) -> Int {
        func level(_ v: Int) -> Int { cubeLevels.indices.min { abs(cubeLevels[$0] - v) < abs(cubeLevels[$1] - v) }! }
        let cube = 16 + 36 * level(r) + 6 * level(g) + level(b)
        let average = (r + g + b) / 3
        let greyIndex = min(23, max(0, (average - 8 + 5) / 10))
        let grey = 232 + greyIndex
        return distance(rgb(ofIndex: cube), (r, g, b)) <= distance(rgb(ofIndex: grey), (r, g, b)) ? cube : grey
    }

    /// The nearest of the 16 ANSI colours.
    static func nearestANSI(_ r: Int, _ g: Int, _ b: Int) -> Int {
        ansiRGB.indices.min { distance(ansiRGB[$0], (r, g, b)) < distance(ansiRGB[$1], (r, g, b)) }!
    }

    private static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let dr = a.0 - b.0, dg = a.1 - b.1, db = a.2 - b.2
        // Weighted for the eye's sensitivity (green most, blue least), a cheap stand-in for CIELAB.
        return 3 * dr * dr + 4 * dg * dg + 2 * db * db
    }
}
