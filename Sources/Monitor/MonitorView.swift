import TerminalCore
import Widgets

/// Renders the whole screen from the state. Pure: the same state gives the same buffer.
public enum MonitorView {
    /// The frame for `state`.
    public static func render(_ state: MonitorState) -> Buffer {
        let theme = state.theme
        var buffer = Buffer(size: state.size, filling: Cell(" ", style: theme[.background]))
        guard state.fitsScreen else {
            TooSmallView(size: state.size, theme: theme).render(into: &buffer)
            return state.unicode ? buffer : AsciiFallback.apply(to: buffer)
        }
        if state.table.visible {
            RunsTableView(state: state).render(into: &buffer, area: Rect(size: state.size))
            StatusLineView(state: state).render(into: &buffer, area: Rect(x: 0, y: state.size.height - 1, width: state.size.width, height: 1))
            renderHelp(state, into: &buffer)
            return state.unicode ? buffer : AsciiFallback.apply(to: buffer)
        }
        let layout = MonitorLayout(state: state)
        HeaderView(state: state).render(into: &buffer, area: layout.header)
        if !layout.runBar.isEmpty { RunBarView(state: state).render(into: &buffer, area: layout.runBar) }
        if !layout.metrics.isEmpty { MetricsPanelView(state: state, layout: layout).render(into: &buffer, area: layout.metrics) }
        switch state.mode {
        case .chart: ChartPanelView(state: state, layout: layout).render(into: &buffer, area: layout.main)
        case .graph: GraphPanelView(state: state, content: layout.graph).render(into: &buffer, area: layout.main)
        case .warnings: WarningsPanelView(state: state).render(into: &buffer, area: layout.main)
        case .grid: GridPanelView(state: state, layout: layout).render(into: &buffer, area: layout.main)
        }
        if !layout.logPane.isEmpty { LogPaneView(state: state).render(into: &buffer, area: layout.logPane) }
        if !layout.findingsStrip.isEmpty { FindingsStripView(state: state).render(into: &buffer, area: layout.findingsStrip) }
        StatusLineView(state: state).render(into: &buffer, area: layout.status)
        renderHelp(state, into: &buffer)
        return state.unicode ? buffer : AsciiFallback.apply(to: buffer)
    }

    private static func renderHelp(_ state: MonitorState, into buffer: inout Buffer) {
        guard state.helpVisible else { return }
        HelpOverlay(title: "fitwatch keys",
                    bindings: KeyMap.bindings.map { (key: $0.keys, action: $0.help) },
                    footer: "theme \(state.theme.name) · any key closes this",
                    theme: state.theme, glyphs: state.glyphs)
            .render(into: &buffer, area: Rect(size: state.size))
    }
}
