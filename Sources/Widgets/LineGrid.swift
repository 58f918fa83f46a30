import TerminalCore

/// Connections drawn cell by cell: each cell collects which sides it joins (up, down, left,
/// right) and becomes the box-drawing character joining exactly those sides, so edges that
/// meet merge into `┬ ┴ ├ ┤ ┼` instead of overwriting each other into garbage.
struct LineGrid {
    struct Sides: OptionSet, Hashable {
        let rawValue: UInt8
        static let up = Sides(rawValue: 1), down = Sides(rawValue: 2), left = Sides(rawValue: 4), right = Sides(rawValue: 8)
    }

    let width: Int
    let height: Int
    private(set) var sides: [Sides]
    private(set) var highlighted: [Bool]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        sides = Array(repeating: [], count: width * height)
        highlighted = Array(repeating: false, count: width * height)
    }

    mutating func add(_ added: Sides, x: Int, y: Int, highlight: Bool) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        sides[y * width + x].formUnion(added)
        if highlight { highlighted[y * width + x] = true }
    }

    /// A vertical run from y0 to y1 inclusive (y0 <= y1), joined to its neighbours.
    mutating func vertical(x: Int, from y0: Int, to y1: Int, highlight: Bool) {
        guard y0 < y1 else { return }
        for y in y0...y1 {
            var s: Sides = []
            if y > y0 { s.insert(.up) }
            if y < y1 { s.insert(.down) }
            add(s, x: x, y: y, highlight: highlight)
        }
    }

    /// A horizontal run between two columns (either order) on row y.
    mutating func horizontal(y: Int, from a: Int, to b: Int, highlight: Bool) {
        let x0 = min(a, b), x1 = max(a, b)
        guard x0 < x1 else { return }
        for x in x0...x1 {
            var s: Sides = []
            if x > x0 { s.insert(.left) }
            if x < x1 { s.insert(.right) }
            add(s, x: x, y: y, highlight: highlight)
        }
    }

    func character(x: Int, y: Int, glyphs: Glyphs) -> Character? {
        let s = sides[y * width + x]
        switch s {
        case []: return nil
        case [.up, .down], [.up], [.down]: return glyphs.vertical
        case [.left, .right], [.left], [.right]: return glyphs.horizontal
        case [.down, .right]: return glyphs.topLeft
        case [.down, .left]: return glyphs.topRight
        case [.up, .right]: return glyphs.bottomLeft
        case [.up, .left]: return glyphs.bottomRight
        case [.up, .down, .right]: return glyphs.teeRight
        case [.up, .down, .left]: return glyphs.teeLeft
        case [.down, .left, .right]: return glyphs.teeDown
        case [.up, .left, .right]: return glyphs.teeUp
        default: return glyphs.cross
        }
    }

    func isHighlighted(x: Int, y: Int) -> Bool { highlighted[y * width + x] }
}
