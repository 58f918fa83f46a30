import TerminalCore
import Widgets

/// One tab per source when several are followed: number, name, state.
struct RunBarView: Widget {
    var state: MonitorState

    func render(into buffer: inout Buffer, area: Rect) {
        let theme = state.theme
        var x = area.x
        let tabs = MonitorLayout.runTabs(state: state)
        let window = MonitorLayout.runBarWindow(tabs: tabs, selected: state.selectedRun, width: area.width)
        if window.more > 0 {
            // More runs than fit: say how many, and where they all are.
            let note = MonitorLayout.moreNote(window.more)
            buffer.write(note, x: area.maxX - note.count, y: area.y, style: theme[.key], clip: area)
        }
        let tabsArea = Rect(x: area.x, y: area.y, width: max(0, area.width - (window.more > 0 ? MonitorLayout.moreNote(window.more).count + 1 : 0)), height: 1)
        for index in window.shown {
            let title = tabs[index]
            let selected = index == state.selectedRun
            var style = selected ? theme[.selection] : theme[.dimText]
            if selected && state.focus == .runs { style.attributes.insert(.bold) }
            if let run = state.runs[state.sourceOrder[index]], run.findings.contains(where: { $0.severity == .error }) {
                style = over(theme[.error], style)
            }
            x = buffer.write(title, x: x, y: area.y, style: style, clip: tabsArea) + 1
        }
    }
}
