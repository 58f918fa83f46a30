import Synchronization
import TerminalCore
import Widgets

/// The grid view (`a`): every metric family the filter lets through as a small chart, train
/// and validation in their colours, each on its own y scale and with its own log toggle; the
/// selected cell has the focused border. Pages when more cells exist than fit, and says so.
///
/// ```
/// ┌ Charts · 8 ● train ● validation ──────────────────── per epoch · page 1/2 ┐
/// │┌ loss ────────────────┐┌ accuracy ────────────┐┌ mae ──────────── log ┐│
/// ││ 0.51┤⠈⠢⡀            ││ ...                  ││ ...                  ││
/// │└──────────────────────┘└──────────────────────┘└──────────────────────┘│
/// └──────────────────────────── ▼ 2 more: PgDn ─────────────────────────────┘
/// ```
struct GridPanelView: Widget {
    var state: MonitorState
    var layout: MonitorLayout

    /// The grid of the families in view inside the panel at `area`.
    static func grid(state: MonitorState, families: Int, area: Rect) -> ChartGrid {
        ChartGrid(count: families, area: area.inset(by: 1), selected: state.selectedMetric)
    }

    func render(into buffer: inout Buffer, area: Rect) {
        let theme = state.theme
        let glyphs = state.glyphs
        let families = layout.families
        let grid = Self.grid(state: state, families: families.count, area: area)
        let run = state.selectedRunState
        var title = "Charts · \(families.count)"
        if let filter = state.metricFilter { title = "Charts /\(filter)/ · \(families.count) of \(state.allFamilies.count)" }
        var options = [state.chart.perBatch ? "per batch" : "per epoch"]
        if !state.chart.robust { options.append("full range") }
        if state.chart.includeZero { options.append("incl. 0") }
        if state.chart.smoothing > 0 { options.append("EMA \(formatMetric(state.chart.smoothing))") }
        if let zoom = state.chart.zoom { options.append("last \(zoom)") }
        var axis: ChartXAxis?
        if let run, !state.chart.perBatch { axis = MetricValuesSource(state: state, run: run).xAxis() }
        if let note = ChartPanelView.xAxisNote(state, axis: axis, overlay: false) { options.append(note) }
        if grid.pageCount > 1 { options.append("page \(grid.page + 1)/\(grid.pageCount)") }
        let trailing = options.joined(separator: " · ")
        Panel(title: title, trailingTitle: trailing, focused: state.focus == .main, theme: theme, glyphs: glyphs)
            .render(into: &buffer, area: area)
        let inner = area.inset(by: 1)
        guard !inner.isEmpty else { return }
        guard let run, !families.isEmpty else {
            let text = state.metricFilter.map { "no metric matches /\($0)/ (/ edits the filter, Esc in it clears it)" } ?? "no metrics yet"
            buffer.write(text, x: inner.x + 1, y: inner.y, style: theme[.dimText], clip: inner)
            return
        }
        // The legend after the title, clear of the options.
        let legend = [Span(" \(glyphs.plotPoint) train ", style: theme[.trainLine]),
                      Span(" \(glyphs.plotPoint) validation ", style: theme[.valLine])]
        buffer.write(legend, x: area.x + 2 + title.count + 3, y: area.y,
                     clip: Rect(x: area.x, y: area.y, width: max(0, area.width - trailing.count - 6), height: 1))
        // More cells than this page: say how many and which key shows them, on the bottom border.
        if grid.pageCount > 1 {
            let after = families.count - grid.visible.upperBound
            let before = grid.visible.lowerBound
            var sign: [String] = []
            if before > 0 { sign.append("\(glyphs.arrowUp) \(before) before: PgUp") }
            if after > 0 { sign.append("\(glyphs.arrowDown) \(after) more: PgDn") }
            let text = " " + sign.joined(separator: " · ") + " "
            buffer.write(text, x: area.x + max(1, (area.width - text.count) / 2), y: area.maxY - 1, style: theme[.info],
                         clip: Rect(x: area.x + 1, y: area.maxY - 1, width: area.width - 2, height: 1))
        }
        if grid.tooSmall {
            buffer.write("too small for the grid", x: inner.x + 1, y: inner.y, style: theme[.dimText], clip: inner)
            return
        }
        let source = MetricValuesSource(state: state, run: run)
        let selected = min(state.selectedMetric, families.count - 1)
        // Every key on the page, read in one pass over the epochs.
        let keys = grid.visible.flatMap { [families[$0].train, families[$0].validation].compactMap { $0 } }
        let columns = source.values(of: keys)
        for index in grid.visible {
            guard let cell = grid.rect(of: index) else { continue }
            renderCell(families[index], selected: index == selected, source: source, columns: columns, axis: axis, into: &buffer, area: cell)
        }
    }

    /// One small chart: its border titled with the family's name, log and clipped marks on
    /// the right; train and validation on one y scale.
    private func renderCell(_ family: MetricFamily, selected: Bool, source: MetricValuesSource, columns: [String: [Double]],
                            axis: ChartXAxis?, into buffer: inout Buffer, area: Rect) {
        let theme = state.theme
        var series: [LineChart.Series] = []
        if let key = family.train {
            series.append(LineChart.Series(name: key, values: columns[key] ?? source.values(of: key), style: theme[.trainLine], rawStyle: theme[.trainRaw]))
        }
        if let key = family.validation {
            let values = columns[key] ?? source.values(of: key)
            if !values.isEmpty {
                series.append(LineChart.Series(name: key, values: values, style: theme[.valLine], rawStyle: theme[.valRaw]))
            }
        }
        let log = state.gridLog.contains(family.name)
        var chart = LineChart(series: series, theme: theme, glyphs: state.glyphs, firstX: 1,
                              xLabel: state.chart.perBatch ? "step" : "epoch", logScale: log,
                              smoothing: state.chart.smoothing, lastN: state.chart.zoom)
        if state.chart.perBatch, let key = family.train ?? family.validation {
            chart.xValues = source.steps(of: key)
        }
        axis?.apply(to: &chart)
        chart.robust = state.chart.robust
        chart.includeZero = state.chart.includeZero
        // The chart first (the border is drawn around it after): it reports the scale it drew,
        // whose clipped counts go in the title. A frame with no new data reuses the scale.
        let inner = area.inset(by: 1)
        let cacheKey = GridScaleCache.key(state: state, family: family.name, log: log, size: inner)
        if let cacheKey, let cached = state.gridScales.scale(for: cacheKey) { chart.scale = cached }
        let scale = inner.isEmpty ? nil : chart.draw(into: &buffer, area: inner)
        if let cacheKey, let scale, chart.scale == nil { state.gridScales.store(scale, for: cacheKey) }
        var marks: [String] = []
        if log { marks.append("log") }
        if let scale, scale.clippedAbove > 0 { marks.append("\(state.glyphs.arrowUp)\(scale.clippedAbove)") }
        if let scale, scale.clippedBelow > 0 { marks.append("\(state.glyphs.arrowDown)\(scale.clippedBelow)") }
        // The selected cell says so in text too (its border is the focused one).
        var name = selected ? "\(state.glyphs.arrowRight) \(family.name)" : family.name
        if let direction = family.betterDirection { name += " " + String(direction == .lower ? state.glyphs.trendDown : state.glyphs.trendUp) }
        Panel(title: name, trailingTitle: marks.joined(separator: " "), focused: selected, theme: theme, glyphs: state.glyphs)
            .render(into: &buffer, area: area)
    }
}

/// The grid's y scales from earlier frames, by what each was computed from: the run's revision,
/// the family, the chart's options and the cell's size. A frame with no new data (a clock
/// tick, a key that moves the selection) reuses them: the robust rule orders every cell's
/// points, a tenth of a 20-cell frame. Shared by copies of a state: a key never matches a
/// scale computed from other data.
public final class GridScaleCache: Sendable {
    private let scales = Mutex<[String: LineChart.YScale]>([:])

    public init() {}

    func scale(for key: String) -> LineChart.YScale? {
        scales.withLock { $0[key] }
    }

    func store(_ scale: LineChart.YScale, for key: String) {
        scales.withLock { scales in
            // A page of cells for a few revisions; the oldest go all at once.
            if scales.count > 1024 { scales.removeAll(keepingCapacity: true) }
            scales[key] = scale
        }
    }

    /// Nil when the state has no selected run.
    static func key(state: MonitorState, family: String, log: Bool, size: Rect) -> String? {
        guard let run = state.selectedRunState else { return nil }
        let chart = state.chart
        return "\(run.run.source.rawValue)\u{1}\(run.run.revision)\u{1}\(family)\u{1}\(log)\u{1}\(chart.robust)\u{1}"
            + "\(chart.includeZero)\u{1}\(chart.zoom ?? -1)\u{1}\(chart.smoothing)\u{1}\(chart.perBatch)\u{1}"
            + "\(chart.xAxis.rawValue)\u{1}\(size.width)x\(size.height)"
    }
}
