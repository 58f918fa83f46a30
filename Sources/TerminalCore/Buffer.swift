/// One terminal cell: a grapheme (one column wide; fitwatch draws no double-width text)
/// and its style.
public struct Cell: Sendable, Equatable, Hashable {
    public var character: Character
    public var style: Style
    public init(_ character: Character = " ", style: Style = .plain) {
        self.character = character
        self.style = style
    }
    public static let blank = Cell()
}

/// An in-memory grid of cells. Rendering draws a whole frame into a fresh buffer; the
/// terminal layer diffs it against the previous one and draws only what changed.
public struct Buffer: Sendable, Equatable {
    public let size: Size
    public private(set) var cells: [Cell]

    public init(size: Size, filling cell: Cell = .blank) {
        self.size = size
        self.cells = Array(repeating: cell, count: max(0, size.width) * max(0, size.height))
    }

    public var area: Rect { Rect(size: size) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.width + x] }
        set {
            guard x >= 0, y >= 0, x < size.width, y < size.height else { return }
            cells[y * size.width + x] = newValue
        }
    }

    /// Write `text` from (x, y), clipped to `clip` (default: the whole buffer). Returns the
    /// column after the last written character.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil) -> Int {
        let bounds = clip.map { $0.intersection(area) } ?? area
        guard y >= bounds.y, y < bounds.maxY else { return x + text.count }
        var column = x
        for character in text {
            if column >= bounds.maxX { break }
            if column >= bounds.x { self[column, y] = Cell(character, style: style) }
            column += 1
        }
        return column
    }

    /// Set the style of every cell in `rect`, keeping characters.
    public mutating func setStyle(_ style: Style, in rect: Rect) {
        let r = rect.intersection(area)
        for y in r.y..<r.maxY { for x in r.x..<r.maxX { self[x, y].style = style } }
    }

    /// Fill `rect` with `cell`.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        let r = rect.intersection(area)
        for y in r.y..<r.maxY { for x in r.x..<r.maxX { self[x, y] = cell } }
    }

    /// The text of each row, styles dropped: what snapshot tests compare.
    public var lines: [String] {
        (0..<size.height).map { y in
            String((0..<size.width).map { self[$0, y].character })
        }
    }

    /// The cells that differ from `previous` (all of them when the sizes differ).
    public func changes(since previous: Buffer?) -> [(x: Int, y: Int, cell: Cell)] {
        var result: [(x: Int, y: Int, cell: Cell)] = []
        let full = previous?.size != size
        for y in 0..<size.height {
            for x in 0..<size.width {
                let cell = self[x, y]
                if full || previous![x, y] != cell { result.append((x, y, cell)) }
            }
        }
        return result
    }
}
