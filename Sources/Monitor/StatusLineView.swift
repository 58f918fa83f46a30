import TerminalCore
import Widgets

/// The bottom row: the keys that do something in the current panel and mode.
struct StatusLineView: Widget {
    var state: MonitorState

    /// (keys, what) pairs for the current context, most useful first; cut at the width.
    var entries: [(String, String)] {
        if state.quitPrompt { return [("stop the command and quit?", ""), ("y", "stop it and quit"), ("n", "keep watching")] }
        if let entry = state.seekEntry { return [("seek to epoch:", entry + "_"), ("Enter", "seek"), ("Esc", "cancel")] }
        if let entry = state.metricFilterEntry {
            var entries: [(String, String)] = [("filter metrics /", entry + "_")]
            if let error = state.metricFilterError {
                // The last valid filter stays in force: say which.
                let kept = state.metricFilter.map { "/\($0)/" } ?? "none"
                entries.append(("invalid:", "\(error) (kept \(kept))"))
            } else {
                entries.append(("", "\(state.families.count) of \(state.allFamilies.count) metrics"))
            }
            return entries + [("Enter", "keep"), ("Esc", "clear")]
        }
        if state.helpVisible { return [("any key", "close help"), ("q", "quit")] }
        if state.table.visible {
            if state.table.filterEditing {
                let regex = state.table.filter.isEmpty || RunsTable.Matcher(state.table.filter).isRegex
                return [("filter /" + state.table.filter + "_", regex ? "" : "(literal: not a regex yet)"),
                        ("Enter", "keep"), ("Esc", "clear")]
            }
            var entries: [(String, String)] = [("q", "quit"), ("↑↓", "run"), ("space", "select"), ("Enter", "open"),
                                               ("< >", "sort"), ("/", "filter"), ("←→", "metric")]
            if !state.table.filter.isEmpty || !state.table.selected.isEmpty {
                entries.append(("Esc", state.table.filter.isEmpty ? "unselect" : "clear filter"))
            }
            return entries + [("t", "close table"), ("?", "help")]
        }
        if state.detailOpen {
            let scrolls = WarningsPanelView.detailExtent(state).map { $0.lines > $0.height } ?? false
            return (scrolls ? [("↑↓ PgUp PgDn", "scroll")] : []) + [("Esc", "back"), ("q", "quit"), ("?", "help")]
        }
        // An `--on-event` command failed: said first, until the next key.
        let notice: [(String, String)] = state.alerts.notice.map { [("!", $0)] } ?? []
        var entries: [(String, String)] = notice + [("q", "quit"), ("?", "help"), ("Tab", "panel")]
        switch (state.focus, state.mode) {
        case (.runs, _): entries.append(("←→", "run"))
        case (.main, .graph): entries.append(("↑↓", "loss"))
        case (.main, .warnings): entries += [("↑↓", "finding"), ("Enter", "explain")]
        case (.main, .grid): entries += [("←→↑↓", "chart"), ("Enter", "open"), ("l", "cell log"), ("a", "one chart")]
        default: entries.append(("↑↓", "metric"))
        }
        // The cursor's keys first while it is on: they take ←→ from the run bar.
        if state.cursor != nil, state.mode == .chart { entries = [("←→", "cursor"), ("Esc v", "hide cursor")] + entries }
        // Replay controls first: while replaying they are what the user reaches for.
        if case .replaying? = state.selectedRunState?.sourceState { entries += [("space", "pause"), ("+ -", "speed")] }
        else if case .paused? = state.selectedRunState?.sourceState {
            // `+ -` pace a replay; the training core runs at its own pace.
            entries += [("space", "resume"), ("n", "step")] + (state.selectedRunState?.seekable == true ? [("+ -", "speed")] : [])
        }
        if state.selectedRunState?.seekable == true { entries += [(":", "seek"), ("Home End", "first/last")] }
        if state.mode == .chart, state.gridReturn { entries.append(("Esc a", "back to grid")) }
        entries += [("c", "chart"), ("g", "graph"), ("w", "warnings")]
        if !(state.selectedRunState?.output.isEmpty ?? true) { entries.append(("o", state.logPaneVisible ? "hide log" : "log")) }
        // One Esc at a time: a chart opened from the grid goes back to the grid first.
        if state.table.returnsToTable, state.cursor == nil, !state.detailOpen, !(state.mode == .chart && state.gridReturn) {
            entries.insert(("Esc", "runs table"), at: 3)
        }
        if state.mode == .chart, state.sourceOrder.count > 1 {
            entries.append(("O", state.overlay ? "one run" : state.table.selected.isEmpty ? "all runs" : "selected runs"))
        }
        if state.mode == .chart { entries += [("l", "log"), ("s", "smooth"), ("b", "batch"), ("[ ]", "zoom")] }
        if state.mode == .chart, state.cursor == nil { entries.append(("v", "cursor")) }
        // With several runs, the runs table is what the user reaches for next.
        if state.sourceOrder.count > 1, !state.table.returnsToTable { entries.append(("t", "runs table")) }
        // The grid, filter and x-axis keys come after the ones users reach for most, so those stay on
        // an 80-column line.
        if state.mode != .grid { entries.append(("a", "all charts")) }
        entries.append(("/", "filter"))
        if state.mode == .chart || state.mode == .grid { entries.append(("x", "x: \(state.chart.xAxis.rawValue)")) }
        return entries
    }

    func render(into buffer: inout Buffer, area: Rect) {
        let theme = state.theme
        let base = theme[.statusBackground]
        buffer.fill(area, with: Cell(" ", style: base))
        var x = area.x + 1
        for (keys, what) in entries {
            let width = keys.count + what.count + 3
            if x + width > area.maxX { break }
            x = buffer.write(keys, x: x, y: area.y, style: over(theme[.key], base), clip: area) + 1
            x = buffer.write(what, x: x, y: area.y, style: base, clip: area) + 2
        }
    }
}
