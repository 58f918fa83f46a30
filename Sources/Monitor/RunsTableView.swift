import RunModel
import TerminalCore
import Widgets

/// The runs table (`t`): one row per run, sorted and filtered, the selected runs' curves of
/// the table's metric overlaid on a chart under it.
///
/// ```
/// title    1 row: how many runs, in which states; the metric
/// table    a bordered panel: the headings (the sort column marked), then the rows
/// overlay  the selected runs' curves (only while some are selected)
/// status   1 row: the table's keys, or the filter prompt
/// ```
struct RunsTableView: Widget {
    var state: MonitorState

    /// Where the table and the overlay chart go on a screen of `size`.
    static func layout(_ state: MonitorState) -> (title: Rect, table: Rect, chart: Rect) {
        let screen = Rect(size: state.size)
        let (title, rest) = screen.splitTop(1)
        let (body, _) = rest.splitBottom(1)
        guard !state.table.selected.isEmpty else { return (title, body, Rect(x: 0, y: body.maxY, width: 0, height: 0)) }
        // The chart takes 45 % of the body, at least 10 rows: room for a readable curve.
        let chartRows = min(body.height - 5, max(10, body.height * 45 / 100))
        let (table, chart) = body.splitBottom(max(0, chartRows))
        return (title, table, chart)
    }

    /// How many rows of runs the table panel shows (less its border and headings).
    static func visibleRows(_ state: MonitorState) -> Int { max(1, layout(state).table.height - 3) }

    /// The first row shown: the cursor's row kept in view.
    static func firstRow(cursor: Int, count: Int, height: Int) -> Int {
        min(max(0, cursor - height + 1), max(0, count - height))
    }

    /// The status word and how it is coloured.
    static func statusKey(_ status: RunStatus) -> ThemeKey {
        switch status {
        case .failed, .interrupted: return .error
        case .stale, .reconnecting: return .warning
        case .live, .replaying: return .good
        case .earlyStopped: return .info
        case .finished: return .text
        default: return .dimText
        }
    }

    /// `4s`, `12m`, `3h`, `2d`: the time since the last write in at most 4 columns.
    static func compact(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "-" }
        let s = Int(seconds.rounded(.down))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86_400 { return "\(s / 3600)h" }
        return "\(s / 86_400)d"
    }

    /// `2E 1W` / `3I` / `-`.
    static func findingsText(_ row: RunsTable.Row) -> String {
        var parts: [String] = []
        if row.errors > 0 { parts.append("\(row.errors)E") }
        if row.warnings > 0 { parts.append("\(row.warnings)W") }
        if row.infos > 0 { parts.append("\(row.infos)I") }
        return parts.isEmpty ? "-" : parts.joined(separator: " ")
    }

    /// A column as laid out: its heading, width and alignment.
    struct Laid {
        var column: RunsTable.Column
        var width: Int
        var right: Bool
        var x = 0
    }

    /// The columns that fit `width` and their widths: the fixed ones (the name shrinks to
    /// 12 columns and the sparkline goes before anything else is dropped), then as many
    /// hyper-parameters as fit, the most common first.
    static func laidColumns(_ rows: [RunsTable.Row], all: [RunsTable.Column], width: Int, metric: String?, trimmed: Int = 0) -> (columns: [Laid], spark: Int, bestShort: Bool) {
        func widest(_ text: (RunsTable.Row) -> String, _ heading: String, cap: Int) -> Int {
            var widest = heading.count + 1
            for row in rows where widest < cap { widest = max(widest, text(row).count) }
            return min(cap, widest)
        }
        var laid: [Laid] = []
        for column in all {
            switch column {
            case .number: laid.append(Laid(column: column, width: min(6, max(2, digits(rows.map(\.number).max() ?? 0))), right: true))
            case .name:
                let longest = rows.map { $0.name.count }.max() ?? 0
                laid.append(Laid(column: column, width: min(max(12, width / 3), max(4, longest - trimmed)), right: false))
            case .host: laid.append(Laid(column: column, width: widest({ $0.host ?? "" }, "host", cap: 14), right: false))
            case .status: laid.append(Laid(column: column, width: widest({ $0.status.word }, "status", cap: 13), right: false))
            case .epoch:
                // Counted, not printed: 500 rows each frame.
                let longest = rows.map { digits($0.epoch ?? 0) + ($0.epochs.map { digits($0) + 1 } ?? 0) }.max() ?? 0
                laid.append(Laid(column: column, width: min(13, max(6, longest)), right: true))
            case .now: laid.append(Laid(column: column, width: widest({ $0.nowText }, "now", cap: 10), right: true))
            case .best: laid.append(Laid(column: column, width: widest({ $0.bestText }, "best", cap: 16), right: true))
            case .since: laid.append(Laid(column: column, width: 5, right: true))
            case .findings:
                let longest = rows.map { row in
                    [row.errors, row.warnings, row.infos].filter { $0 > 0 }.reduce(-1) { $0 + digits($1) + 2 }
                }.max() ?? 0
                laid.append(Laid(column: column, width: min(12, max(9, longest)), right: false))
            case .parameter(let key): laid.append(Laid(column: column, width: widest({ $0.parameter(key) ?? "" }, key, cap: 10), right: false))
            }
        }
        // Gutter (cursor and selection marks: 3) and one space between columns.
        func used(_ columns: [Laid], spark: Int) -> Int { 3 + columns.reduce(0) { $0 + $1.width + 1 } + (spark > 0 ? spark + 1 : 0) }
        let isParameter: (Laid) -> Bool = { if case .parameter = $0.column { return true } else { return false } }
        var kept = laid.filter { !isParameter($0) }
        let nameIndex = kept.firstIndex { $0.column == .name }
        let naturalName = nameIndex.map { kept[$0].width } ?? 0
        var parameters = laid.filter(isParameter)
        var spark = width >= 100 ? 16 : 10
        func total() -> Int { used(kept + parameters, spark: spark) }
        func name(_ cap: Int) { if let nameIndex { kept[nameIndex].width = min(naturalName, cap) } }
        var bestShort = false
        // What gives way, in turn, until the row fits: the name (to 20 columns), the rarer
        // hyper-parameters beyond two, the name (to 12), the sparkline (to 6), the time since the
        // last write, the best's epoch, the sparkline, the rest of the hyper-parameters.
        name(20)
        if total() > width { spark = min(spark, 10) }
        while total() > width, parameters.count > 2 { parameters.removeLast() }
        if total() > width { name(12) }
        if total() > width { spark = 6 }
        if total() > width { kept.removeAll { $0.column == .since } }
        if total() > width, let best = kept.firstIndex(where: { $0.column == .best }) {
            bestShort = true
            var widest = 5
            for row in rows { widest = max(widest, row.best.map { formatMetric($0).count } ?? 1); if widest >= 9 { break } }
            kept[best].width = min(9, widest)
        }
        if total() > width { spark = 0 }
        while total() > width, !parameters.isEmpty { parameters.removeLast() }
        kept += parameters
        // What is left widens the name back towards its full length.
        if let nameIndex { kept[nameIndex].width = min(naturalName, kept[nameIndex].width + max(0, width - used(kept, spark: spark))) }
        // Positions: the sparkline sits before `now`, under the metric's name.
        var x = 3
        for index in kept.indices {
            if kept[index].column == .now, spark > 0 { x += spark + 1 }
            kept[index].x = x
            x += kept[index].width + 1
        }
        return (kept, spark, bestShort)
    }

    /// The leading directories and the trailing file name every run's name shares
    /// (`runs/` and `/train.log` in `runs/lr=0.1/train.log`, `runs/lr=0.2/train.log`): the name
    /// column leaves them out, and the panel's title says them once.
    static func commonParts(_ names: [String]) -> (prefix: String, suffix: String) {
        guard names.count > 1, let firstName = names.first else { return ("", "") }
        var prefix = firstName[...], suffix = firstName[...]
        for name in names.dropFirst() {
            while !name.hasPrefix(prefix) { prefix = prefix.dropLast() }
            while !name.hasSuffix(suffix) { suffix = suffix.dropFirst() }
        }
        // Whole path components only.
        let head = prefix.lastIndex(of: "/").map { String(prefix[...$0]) } ?? ""
        let tail = suffix.firstIndex(of: "/").map { String(suffix[$0...]) } ?? ""
        // Never the whole of a name.
        if names.contains(where: { $0.count <= head.count + tail.count }) { return ("", "") }
        return (head, tail)
    }

    /// The shared parts of the names of `state`'s runs, remembered while the runs stay the same.
    static func commonParts(_ state: MonitorState) -> (prefix: String, suffix: String) {
        let key = state.sourceOrder
        if let cached = state.tableCache.common.withLock({ $0 }), cached.key == key { return (cached.prefix, cached.suffix) }
        let common = commonParts(state.sourceOrder.map { RunsTable.split($0).name })
        state.tableCache.common.withLock { $0 = (key, common.prefix, common.suffix) }
        return common
    }

    /// A name without the shared parts.
    static func shortName(_ name: String, _ common: (prefix: String, suffix: String)) -> String {
        String(name.dropFirst(common.prefix.count).dropLast(common.suffix.count))
    }

    /// Decimal digits of a non-negative number.
    static func digits(_ number: Int) -> Int {
        var count = 1, rest = number
        while rest >= 10 { rest /= 10; count += 1 }
        return count
    }

    static func epochText(_ row: RunsTable.Row) -> String {
        guard let epoch = row.epoch else { return row.epochs.map { "-/\($0)" } ?? "-" }
        return row.epochs.map { "\(epoch)/\($0)" } ?? String(epoch)
    }

    func render(into buffer: inout Buffer, area: Rect) {
        let theme = state.theme
        let glyphs = state.glyphs
        let table = state.table
        let layout = Self.layout(state)
        let all = RunsTable.allRows(state)
        let metric = RunsTable.metric(state)
        let rows = RunsTable.sorted(RunsTable.filtered(all, state: state), by: table.sort, metric: metric)

        // The title: how many runs and in which states, and the metric.
        var counts: [String: Int] = [:]
        var ranks: [String: Int] = [:]
        for row in all {
            counts[row.status.word, default: 0] += 1
            ranks[row.status.word] = RunsTable.rank(row.status)
        }
        buffer.fill(layout.title, with: Cell(" ", style: theme[.headerBackground]))
        let states = counts.keys.sorted { (ranks[$0] ?? 0, $0) < (ranks[$1] ?? 0, $1) }
            .map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: " · ")
        let header = [Span(" fitwatch ", style: over(theme[.title], theme[.headerBackground])),
                      Span(" \(all.count) run\(all.count == 1 ? "" : "s")" + (states.isEmpty ? "" : ": " + states), style: theme[.headerBackground])]
        let metricLabel = "metric \(metric ?? "-") \(glyphs.trendFlat == "→" ? "←→" : "<->") "
        // The run counts give way to the metric's name on a narrow screen.
        var countsArea = layout.title
        countsArea.width = max(0, countsArea.width - metricLabel.count - 1)
        buffer.write(header, x: layout.title.x, y: layout.title.y, clip: countsArea)
        buffer.write(metricLabel, x: max(layout.title.x, layout.title.maxX - metricLabel.count), y: layout.title.y,
                     style: theme[.headerBackground], clip: layout.title)

        // The panel: its title says what is shown, sorted how.
        let columns = RunsTable.columns(all, cache: state.tableCache)
        let sortName = table.sort.column == .now || table.sort.column == .best ? "\(table.sort.column) \(metric ?? "")" : "\(table.sort.column)"
        var trailing = "sort \(sortName) \(table.sort.reversed ? glyphs.arrowUp : glyphs.arrowDown)"
        if !table.filter.isEmpty { trailing += " · /\(table.filter): \(rows.count) of \(all.count)" }
        if !table.selected.isEmpty { trailing += " · \(table.selected.count) selected" }
        let panel = Panel(title: "Runs", trailingTitle: trailing, focused: true, theme: theme, glyphs: glyphs)
        panel.render(into: &buffer, area: layout.table)
        let inner = panel.inner(of: layout.table)
        guard inner.height >= 2, inner.width >= 20 else { return }
        let common = Self.commonParts(state)
        if !common.prefix.isEmpty || !common.suffix.isEmpty {
            // The shared parts of the names, once, after the panel's title.
            let shared = " \(common.prefix)\(glyphs.ellipsis)\(common.suffix) "
            buffer.write(shared, x: layout.table.x + 9, y: layout.table.y, style: theme[.dimText],
                         clip: Rect(x: layout.table.x, y: layout.table.y, width: max(0, layout.table.width - trailing.count - 6), height: 1))
        }
        let (laid, spark, bestShort) = Self.laidColumns(rows, all: columns, width: inner.width, metric: metric,
                                             trimmed: common.prefix.count + common.suffix.count)

        // Headings: the sort column marked with its direction.
        let headingStyle = theme[.title]
        for column in laid {
            var heading = column.column.description
            if column.column == table.sort.column { heading += String(table.sort.reversed ? glyphs.arrowUp : glyphs.arrowDown) }
            let text = Span.fit(heading, width: column.width, alignment: column.right ? .right : .left, ellipsis: glyphs.ellipsis)
            buffer.write(text, x: inner.x + column.x, y: inner.y,
                         style: column.column == table.sort.column ? theme[.key] : headingStyle, clip: inner)
        }
        if spark > 0, let now = laid.first(where: { $0.column == .now }) {
            buffer.write(Span.fit(metric ?? "", width: spark, ellipsis: glyphs.ellipsis), x: inner.x + now.x - spark - 1, y: inner.y,
                         style: headingStyle, clip: inner)
        }

        guard !rows.isEmpty else {
            let why = all.isEmpty ? "no runs yet" : "no run matches /\(table.filter)"
            buffer.write(why, x: inner.x + 3, y: inner.y + 1, style: theme[.dimText], clip: inner)
            renderChart(into: &buffer, layout: layout, metric: metric)
            return
        }
        let height = inner.height - 1
        let cursor = table.cursor.flatMap { id in rows.firstIndex { $0.id == id } } ?? 0
        let first = Self.firstRow(cursor: cursor, count: rows.count, height: height)
        let overlayColours = Self.overlayColours(state)
        for line in 0..<min(height, rows.count - first) {
            let row = rows[first + line]
            let shortName = Self.shortName(row.name, common)
            let y = inner.y + 1 + line
            let isCursor = first + line == cursor
            let base = isCursor ? theme[.selection] : theme[.text]
            func style(_ key: ThemeKey) -> Style { isCursor ? over(theme[key], theme[.selection]) : theme[key] }
            if isCursor { buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), with: Cell(" ", style: base)) }
            let rowArea = Rect(x: inner.x, y: y, width: inner.width, height: 1)
            if isCursor { buffer.write(String(glyphs.arrowRight), x: inner.x, y: y, style: base, clip: rowArea) }
            if table.selected.contains(row.id) {
                let colour = overlayColours[row.id].map { isCursor ? over($0, theme[.selection]) : $0 } ?? base
                buffer.write(String(glyphs.plotPoint), x: inner.x + 1, y: y, style: colour, clip: rowArea)
            }
            for column in laid {
                let text: String
                var key: ThemeKey = .text
                switch column.column {
                case .number: text = String(row.number); key = .dimText
                case .name: text = shortName
                case .host: text = row.host ?? ""
                case .status: text = row.status.word; key = Self.statusKey(row.status)
                case .epoch: text = Self.epochText(row)
                case .now: text = row.nowText
                case .best: text = bestShort ? row.best.map(formatMetric) ?? "-" : row.bestText; key = .good
                case .since: text = Self.compact(row.since); key = .dimText
                case .findings:
                    text = Self.findingsText(row)
                    key = row.errors > 0 ? .error : row.warnings > 0 ? .warning : .dimText
                case .parameter(let name): text = row.parameter(name) ?? ""
                }
                var fitted = Span.fit(text, width: column.width, alignment: column.right ? .right : .left, ellipsis: glyphs.ellipsis)
                if column.column == .name, text.count > column.width, column.width > 1 {
                    // A path's end tells runs apart: the name is cut at its start.
                    fitted = String(glyphs.ellipsis) + String(text.suffix(column.width - 1))
                }
                buffer.write(fitted, x: inner.x + column.x, y: y, style: style(key), clip: rowArea)
                if column.column == .now, spark > 0, !row.values.isEmpty {
                    Sparkline(values: row.values, glyphs: glyphs, style: style(.spark), markerStyle: style(.nanMarker))
                        .render(into: &buffer, area: Rect(x: inner.x + column.x - spark - 1, y: y, width: spark, height: 1))
                }
            }
        }
        // Rows above and below the view: say how many, on the bottom border.
        let below = rows.count - first - height
        if below > 0 || first > 0 {
            let mark = " \(first + 1)-\(min(rows.count, first + height)) of \(rows.count) "
            buffer.write(mark, x: layout.table.maxX - 2 - mark.count, y: layout.table.maxY - 1, style: theme[.dimText], clip: layout.table)
        }
        renderChart(into: &buffer, layout: layout, metric: metric)
    }

    /// Each selected run's colour on the overlay chart, as its legend shows it.
    static func overlayColours(_ state: MonitorState) -> [SourceID: Style] {
        guard !state.table.selected.isEmpty else { return [:] }
        var colours: [SourceID: Style] = [:]
        var index = 0
        for id in state.overlaySources {
            // The chart leaves out runs without the metric: count only those it draws.
            guard let values = state.tableCache.summaries.withLock({ $0[id]?.values }), !values.isEmpty else { continue }
            colours[id] = state.theme[ChartPanelView.overlayStyles[index % ChartPanelView.overlayStyles.count]]
            index += 1
        }
        return colours
    }

    /// The selected runs' curves of the metric, on the existing overlay chart.
    private func renderChart(into buffer: inout Buffer, layout: (title: Rect, table: Rect, chart: Rect), metric: String?) {
        guard !layout.chart.isEmpty, let metric else { return }
        var chartState = state
        chartState.overlay = true
        chartState.cursor = nil
        if let id = state.table.cursor ?? state.overlaySources.first, let index = state.sourceOrder.firstIndex(of: id) {
            chartState.selectedRun = index
        }
        let chart = ChartPanelView(state: chartState, layout: MonitorLayout(state: chartState), metricKey: metric)
        chart.render(into: &buffer, area: layout.chart)
    }
}
