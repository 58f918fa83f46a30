import TerminalCore

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
        case (_, .truecolor), (.ansi, _):
            return color
        case (.indexed, .palette256):
            return color
        case (.indexed(let index), _):
            if index < 16 { return .ansi(index) }
            let (r, g, b) = rgb(ofIndex: index)
            return .ansi(nearestANSI(r, g, b))
        case (.rgb(let r, let g, let b), .palette256):
            return .indexed(nearestIndex(r, g, b))
        case (.rgb(let r, let g, let b), _):
            return .ansi(nearestANSI(r, g, b))
        }
    }
}
