import TerminalCore
import Widgets

/// One tab per source when several are followed: number, name, state.
struct RunBarView: Widget {
    var state: MonitorState

    func render(into buffer: inout Buffer, area: Rect) {
        let theme = state.theme
        var x = area.x
        for (index, title) in MonitorLayout.runTabs(state: state).enumerated() {
            let selected = index == state.selectedRun
            var style = selected ? theme[.selection] : theme[.dimText]
            if selected && state.focus == .runs { style.attributes.insert(.bold) }
            if let run = state.runs[state.sourceOrder[index]], run.findings.contains(where: { $0.severity == .error }) {
                style = over(theme[.error], style)
            }
            x = buffer.write(title, x: x, y: area.y, style: style, clip: area) + 1
        }
    }
}
