import TerminalCore

/// Where the grid view's small charts go: columns and rows of cells inside an area, as large
/// as the count allows but never under `minimumCell`; a count that does not fit is shown a
/// page at a time, the page holding the selected cell. Pure geometry.
public struct ChartGrid: Sendable, Equatable {
    /// The smallest cell: a border, a 3-row plot with its x axis and labels (7 rows), and a
    /// 7-column y label, the axis and 16 columns of plot (26 columns).
    public static let minimumCell = Size(width: 26, height: 7)

    /// Cells across and down on a page.
    public var columns: Int
    public var rows: Int
    /// The page shown (0-based) and how many there are.
    public var page: Int
    public var pageCount: Int
    /// How many cells there are in all.
    public var count: Int
    /// The area the cells share.
    public var area: Rect

    /// Cells on one page.
    public var perPage: Int { columns * rows }
    /// The indices on the page shown.
    public var visible: Range<Int> { min(count, page * perPage)..<min(count, (page + 1) * perPage) }

    /// The grid of `count` cells in `area`, on the page that holds `selected`.
    public init(count: Int, area: Rect, selected: Int) {
        self.count = count
        self.area = area
        let minimum = Self.minimumCell
        let maxColumns = max(1, area.width / minimum.width)
        let maxRows = max(1, area.height / minimum.height)
        var best: (columns: Int, rows: Int, score: Double)?
        if count > 0 {
            // Every shape that shows all cells at once: keep the one whose cells read best. A
            // terminal cell is about twice as tall as wide and a chart reads best about three
            // times as wide as tall, so a cell scores by min(width / 3, height) in cells, and
            // fewer empty cells break a tie.
            for columns in 1...min(maxColumns, count) {
                let rows = (count + columns - 1) / columns
                guard rows <= maxRows else { continue }
                let width = Double(area.width / columns), height = Double(area.height / rows)
                let score = min(width / 3, height) - Double(columns * rows - count) * 0.01
                if best.map({ score > $0.score }) ?? true { best = (columns, rows, score) }
            }
        }
        if let best {
            columns = best.columns
            rows = best.rows
        } else {
            // More cells than fit: pages of as many minimum-size cells as the area holds.
            columns = maxColumns
            rows = maxRows
        }
        let perPage = max(1, columns * rows)
        pageCount = max(1, (count + perPage - 1) / perPage)
        page = min(max(0, selected) / perPage, pageCount - 1)
    }

    /// The rectangle of cell `index` (on the page shown); nil when it is on another page.
    public func rect(of index: Int) -> Rect? {
        guard visible.contains(index) else { return nil }
        let slot = index - page * perPage
        let (row, column) = (slot / columns, slot % columns)
        // Spread the leftover columns and rows over the first cells, one each.
        let (width, extraX) = (area.width / columns, area.width % columns)
        let (height, extraY) = (area.height / rows, area.height % rows)
        let x = area.x + column * width + min(column, extraX)
        let y = area.y + row * height + min(row, extraY)
        return Rect(x: x, y: y, width: width + (column < extraX ? 1 : 0), height: height + (row < extraY ? 1 : 0))
    }

    /// The cell under screen point (x, y), if any.
    public func index(atX x: Int, y: Int) -> Int? {
        visible.first { rect(of: $0)?.contains(x: x, y: y) == true }
    }

    /// Whether the area is too small for even one cell of the minimum size.
    public var tooSmall: Bool { area.width < Self.minimumCell.width || area.height < Self.minimumCell.height }
}
