import TerminalCore
import Widgets
import RunModel

/// The selected metric as a braille chart, training and validation in their theme colours;
/// the title says which options are on. With the overlay on (`O`, several runs) it draws the
/// selected metric of every run instead, one colour per run, on the same axes.
struct ChartPanelView: Widget {
    var state: MonitorState
    var layout: MonitorLayout
    /// The runs table's metric: the chart overlays this key of the overlay's runs, whatever
    /// metric row the selected run has selected.
    var metricKey: String?

    /// The semantic styles overlay lines cycle through: the two chart colours first, then
    /// the theme's other foreground accents, which every built-in theme keeps apart (dark:
    /// blue, orange, green, purple, cyan, yellow). A seventh run reuses the first colour.
    static let overlayStyles: [ThemeKey] = [.trainLine, .valLine, .spark, .lossNode, .info, .warning]

    /// The chart as drawn now, its legend, title and options, for the selected metric (or
    /// the overlay); nil without a metric or a run.
    struct Built {
        var chart: LineChart
        var legend: [Span]
        var title: String
        var options: [String]
        var overlay: Bool
        var run: RunState
        /// The x axis of a per-epoch chart of one run (nil per batch and in the overlay).
        var axis: ChartXAxis?
    }

    func build() -> Built? {
        let theme = state.theme
        let family = layout.families.isEmpty ? nil : layout.families[min(state.selectedMetric, layout.families.count - 1)]
        guard let run = state.selectedRunState else { return nil }
        let overlayKey = metricKey ?? (state.showsOverlay ? family.flatMap { $0.train ?? $0.validation } : nil)
        guard overlayKey != nil || family != nil else { return nil }
        var series: [LineChart.Series] = []
        var legend: [Span] = []
        if let key = overlayKey {
            (series, legend) = overlaySeries(key: key)
        } else if let family {
            let source = MetricValuesSource(state: state, run: run)
            if let key = family.train {
                series.append(LineChart.Series(name: key, values: source.values(of: key), style: theme[.trainLine], rawStyle: theme[.trainRaw]))
                legend.append(Span(" \(state.glyphs.plotPoint) train ", style: theme[.trainLine]))
            }
            if let key = family.validation {
                let values = source.values(of: key)
                if !values.isEmpty {
                    series.append(LineChart.Series(name: key, values: values, style: theme[.valLine], rawStyle: theme[.valRaw]))
                    legend.append(Span(" \(state.glyphs.plotPoint) validation ", style: theme[.valLine]))
                }
            }
        }
        var chart = LineChart(series: series, theme: theme, glyphs: state.glyphs, firstX: 1,
                              xLabel: state.chart.perBatch ? "step" : "epoch", logScale: state.chart.logScale,
                              smoothing: state.chart.smoothing, lastN: state.chart.zoom)
        var axis: ChartXAxis?
        if state.chart.perBatch, overlayKey == nil, let family, let key = family.train ?? family.validation {
            // The real steps (epoch × steps + step), not the count of printed updates.
            chart.xValues = MetricValuesSource(state: state, run: run).steps(of: key)
        }
        if !state.chart.perBatch, overlayKey == nil {
            let built = MetricValuesSource(state: state, run: run).xAxis()
            built.apply(to: &chart)
            axis = built
        }
        chart.robust = state.chart.robust
        chart.includeZero = state.chart.includeZero
        if let cursor = state.cursor {
            chart.cursor = Self.clamp(cursor, count: chart.pointCount, lastN: state.chart.zoom)
            chart.cursorStyle = theme[.info]
        }
        let chosen = state.table.selected.count
        let title = overlayKey.map { "\($0) · " + (chosen > 0 ? "\(chosen) selected run\(chosen == 1 ? "" : "s")" : "all runs") } ?? family?.name ?? ""
        return Built(chart: chart, legend: legend, title: title, options: Self.options(state, axis: axis, overlay: overlayKey != nil),
                     overlay: overlayKey != nil, run: run, axis: axis)
    }

    /// The options in force, for the title's right side.
    static func options(_ state: MonitorState, axis: ChartXAxis? = nil, overlay: Bool = false) -> [String] {
        var options: [String] = [state.chart.perBatch ? "per batch" : "per epoch"]
        if let note = xAxisNote(state, axis: axis, overlay: overlay) { options.append(note) }
        if state.chart.logScale { options.append("log") }
        if !state.chart.robust { options.append("full range") }
        // A log axis has no 0: `z` is kept for the linear axis, and the title says so.
        if state.chart.includeZero { options.append(state.chart.logScale ? "incl. 0 on linear" : "incl. 0") }
        if state.chart.smoothing > 0 { options.append("EMA \(formatMetric(state.chart.smoothing))") }
        if let zoom = state.chart.zoom { options.append("last \(zoom)") }
        return options
    }

    /// What the title says about the x axis when it is not the epoch: the axis drawn, or
    /// briefly why the one asked for is not (`x: epoch, no epoch times`).
    static func xAxisNote(_ state: MonitorState, axis: ChartXAxis?, overlay: Bool) -> String? {
        let asked = state.chart.xAxis
        guard asked != .epoch else { return nil }
        if overlay { return "x: epoch (overlay)" }
        if state.chart.perBatch {
            return asked == .step ? nil : "x: step (time per epoch only)"
        }
        guard let axis else { return nil }
        if let note = axis.note { return "x: epoch, \(note)" }
        return "x: \(axis.name)"
    }

    /// A cursor index kept inside the points in view.
    static func clamp(_ index: Int, count: Int, lastN: Int?) -> Int {
        let first = lastN.map { max(0, count - max(1, $0)) } ?? 0
        return min(max(index, first), max(first, count - 1))
    }

    /// The chart's own area inside the panel's `inner`: less a line for the moments and one
    /// for the cursor's readout.
    func chartArea(_ built: Built, inner: Rect) -> (chart: Rect, momentsRow: Int?, readoutRow: Int?) {
        var area = inner
        var readoutRow: Int?
        var momentsRow: Int?
        if state.cursor != nil, area.height >= 6 {
            area.height -= 1
            readoutRow = area.maxY
        }
        if !built.run.run.moments.isEmpty, !built.overlay, area.height >= 8 {
            area.height -= 1
            momentsRow = area.maxY
        }
        return (area, momentsRow, readoutRow)
    }

    /// The value index under screen column `x`, when `x` is on the chart's plot.
    func index(atColumn x: Int, area: Rect) -> Int? {
        guard let built = build() else { return nil }
        let panel = Panel(title: built.title, focused: false, theme: state.theme, glyphs: state.glyphs)
        return built.chart.index(atColumn: x, in: chartArea(built, inner: panel.inner(of: area)).chart)
    }

    func render(into buffer: inout Buffer, area: Rect) {
        let theme = state.theme
        guard let built = build() else {
            let panel = Panel(title: "Chart", trailingTitle: Self.options(state).joined(separator: " · "),
                              focused: state.focus == .main, theme: theme, glyphs: state.glyphs)
            panel.render(into: &buffer, area: area)
            let inner = panel.inner(of: area)
            let filtered = state.metricFilter.flatMap { state.allFamilies.isEmpty ? nil : "no metric matches /\($0)/" }
            buffer.write(filtered ?? "no metrics yet", x: inner.x + 1, y: inner.y, style: theme[.dimText], clip: inner)
            return
        }
        var chart = built.chart
        var options = built.options
        let title = built.title
        let legend = built.legend
        let run = built.run
        // The robust scale never hides points silently: the title says how many lie off the axis.
        let scale = chart.yScale()
        chart.scale = scale
        if scale.clippedAbove + scale.clippedBelow > 0 {
            var clipped = "clipped"
            if scale.clippedAbove > 0 { clipped += " \(state.glyphs.arrowUp)\(scale.clippedAbove)" }
            if scale.clippedBelow > 0 { clipped += " \(state.glyphs.arrowDown)\(scale.clippedBelow)" }
            options.append(clipped)
        }
        let panel = Panel(title: title, trailingTitle: options.joined(separator: " · "),
                          focused: state.focus == .main, theme: theme, glyphs: state.glyphs)
        panel.render(into: &buffer, area: area)
        let inner = panel.inner(of: area)
        guard !inner.isEmpty else { return }
        // The legend sits in the top border, after the title, clear of the options.
        let titleEnd = area.x + 2 + title.count + 3
        let optionsWidth = options.joined(separator: " · ").count + 4
        buffer.write(legend, x: titleEnd, y: area.y,
                     clip: Rect(x: area.x, y: area.y, width: max(0, area.width - 2 - optionsWidth), height: 1))
        let (chartArea, momentsRow, readoutRow) = chartArea(built, inner: inner)
        let moments = run.run.moments
        if momentsRow != nil, !state.chart.perBatch {
            // What happened besides epochs: letters on the x axis (per epoch).
            // Drawn lowest priority first, so the mark that matters most wins a column.
            chart.marks = moments.sorted { $0.priority < $1.priority }
                .compactMap { moment in moment.epoch.map { (index: $0 - 1, letter: moment.letter) } }
            chart.markStyle = theme[.info]
        }
        if let momentsRow {
            // A line under the chart saying what each letter was: one entry per kind, the ones
            // that change how to read the run first; several of a kind list their epochs and
            // say the last one's text.
            let order: [RunMoment.Kind] = [.terminatedOnNaN, .earlyStopping, .restoredBest, .learningRate, .evaluated, .checkpoint]
            var spans: [Span] = []
            for kind in order {
                let ofKind = moments.filter { $0.kind == kind }
                guard let last = ofKind.last else { continue }
                if !spans.isEmpty { spans.append(Span(" · ", style: theme[.dimText])) }
                let epochs = ofKind.compactMap(\.epoch).map(String.init).joined(separator: ",")
                spans.append(Span(String(last.letter), style: theme[.info]))
                spans.append(Span(" " + (epochs.isEmpty ? "" : epochs + ": ") + last.text, style: theme[.text]))
            }
            buffer.write(spans, x: inner.x, y: momentsRow, clip: Rect(x: inner.x, y: momentsRow, width: inner.width, height: 1),
                         ellipsis: state.glyphs.ellipsis)
        }
        if let readoutRow, let index = chart.cursor {
            buffer.write(readout(chart: chart, index: index, run: run, moments: built.overlay ? [] : moments, built: built), x: inner.x + 1, y: readoutRow,
                         clip: Rect(x: inner.x, y: readoutRow, width: inner.width, height: 1), ellipsis: state.glyphs.ellipsis)
        }
        chart.render(into: &buffer, area: chartArea)
    }

    /// The cursor's line: the x, then every series drawn with its value there (smoothed, and
    /// raw under smoothing), then what happened at that epoch.
    func readout(chart: LineChart, index: Int, run: RunState, moments: [RunMoment], built: Built) -> [Span] {
        let theme = state.theme
        var x = built.axis?.readout(index: index) ?? "epoch \(index + 1)"
        if state.chart.perBatch {
            let key = chart.series.first?.name ?? ""
            let position = MetricValuesSource(state: state, run: run).positions(of: key).flatMap { $0.indices.contains(index) ? $0[index] : nil }
            if chart.xValues != nil, let position, let step = position.step {
                x = "step \(step) (epoch \(position.epoch))"
            } else {
                x = "update \(index + 1)"
            }
        }
        var spans = [Span(x, style: theme[.title])]
        func text(_ value: Double?) -> String { value.map { formatMetric($0, significantDigits: 4) } ?? "-" }
        for line in chart.series {
            let raw = index < line.values.count ? line.values[index] : nil
            spans.append(Span("  \(line.name) ", style: line.style))
            if chart.smoothing > 0, raw != nil {
                let smoothed = Smoothing.ema(Array(line.values.prefix(index + 1)), weight: chart.smoothing).last
                spans.append(Span(text(smoothed), style: theme[.text]))
                spans.append(Span(" raw \(text(raw))", style: theme[.dimText]))
            } else {
                spans.append(Span(text(raw), style: theme[.text]))
            }
        }
        if !state.chart.perBatch {
            for moment in moments where moment.epoch == index + 1 {
                spans.append(Span("  \(moment.letter) ", style: theme[.info]))
                spans.append(Span(moment.text, style: theme[.text]))
            }
        }
        return spans
    }

    /// One line per run that logged `key`, in run-bar order, each in its own colour; the
    /// legend names each by its run-bar number and source. Runs without the metric are left
    /// out of both (an empty line would only take a colour). The runs are those selected in
    /// the runs table, or every run when none is.
    func overlaySeries(key: String) -> ([LineChart.Series], [Span]) {
        let theme = state.theme
        var series: [LineChart.Series] = []
        var legend: [Span] = []
        // Named as the runs table names them: without the directories and file name every run shares.
        let common = RunsTableView.commonParts(state)
        for (index, id) in state.overlayNumberedSources {
            guard let run = state.runs[id] else { continue }
            // Per epoch, the runs table's cache has the values when it shows the same metric.
            let cached = state.chart.perBatch ? nil : RunsTable.cachedValues(state, id: id, key: key)
            let values = cached ?? MetricValuesSource(state: state, run: run).values(of: key)
            guard !values.isEmpty else { continue }
            let style = theme[Self.overlayStyles[series.count % Self.overlayStyles.count]]
            series.append(LineChart.Series(name: "\(index + 1) \(id.rawValue)", values: values, style: style))
            // Names longer than 24 columns are cut: the legend shares one border row.
            let (host, full) = RunsTable.split(id)
            let label = (host.map { "\($0):" } ?? "") + RunsTableView.shortName(full, common)
            let name = Span.fit(label, width: min(label.count, 24), ellipsis: state.glyphs.ellipsis)
            legend.append(Span(" \(state.glyphs.plotPoint) \(index + 1) \(name) ", style: style))
        }
        return (series, legend)
    }
}
