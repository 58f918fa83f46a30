import Diagnostics
import KerasModel
import TerminalCore
import Widgets

/// The metrics table: one row per metric family, training and validation side by side,
/// each with a sparkline, the current value, the best value and when, and a trend mark.
///
/// ```
/// ┌ Metrics ───────────────────────────────────────────────────── per epoch ┐
/// │ metric          train        now  best@epoch │ validation   now  best@epoch │
/// │ loss ↓       ▇▃▂▁▁▁▁▁    44.86  43.10@97  ↓ │ ▇▄▂▁▁▁▁    60.12  58.3@96  ↓ │
/// │!accuracy ↑   ▄▄▄▄▄▄▄▄        0      0@1   → │ ▄▄▄▄▄▄▄        0     0@1  → │
/// │   = binary_accuracy (ŷ>0.5)==y  error accuracy-on-regression                │
/// └───────────────────────────────────────────────────────────────────────────┘
/// ```
struct MetricsPanelView: Widget {
    var state: MonitorState
    var layout: MonitorLayout

    /// Columns of one side after the sparkline: " " value(7) " " best@epoch(11) " " trend.
    /// 7 holds any 4-significant-digit value (`0.04631`, `1.235e4`); 11 holds one with `@300`.
    static let valueWidth = 7
    static let bestWidth = 11
    static let fixedSideWidth = 1 + valueWidth + 1 + bestWidth + 2

    func render(into buffer: inout Buffer, area: Rect) {
        let theme = state.theme
        let glyphs = state.glyphs
        // An active filter shows in the title: what it is and how many rows it lets through.
        let title = state.metricFilter.map { "Metrics /\($0)/ · \(layout.families.count) of \(state.allFamilies.count)" } ?? "Metrics"
        let panel = Panel(title: title, trailingTitle: state.chart.perBatch ? "per batch" : "per epoch",
                          focused: state.focus == .metrics, theme: theme, glyphs: glyphs)
        panel.render(into: &buffer, area: area)
        let inner = panel.inner(of: area)
        guard !inner.isEmpty, let run = state.selectedRunState else { return }
        let families = layout.families
        guard !families.isEmpty else {
            if let filter = state.metricFilter, !state.allFamilies.isEmpty {
                buffer.write("no metric matches /\(filter)/ (/ edits the filter)", x: inner.x + 1, y: inner.y, style: theme[.dimText], clip: inner)
                return
            }
            // A source that gave lines, none of them Keras's (a binary file, the wrong log) says
            // so, instead of looking like a run about to start; a wrapped command's output is
            // one key away.
            var text = "no epochs yet"
            if !run.run.sawTrainingOutput, !run.run.current.noise.isEmpty {
                text += ": nothing read so far is Keras output" + (run.output.count > 0 ? " (o shows it)" : "")
            }
            buffer.write(text, x: inner.x + 1, y: inner.y, style: theme[.dimText], clip: inner)
            return
        }

        // Marker column, the name, a space and the direction arrow, a space: name + 4.
        let nameWidth = min(26, max(10, (families.map(\.name.count).max() ?? 0) + 4))
        // Two sides, the " │ " between them and one column of air before the border.
        let sideWidth = max(Self.fixedSideWidth + 3, (inner.width - nameWidth - 4) / 2)
        let sparkWidth = sideWidth - Self.fixedSideWidth
        let trainX = inner.x + nameWidth
        let separatorX = trainX + sideWidth + 1
        let validationX = separatorX + 2

        // Column headings.
        let headingStyle = theme[.dimText]
        buffer.write("metric", x: inner.x + 1, y: inner.y, style: headingStyle, clip: inner)
        for (x, title) in [(trainX, "train"), (validationX, sparkWidth >= 10 ? "validation" : "val")] {
            buffer.write(title, x: x, y: inner.y, style: headingStyle, clip: inner)
            // With the value cursor on, the values are the ones at its epoch (or update).
            let now = cursorIndex.map { "@\($0 + 1)" } ?? "now"
            let tail = Span.fit(now, width: Self.valueWidth, alignment: .right) + " " + Span.fit("best@epoch", width: Self.bestWidth, alignment: .right)
            buffer.write(tail, x: x + sparkWidth + 1, y: inner.y, style: headingStyle, clip: inner)
        }

        var y = inner.y + 1
        for index in layout.firstFamily..<families.count {
            guard y < inner.maxY else { break }
            let family = families[index]
            let lines = layout.lineCounts[index]
            let rowArea = Rect(x: inner.x, y: y, width: inner.width, height: min(lines, inner.maxY - y))
            let selected = index == min(state.selectedMetric, families.count - 1)
            if selected { buffer.fill(rowArea, with: Cell(" ", style: theme[.selection])) }
            func style(_ key: ThemeKey) -> Style { selected ? over(theme[key], theme[.selection]) : theme[key] }

            let marks = state.findings(marking: family, run: run)
            let worst = marks.map(\.severity).max()
            if let worst { buffer.write("!", x: inner.x, y: y, style: style(key(for: worst)), clip: inner) }
            var nameText = family.name
            if let direction = family.betterDirection { nameText += " " + String(direction == .lower ? glyphs.trendDown : glyphs.trendUp) }
            buffer.write(Span.fit(nameText, width: nameWidth - 2, ellipsis: glyphs.ellipsis), x: inner.x + 1, y: y,
                         style: style(selected ? .title : .text), clip: inner)

            let trainRow = Rect(x: trainX, y: y, width: sideWidth, height: 1)
            let validationRow = Rect(x: validationX, y: y, width: min(sideWidth, inner.maxX - validationX), height: 1)
            drawSide(family.train, family: family, run: run, into: &buffer, row: trainRow, sparkWidth: sparkWidth,
                     line: .trainLine, style: style)
            buffer.write(String(glyphs.vertical), x: separatorX, y: y, style: style(.border), clip: inner)
            drawSide(family.validation, family: family, run: run, into: &buffer, row: validationRow, sparkWidth: sparkWidth,
                     line: .valLine, style: style)

            if lines > 1, y + 1 < inner.maxY {
                var x = inner.x + 3
                let lineClip = Rect(x: inner.x, y: y + 1, width: inner.width, height: 1)
                if let resolved = state.resolvedMetric(family, run: run) {
                    x = buffer.write("= " + resolved.formula, x: x, y: y + 1, style: style(.dimText), clip: lineClip) + 2
                }
                for finding in marks {
                    x = buffer.write(finding.severity.rawValue + " ", x: x, y: y + 1, style: style(key(for: finding.severity)), clip: lineClip)
                    x = buffer.write(finding.id, x: x, y: y + 1, style: style(.text), clip: lineClip) + 2
                }
            }
            y += lines
        }
    }

    /// The value cursor's index while it is on over the chart.
    var cursorIndex: Int? { state.mode == .chart ? state.cursor : nil }

    /// One side of a row: sparkline, current value (or the value at the cursor), best@epoch, trend.
    private func drawSide(_ key: String?, family: MetricFamily, run: RunState, into buffer: inout Buffer, row: Rect,
                          sparkWidth: Int, line: ThemeKey, style: (ThemeKey) -> Style) {
        guard let key else {
            buffer.write("-", x: row.x, y: row.y, style: style(.dimText), clip: row)
            return
        }
        let values = MetricValuesSource(state: state, run: run).values(of: key)
        let summary = MetricSummary(values: values, direction: family.betterDirection)
        let spark = Rect(x: row.x, y: row.y, width: max(0, min(sparkWidth, row.width)), height: 1)
        Sparkline(values: values, glyphs: state.glyphs, style: style(line), markerStyle: style(.nanMarker))
            .render(into: &buffer, area: spark)
        var x = row.x + sparkWidth + 1
        let shown: Double? = if let index = cursorIndex {
            index < values.count ? values[index] : nil
        } else {
            summary.current
        }
        let current = shown.map { formatMetric($0, maxWidth: Self.valueWidth) } ?? "-"
        let currentStyle = (shown.map { !$0.isFinite } ?? false) ? style(.nanMarker) : style(.text)
        x = buffer.write(Span.fit(current, width: Self.valueWidth, alignment: .right), x: x, y: row.y, style: currentStyle, clip: row) + 1
        var best = "-"
        if let value = summary.best, var at = summary.bestAt {
            // Per batch, the epoch the best update belongs to (not the update's number).
            if let positions = MetricValuesSource(state: state, run: run).positions(of: key),
               positions.indices.contains(at - 1), positions[at - 1].epoch > 0 {
                at = positions[at - 1].epoch
            }
            let position = "@\(at)"
            best = formatMetric(value, maxWidth: Self.bestWidth - position.count) + position
        }
        x = buffer.write(Span.fit(best, width: Self.bestWidth, alignment: .right), x: x, y: row.y, style: style(.good), clip: row) + 1
        let glyphs = state.glyphs
        if let trend = summary.trend {
            let mark: Character = trend == .rising ? glyphs.trendUp : trend == .falling ? glyphs.trendDown : glyphs.trendFlat
            let improving = summary.isImproving(family.betterDirection)
            let key: ThemeKey = improving == true ? .good : improving == false ? .bad : .dimText
            buffer.write(String(mark), x: x, y: row.y, style: style(key), clip: row)
        }
    }
}
