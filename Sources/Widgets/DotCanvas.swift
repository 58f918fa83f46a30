/// A grid of dots over a grid of cells: braille gives 2x4 dots per cell (U+2800 block),
/// ASCII one dot per cell. Each cell remembers which layer drew into it last, so the line
/// drawn last (validation over training, smoothed over raw) owns the cell's style.
struct DotCanvas {
    let columns: Int
    let rows: Int
    let dotsPerColumn: Int
    let dotsPerRow: Int
    private(set) var bits: [UInt8]
    private(set) var layers: [Int]

    /// log2 of the dots per cell across and down: a dot's cell is a shift away, not a division.
    private let columnShift: Int
    private let rowShift: Int

    init(columns: Int, rows: Int, braille: Bool) {
        self.columns = columns
        self.rows = rows
        dotsPerColumn = braille ? 2 : 1
        dotsPerRow = braille ? 4 : 1
        columnShift = braille ? 1 : 0
        rowShift = braille ? 2 : 0
        bits = Array(repeating: 0, count: columns * rows)
        layers = Array(repeating: -1, count: columns * rows)
    }

    var width: Int { columns * dotsPerColumn }
    var height: Int { rows * dotsPerRow }

    /// Braille dot bits, one byte per (column within cell) * 4 + (row within cell): dots 1-3
    /// and 7 on the left (0x01 0x02 0x04 0x40), 4-6 and 8 on the right (0x08 0x10 0x20 0x80),
    /// the Unicode braille numbering, packed in one word so a dot costs a shift, not a lookup.
    private static let brailleBits: UInt64 = 0x8020_1008_4004_0201

    /// Set the dot at (x, y), y growing downwards; dots outside are ignored.
    mutating func set(x: Int, y: Int, layer index: Int) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let cell = (y >> rowShift) * columns + (x >> columnShift)
        bits[cell] |= columnShift == 1 ? UInt8(truncatingIfNeeded: DotCanvas.brailleBits >> (((x & 1) * 4 + (y & 3)) * 8)) : 1
        layers[cell] = index
    }

    /// A vertical run of dots, set a cell at a time: dense series draw mostly these (each
    /// column's span from its lowest to its highest value).
    mutating func vertical(x: Int, from y0: Int, to y1: Int, layer index: Int) {
        guard x >= 0, x < width else { return }
        var y = max(0, min(y0, y1))
        let bottom = min(height - 1, max(y0, y1))
        let rowMask = dotsPerRow - 1
        while y <= bottom {
            let row = y >> rowShift
            let last = min(bottom, (row << rowShift) + rowMask)
            var mask: UInt8 = 0
            for dot in (y & rowMask)...(last & rowMask) {
                mask |= columnShift == 1 ? UInt8(truncatingIfNeeded: DotCanvas.brailleBits >> (((x & 1) * 4 + dot) * 8)) : 1
            }
            let cell = row * columns + (x >> columnShift)
            bits[cell] |= mask
            layers[cell] = index
            y = last + 1
        }
    }

    /// A straight line of dots from one point to another (Bresenham).
    mutating func line(from start: (x: Int, y: Int), to end: (x: Int, y: Int), layer index: Int) {
        if start.x == end.x {
            vertical(x: start.x, from: start.y, to: end.y, layer: index)
            return
        }
        var x = start.x, y = start.y
        let dx = abs(end.x - x), dy = -abs(end.y - y)
        let sx = x < end.x ? 1 : -1, sy = y < end.y ? 1 : -1
        var error = dx + dy
        if -dy > dx {
            // Steep: the same dots, each dot column's run set at once (a cell at a time).
            var runStart = y
            while true {
                if x == end.x && y == end.y { break }
                let doubled = 2 * error
                var (nextX, nextY) = (x, y)
                if doubled >= dy { error += dy; nextX += sx }
                if doubled <= dx { error += dx; nextY += sy }
                if nextX != x {
                    vertical(x: x, from: runStart, to: y, layer: index)
                    runStart = nextY
                }
                (x, y) = (nextX, nextY)
            }
            vertical(x: x, from: runStart, to: y, layer: index)
            return
        }
        while true {
            set(x: x, y: y, layer: index)
            if x == end.x && y == end.y { break }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += sx }
            if doubled <= dx { error += dx; y += sy }
        }
    }

    /// The character of cell (column, row), nil when no dot is set.
    func character(column: Int, row: Int, point: Character) -> Character? {
        let value = bits[row * columns + column]
        guard value != 0 else { return nil }
        guard dotsPerColumn == 2 else { return point }
        return Character(Unicode.Scalar(0x2800 + UInt32(value))!)
    }

    /// The layer that last drew into cell (column, row), -1 for none.
    func layer(column: Int, row: Int) -> Int { layers[row * columns + column] }
}
