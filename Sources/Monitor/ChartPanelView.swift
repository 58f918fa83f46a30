import TerminalCore
import Widgets
import RunModel

/// The selected metric as a braille chart, training and validation in their theme colours;
/// the title says which options are on. With the overlay on (`O`, several runs) it draws the
/// selected metric of every run instead, one colour per run, on the same axes.
struct ChartPanelView: Widget {
    var state: MonitorState
    var layout: MonitorLayout

    /// The semantic styles overlay lines cycle through: the two chart colours first, then
    /// the theme's other foreground accents, which every built-in theme keeps apart (dark:
    /// blue, orange, green, purple, cyan, yellow). A seventh run reuses the first colour.
    static let overlayStyles: [ThemeKey] = [.trainLine, .valLine, .spark, .lossNode, .info, .warning]

    func render(into buffer: inout Buffer, area: Rect) {
        let theme = state.theme
        let family = layout.families.isEmpty ? nil : layout.families[min(state.selectedMetric, layout.families.count - 1)]
        var options: [String] = [state.chart.perBatch ? "per batch" : "per epoch"]
        if state.chart.logScale { options.append("log") }
        if !state.chart.robust { options.append("full range") }
        if state.chart.includeZero, !state.chart.logScale { options.append("incl. 0") }
        if state.chart.smoothing > 0 { options.append("EMA \(formatMetric(state.chart.smoothing))") }
        if let zoom = state.chart.zoom { options.append("last \(zoom)") }
        let overlayKey = state.showsOverlay ? family.flatMap { $0.train ?? $0.validation } : nil
        let title = overlayKey.map { "\($0) · all runs" } ?? family?.name ?? "Chart"
        guard let family, let run = state.selectedRunState else {
            let panel = Panel(title: title, trailingTitle: options.joined(separator: " · "),
                              focused: state.focus == .main, theme: theme, glyphs: state.glyphs)
            panel.render(into: &buffer, area: area)
            let inner = panel.inner(of: area)
            buffer.write("no metrics yet", x: inner.x + 1, y: inner.y, style: theme[.dimText], clip: inner)
            return
        }
        var series: [LineChart.Series] = []
        var legend: [Span] = []
        if let key = overlayKey {
            (series, legend) = overlaySeries(key: key)
        } else {
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
        chart.robust = state.chart.robust
        chart.includeZero = state.chart.includeZero
        // The robust scale never hides points silently: the title says how many lie off the axis.
        let scale = chart.yScale()
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
        var chartArea = inner
        let moments = run.run.moments
        if !moments.isEmpty, overlayKey == nil, inner.height >= 8 {
            // What happened besides epochs: letters on the x axis (per epoch), and a line
            // under the chart saying what each letter was.
            chartArea.height -= 1
            if !state.chart.perBatch {
                chart.marks = moments.compactMap { moment in moment.epoch.map { (index: $0 - 1, letter: moment.letter) } }
                chart.markStyle = theme[.info]
            }
            // One entry per kind, the ones that change how to read the run first; several of a
            // kind list their epochs and say the last one's text.
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
            buffer.write(spans, x: inner.x, y: inner.maxY - 1, clip: Rect(x: inner.x, y: inner.maxY - 1, width: inner.width, height: 1))
        }
        chart.render(into: &buffer, area: chartArea)
    }

    /// One line per run that logged `key`, in run-bar order, each in its own colour; the
    /// legend names each by its run-bar number and source. Runs without the metric are left
    /// out of both (an empty line would only take a colour).
    func overlaySeries(key: String) -> ([LineChart.Series], [Span]) {
        let theme = state.theme
        var series: [LineChart.Series] = []
        var legend: [Span] = []
        for (index, id) in state.sourceOrder.enumerated() {
            guard let run = state.runs[id] else { continue }
            let values = MetricValuesSource(state: state, run: run).values(of: key)
            guard !values.isEmpty else { continue }
            let style = theme[Self.overlayStyles[series.count % Self.overlayStyles.count]]
            series.append(LineChart.Series(name: "\(index + 1) \(id.rawValue)", values: values, style: style))
            // Names longer than 24 columns are cut: the legend shares one border row.
            let name = Span.fit(id.rawValue, width: min(id.rawValue.count, 24), ellipsis: state.glyphs.ellipsis)
            legend.append(Span(" \(state.glyphs.plotPoint) \(index + 1) \(name) ", style: style))
        }
        return (series, legend)
    }
}
