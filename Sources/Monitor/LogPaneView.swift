import TerminalCore
import Widgets

/// Under the main panel: the newest lines the selected source printed itself (a wrapped
/// command's prints, warnings, tracebacks), oldest at the top as in a terminal. Lines wider
/// than the pane end in an ellipsis rather than wrapping, so the pane never shifts.
struct LogPaneView: Widget {
    var state: MonitorState

    func render(into buffer: inout Buffer, area: Rect) {
        let theme = state.theme
        let log = state.selectedRunState?.output ?? OutputLog()
        let printed = log.total == 1 ? "1 line" : "\(log.total) lines"
        let panel = Panel(title: "Output", trailingTitle: "\(printed) · o hides", focused: false,
                          theme: theme, glyphs: state.glyphs)
        panel.render(into: &buffer, area: area)
        let inner = panel.inner(of: area)
        guard !inner.isEmpty else { return }
        let lines = log.last(inner.height)
        // Bottom-aligned: the newest line always sits on the pane's last row.
        let top = inner.maxY - lines.count
        for (offset, line) in lines.enumerated() {
            let row = Rect(x: inner.x, y: top + offset, width: inner.width, height: 1)
            let text = Span.fit(" " + line, width: min(line.count + 1, row.width), ellipsis: state.glyphs.ellipsis)
            buffer.write(text, x: row.x, y: row.y, style: theme[.text], clip: row)
        }
    }
}
