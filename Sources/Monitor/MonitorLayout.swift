import TerminalCore

/// Where each part of the screen goes for a given state and size. Pure; the view draws
/// into these rectangles and mouse clicks are mapped back through them.
///
/// ```
/// header        2 rows: run, source, state / epoch, progress, ETA, elapsed
/// run bar       1 row, only with several sources
/// metrics       a bordered table, one row per metric family (up to ~45 % of the body)
/// main          chart, graph or warnings (the rest)
/// log           the source's own output, newest lines (4, or 8 from 40 rows), when it printed any
/// findings      up to 2 rows (3 from 40 rows) naming current findings, outside the warnings view
/// status        1 row: the keys that apply
/// ```
public struct MonitorLayout: Sendable, Equatable {
    /// The two header rows.
    public var header: Rect
    /// The run bar (empty with one source).
    public var runBar: Rect
    /// The metrics table (empty when the graph takes the body).
    public var metrics: Rect
    /// The chart, graph or warnings panel.
    public var main: Rect
    /// The log pane of the selected source's output (empty when hidden or nothing printed).
    public var logPane: Rect
    /// The rows naming current findings.
    public var findingsStrip: Rect
    /// The status line.
    public var status: Rect
    /// The first family drawn in the metrics panel (it scrolls to keep the selection visible).
    public var firstFamily: Int
    /// The selected run's metric rows, computed once per frame (it walks every epoch).
    public var families: [MetricFamily]
    /// Screen lines of each row.
    public var lineCounts: [Int]
    /// What the graph panel draws, in the graph view: built once per frame for both the layout
    /// and the panel (the loss breakdown walks every epoch).
    var graph: GraphPanelView.Content?

    /// The share of the body the metrics table may take: under half, so the chart keeps
    /// at least as many rows as the table at 80x24.
    static let metricsShare = 0.45
    /// The same in the graph view: a third, so the compact list of a small model fits at 80x24.
    static let graphMetricsShare = 0.33

    public init(state: MonitorState) {
        let screen = Rect(size: state.size)
        let (header, afterHeader) = screen.splitTop(2)
        let (runBar, afterBar) = afterHeader.splitTop(state.sourceOrder.count > 1 ? 1 : 0)
        let (bodyAndStrip, status) = afterBar.splitBottom(1)
        let findingCount = state.selectedRunState?.findings.count ?? 0
        let stripRows = state.mode == .warnings ? 0 : min(findingCount, state.size.height >= 40 ? 3 : 2)
        let (bodyAndLog, strip) = bodyAndStrip.splitBottom(stripRows)
        var logRows = 0
        if state.showsLogPane, let run = state.selectedRunState {
            // 4 lines keep the chart readable at 80x24; 8 from 40 rows show a traceback's tail.
            logRows = 2 + min(run.output.count, state.size.height >= 40 ? 8 : 4)
        }
        let (body, logPane) = bodyAndLog.splitBottom(logRows)

        let families = state.families
        var lines: [Int] = []
        if let run = state.selectedRunState {
            lines = families.map { state.lineCount(of: $0, run: run) }
        }
        // Border (2) + column headings (1) + the rows.
        let wanted = 3 + max(lines.reduce(0, +), 1)
        // In the graph view the diagram (or its compact list) needs the room more.
        let share = state.mode == .graph ? Self.graphMetricsShare : Self.metricsShare
        let cap = max(6, Int(Double(body.height) * share))
        // The grid shows every family itself: it takes the whole body.
        var (metrics, main) = body.splitTop(state.mode == .grid ? 0 : min(wanted, cap))
        // The graph takes the whole body when that is what it needs to draw a diagram (full,
        // else with one-line boxes) rather than the compact list; the metrics come back with
        // `c` or `g`.
        var graph: GraphPanelView.Content?
        if state.mode == .graph, let run = state.selectedRunState {
            let content = GraphPanelView.Content(state: state, run: run)
            graph = content
            let (full, oneLine) = content.neededSizes(glyphs: state.glyphs)
            func fits(_ needed: Size, _ area: Rect) -> Bool { needed.width <= area.width && needed.height <= area.height }
            let bestInMain = fits(full, main) || (!fits(full, body) && fits(oneLine, main))
            if !bestInMain, fits(full, body) || fits(oneLine, body) { (metrics, main) = body.splitTop(0) }
        }

        // Scroll so the selected family is fully inside the table.
        let visible = max(metrics.height - 3, 1)
        var first = 0
        let selected = min(state.selectedMetric, max(lines.count - 1, 0))
        func used(_ from: Int, _ through: Int) -> Int { lines.isEmpty ? 0 : lines[from...through].reduce(0, +) }
        while !lines.isEmpty, first < selected, used(first, selected) > visible { first += 1 }

        self.header = header
        self.runBar = runBar
        self.metrics = metrics
        self.main = main
        self.logPane = logPane
        self.findingsStrip = strip
        self.status = status
        self.firstFamily = first
        self.families = families
        self.lineCounts = lines
        self.graph = graph
    }

    /// The family drawn on screen row `y`, if any.
    public func familyIndex(atRow y: Int, state: MonitorState) -> Int? {
        guard state.selectedRunState != nil else { return nil }
        var row = metrics.y + 2
        for index in firstFamily..<families.count {
            let count = lineCounts[index]
            if y >= row && y < row + count { return index }
            row += count
            if row >= metrics.maxY - 1 { break }
        }
        return nil
    }

    /// The finding listed on screen row `y` of the warnings view, if any.
    public func findingIndex(atRow y: Int, state: MonitorState) -> Int? {
        guard state.groupsFindings else {
            let index = y - (main.y + 1)
            let count = state.selectedRunState?.findings.count ?? 0
            return index >= 0 && index < count ? index : nil
        }
        // Grouped: two rows per finding (the finding, its runs), scrolled as the list draws them.
        let count = state.warningsEntries.count
        let height = max(0, main.height - 2)
        let selected = min(state.selectedFinding, max(count - 1, 0)) * 2
        let first = min(max(0, selected - height + 2), max(0, count * 2 - height))
        let row = first + y - (main.y + 1)
        return row >= 0 && row / 2 < count ? row / 2 : nil
    }

    /// The run whose tab covers column `x` of the run bar.
    public func runIndex(atColumn x: Int, state: MonitorState) -> Int? {
        var column = runBar.x
        let tabs = MonitorLayout.runTabs(state: state)
        let window = MonitorLayout.runBarWindow(tabs: tabs, selected: state.selectedRun, width: runBar.width)
        for index in window.shown {
            let width = tabs[index].count + 1
            if x >= column && x < column + width { return index }
            column += width
        }
        return nil
    }

    /// The tabs the run bar shows in `width` columns: a run of consecutive tabs that holds the
    /// selected run, and how many runs are left out (`+N more, t: table` says so on the right).
    public static func runBarWindow(tabs: [String], selected: Int, width: Int) -> (shown: Range<Int>, more: Int) {
        let widths = tabs.map { $0.count + 1 }
        if widths.reduce(0, +) <= width { return (0..<tabs.count, 0) }
        // Room for the note: " +999 more, t: table " at most.
        let room = max(0, width - moreNote(tabs.count).count - 1)
        let target = min(max(selected, 0), max(tabs.count - 1, 0))
        var first = 0, used = 0, end = 0
        while end < tabs.count, used + widths[end] <= room || end == first { used += widths[end]; end += 1 }
        while target >= end, end < tabs.count {
            used += widths[end]
            end += 1
            while used > room, first < end - 1 { used -= widths[first]; first += 1 }
        }
        return (first..<end, tabs.count - (end - first))
    }

    /// The run bar's note when runs are left out.
    public static func moreNote(_ more: Int) -> String { " +\(more) more, t: table " }

    /// The text of each run tab: `1 name status`, the run's status as the header says it (a
    /// finished log the file source still follows is `finished`, not the source's `live`).
    public static func runTabs(state: MonitorState) -> [String] {
        state.sourceOrder.enumerated().map { index, id in
            let word = state.runs[id].flatMap { $0.sourceState == nil ? nil : $0.run.status(now: state.clock).word } ?? "connecting"
            return " \(index + 1) \(id.rawValue) · \(word) "
        }
    }
}
