import TerminalCore
import Widgets

/// The selected metric as a braille chart, training and validation in their theme colours;
/// the title says which options are on.
struct ChartPanelView: Widget {
    var state: MonitorState
    var layout: MonitorLayout

    func render(into buffer: inout Buffer, area: Rect) {
        let theme = state.theme
        let family = layout.families.isEmpty ? nil : layout.families[min(state.selectedMetric, layout.families.count - 1)]
        var options: [String] = [state.chart.perBatch ? "per batch" : "per epoch"]
        if state.chart.logScale { options.append("log") }
        if state.chart.smoothing > 0 { options.append("EMA \(formatMetric(state.chart.smoothing))") }
        if let zoom = state.chart.zoom { options.append("last \(zoom)") }
        let panel = Panel(title: family?.name ?? "Chart", trailingTitle: options.joined(separator: " · "),
                          focused: state.focus == .main, theme: theme, glyphs: state.glyphs)
        panel.render(into: &buffer, area: area)
        let inner = panel.inner(of: area)
        guard let family, let run = state.selectedRunState, !inner.isEmpty else {
            buffer.write("no metrics yet", x: inner.x + 1, y: inner.y, style: theme[.dimText], clip: inner)
            return
        }
        let source = MetricValuesSource(state: state, run: run)
        var series: [LineChart.Series] = []
        var legend: [Span] = []
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
        // The legend sits in the top border, after the title.
        let titleEnd = area.x + 2 + family.name.count + 3
        buffer.write(legend, x: titleEnd, y: area.y, clip: Rect(x: area.x, y: area.y, width: area.width - 2, height: 1))
        LineChart(series: series, theme: theme, glyphs: state.glyphs, firstX: 1,
                  xLabel: state.chart.perBatch ? "step" : "epoch", logScale: state.chart.logScale,
                  smoothing: state.chart.smoothing, lastN: state.chart.zoom)
            .render(into: &buffer, area: inner)
    }
}
