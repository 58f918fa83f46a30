/// The xterm palette and nearest-colour search used to degrade theme colours to what a
/// terminal can show (truecolor -> 256 -> 16 -> none). Under tmux `can_change_color()` is
/// false, so the palette cannot be redefined: fitwatch picks the nearest existing entry.
public enum ColorPalette {
    /// xterm's default RGB values of the 16 ANSI colours (0-7 normal, 8-15 bright).
    static let ansi16: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// The six levels of each axis of the 6x6x6 colour cube (indices 16-231).
    static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    /// The RGB value of an xterm-256 palette index.
    public static func rgb(ofIndex index: UInt8) -> (UInt8, UInt8, UInt8) {
        switch index {
        case 0..<16:
            return ansi16[Int(index)]
        case 16..<232:
            let n = Int(index) - 16
            return (cubeLevels[n / 36], cubeLevels[(n / 6) % 6], cubeLevels[n % 6])
        default:
            let level = UInt8(8 + 10 * (Int(index) - 232))
            return (level, level, level)
        }
    }

    /// The nearest xterm-256 index to an RGB colour, searching only 16-255: entries 0-15 are
    /// often redefined by the user's terminal scheme, so their real colour is unknown.
    public static func nearestIndex(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        nearest(r, g, b, in: 16...255)
    }

    /// The nearest of the 16 ANSI colours to an RGB colour.
    public static func nearestANSI(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        nearest(r, g, b, in: 0...15)
    }

    private static func nearest(_ r: UInt8, _ g: UInt8, _ b: UInt8, in range: ClosedRange<UInt8>) -> UInt8 {
        var best = range.lowerBound
        var bestDistance = Int.max
        for index in range {
            let (pr, pg, pb) = rgb(ofIndex: index)
            let dr = Int(r) - Int(pr), dg = Int(g) - Int(pg), db = Int(b) - Int(pb)
            let distance = dr * dr + dg * dg + db * db
            if distance < bestDistance { best = index; bestDistance = distance }
        }
        return best
    }

    /// `color` as the nearest colour a terminal with `capability` can show (`.default`
    /// when it shows none).
    public static func degrade(_ color: Color, to capability: ColorCapability) -> Color {
        switch (color, capability) {
        case (_, .none), (.default, _):
            return capability == .none ? .default : color
        case (_, .truecolor):
            return color
        case (.ansi, _):
            return folded(color, to: capability)
        case (.indexed, .palette256):
            return color
        case (.indexed(let index), _):
            if index < 16 { return folded(.ansi(index), to: capability) }
            let (r, g, b) = rgb(ofIndex: index)
            return folded(.ansi(nearestANSI(r, g, b)), to: capability)
        case (.rgb(let r, let g, let b), .palette256):
            return .indexed(nearestIndex(r, g, b))
        case (.rgb(let r, let g, let b), _):
            return folded(.ansi(nearestANSI(r, g, b)), to: capability)
        }
    }

    /// An ANSI colour as an eight-colour terminal shows it: a bright colour becomes its
    /// normal twin, and bright black (grey) becomes white, never black (on a dark theme's
    /// black background that would be black on black). Other capabilities keep it.
    private static func folded(_ color: Color, to capability: ColorCapability) -> Color {
        guard capability == .ansi8, case .ansi(let index) = color, index >= 8 else { return color }
        return .ansi(index == 8 ? 7 : index - 8)
    }

    /// Whether `color` is grey (bright black, or the nearest ANSI colour of a colour is): on
    /// an eight-colour terminal it is drawn as white with the dim attribute.
    private static func isGrey(_ color: Color) -> Bool {
        switch color {
        case .ansi(let index): return index == 8
        case .indexed(let index):
            if index < 16 { return index == 8 }
            let (r, g, b) = rgb(ofIndex: index)
            return nearestANSI(r, g, b) == 8
        case .rgb(let r, let g, let b): return nearestANSI(r, g, b) == 8
        case .default: return false
        }
    }

    /// `style` as a terminal with `capability` shows it, readable: each colour degraded, grey
    /// text on an eight-colour terminal drawn as dim white, and text whose colour became its
    /// background's (two colours that were different and now fall on the same entry) given
    /// the contrasting one, white on black or black on anything else. Attributes are kept.
    public static func degrade(_ style: Style, to capability: ColorCapability) -> Style {
        var result = Style(foreground: degrade(style.foreground, to: capability),
                           background: degrade(style.background, to: capability),
                           attributes: style.attributes)
        if capability == .ansi8, isGrey(style.foreground) { result.attributes.insert(.dim) }
        if capability != .none, result.foreground != .default, result.foreground == result.background,
           style.foreground != style.background {
            result.foreground = result.background == .ansi(0) ? .ansi(7) : .ansi(0)
        }
        return result
    }
}
