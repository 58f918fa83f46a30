import RunModel
import TerminalCore

extension MonitorState {
    /// The longest filter kept: a regular expression over names, not a document.
    static let filterLimit = 200

    /// Show the runs table, its cursor on the run shown now.
    mutating func showTable() {
        table.visible = true
        table.returnsToTable = false
        if table.cursor == nil { table.cursor = selectedSource }
        detailOpen = false
        markChanged()
    }

    /// A key while the runs table is on screen; nil when the key is not the table's and means
    /// what it means elsewhere (`q`, `?`, the chart's scale keys, which act on the overlay).
    mutating func handleTable(_ event: InputEvent) -> [Effect]? {
        if table.filterEditing { typeFilter(event); return [] }
        switch event {
        case .character("t"):
            table.visible = false
            table.returnsToTable = false
        case .character("<"): moveSort(by: -1)
        case .character(">"): moveSort(by: 1)
        case .character("/"):
            table.filterEditing = true
        case .character(" "):
            guard let id = cursorRow() else { break }
            if table.selected.contains(id) { table.selected.remove(id) } else { table.selected.insert(id) }
        case .enter:
            guard let id = cursorRow() else { break }
            open(id)
        case .escape, .backspace:
            // Esc clears the filter first, then the selection.
            if !table.filter.isEmpty { table.filter = "" } else { table.selected = [] }
        case .up, .character("k"): moveCursor(by: -1)
        case .down, .character("j"): moveCursor(by: 1)
        case .pageUp: moveCursor(by: -RunsTableView.visibleRows(self))
        case .pageDown: moveCursor(by: RunsTableView.visibleRows(self))
        case .home: moveCursor(by: Int.min / 2)
        case .end: moveCursor(by: Int.max / 2)
        case .left, .character("h"): moveMetric(by: -1)
        case .right: moveMetric(by: 1)
        case .mouseWheel(let up, _, _): moveCursor(by: up ? -1 : 1)
        case .mouseClick(_, let y):
            let rows = RunsTable.rows(self)
            let inner = RunsTableView.layout(self).table.inset(by: 1)
            let cursor = table.cursor.flatMap { id in rows.firstIndex { $0.id == id } } ?? 0
            let first = RunsTableView.firstRow(cursor: cursor, count: rows.count, height: inner.height - 1)
            let index = first + y - (inner.y + 1)
            if y > inner.y, rows.indices.contains(index) { table.cursor = rows[index].id; follow(rows[index].id) }
        case .character("c"), .character("g"), .character("w"), .character("v"), .character("O"), .character("o"):
            // The run's own views: the table gives way to them, and Esc comes back.
            table.visible = false
            table.returnsToTable = true
            if let id = cursorRow() { follow(id) }
            // The overlay shows the metric the table showed.
            if event == .character("O") { selectTableMetric() }
            return nil
        case .tab, .backTab: break
        default:
            return nil
        }
        markChanged()
        return []
    }

    /// The run under the cursor: the cursor's run when it is shown, else the first row.
    private func cursorRow() -> SourceID? {
        let rows = RunsTable.rows(self)
        if let id = table.cursor, rows.contains(where: { $0.id == id }) { return id }
        return rows.first?.id
    }

    /// Keys typed after `/`: the filter applies as it is typed; Enter keeps it, Esc clears it.
    private mutating func typeFilter(_ event: InputEvent) {
        markChanged()
        switch event {
        case .character(let character):
            if table.filter.count < Self.filterLimit { table.filter.append(character) }
        case .backspace:
            if table.filter.isEmpty { table.filterEditing = false } else { table.filter.removeLast() }
        case .enter:
            table.filterEditing = false
        case .escape:
            table.filter = ""
            table.filterEditing = false
        default:
            break
        }
    }

    /// `<` `>`: each column in its natural order, then reversed, then the next column.
    private mutating func moveSort(by step: Int) {
        let columns = RunsTable.columns(RunsTable.allRows(self))
        let index = columns.firstIndex(of: table.sort.column) ?? 0
        let positions = columns.count * 2
        let position = ((index * 2 + (table.sort.reversed ? 1 : 0) + step) % positions + positions) % positions
        table.sort = RunsTable.Sort(column: columns[position / 2], reversed: position % 2 == 1)
    }

    private mutating func moveCursor(by step: Int) {
        let rows = RunsTable.rows(self)
        guard !rows.isEmpty else { return }
        let current = table.cursor.flatMap { id in rows.firstIndex { $0.id == id } } ?? 0
        let next = min(max(current + step, 0), rows.count - 1)
        table.cursor = rows[next].id
        follow(rows[next].id)
    }

    /// The run the table's cursor is on becomes the run shown (the run bar follows it).
    private mutating func follow(_ id: SourceID) {
        if let index = sourceOrder.firstIndex(of: id) { selectedRun = index; runChosen = true }
    }

    /// ←→: the metric the table shows and overlays.
    private mutating func moveMetric(by step: Int) {
        let names = RunsTable.metricNames(self)
        guard !names.isEmpty else { return }
        let current = RunsTable.metric(self).flatMap { names.firstIndex(of: $0) } ?? 0
        table.metric = names[((current + step) % names.count + names.count) % names.count]
    }

    /// Enter: the run in the single-run screen, on the table's metric; Esc comes back.
    private mutating func open(_ id: SourceID) {
        guard let index = sourceOrder.firstIndex(of: id) else { return }
        selectedRun = index
        runChosen = true
        selectedLoss = 0
        selectedFinding = 0
        detailOpen = false
        cursor = nil
        mode = .chart
        focus = .metrics
        table.visible = false
        table.returnsToTable = true
        // The run's own screen: not the overlay of the runs selected in the table.
        overlay = false
        selectTableMetric()
    }

    /// The metric row of the metric the table shows (its chart opens on it), else the first.
    private mutating func selectTableMetric() {
        if let metric = RunsTable.metric(self), let row = families.firstIndex(where: { $0.train == metric || $0.validation == metric }) {
            selectedMetric = row
        } else {
            selectedMetric = 0
        }
    }
}
