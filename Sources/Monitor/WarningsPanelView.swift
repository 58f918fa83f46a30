import Diagnostics
import RunModel
import TerminalCore
import Widgets

/// The findings by severity with id and title; Enter opens the selected one's evidence,
/// explanation and fix.
struct WarningsPanelView: Widget {
    var state: MonitorState

    func render(into buffer: inout Buffer, area: Rect) {
        let theme = state.theme
        let findings = state.warningsEntries
        let selected = findings.isEmpty ? nil : min(state.selectedFinding, findings.count - 1)
        if state.detailOpen, let selected {
            renderDetail(findings[selected], into: &buffer, area: area)
            return
        }
        if state.groupsFindings {
            renderGroups(into: &buffer, area: area, selected: selected)
            return
        }
        let panel = Panel(title: "Warnings", trailingTitle: findings.isEmpty ? "" : "Enter: explanation and fix",
                          focused: state.focus == .main, theme: theme, glyphs: state.glyphs)
        panel.render(into: &buffer, area: area)
        let inner = panel.inner(of: area)
        guard !findings.isEmpty else {
            buffer.write("no findings: nothing fitwatch knows to be wrong with this run", x: inner.x + 1, y: inner.y,
                         style: theme[.dimText], clip: inner)
            return
        }
        let new = state.selectedRunState?.newFindingIDs ?? []
        let idWidth = min(34, (findings.map(\.id.count).max() ?? 0) + 1)
        let rows: [[Span]] = findings.map { finding in
            var row = [
                Span(Span.fit(finding.severity.rawValue, width: 8), style: theme[key(for: finding.severity)]),
                Span(Span.fit(finding.id, width: idWidth), style: theme[.text]),
                Span(finding.title, style: theme[.text]),
            ]
            if finding.confidence == .suspected { row.append(Span(" (suspected)", style: theme[.dimText])) }
            if new.contains(finding.id) { row.append(Span(" new", style: theme[.warning])) }
            return row
        }
        ListView(rows: rows, selected: selected, theme: theme, glyphs: state.glyphs).render(into: &buffer, area: inner)
    }

    /// With several runs: each finding once, with how many runs have it and, under it, which.
    private func renderGroups(into buffer: inout Buffer, area: Rect, selected: Int?) {
        let theme = state.theme
        let groups = FindingGroup.groups(state)
        let runsWithFindings = Set(groups.flatMap { $0.runs.map(\.id) }).count
        let panel = Panel(title: "Warnings · \(state.sourceOrder.count) runs",
                          trailingTitle: groups.isEmpty ? "" : "\(runsWithFindings) with findings · Enter: explanation and fix",
                          focused: state.focus == .main, theme: theme, glyphs: state.glyphs)
        panel.render(into: &buffer, area: area)
        let inner = panel.inner(of: area)
        guard !groups.isEmpty else {
            buffer.write("no findings in any run: nothing fitwatch knows to be wrong", x: inner.x + 1, y: inner.y,
                         style: theme[.dimText], clip: inner)
            return
        }
        let idWidth = min(34, (groups.map(\.finding.id.count).max() ?? 0) + 1)
        let listWidth = max(0, inner.width - 6)
        var rows: [[Span]] = []
        for group in groups {
            let finding = group.finding
            let count = group.runs.count
            var row = [
                Span(Span.fit(finding.severity.rawValue, width: 8), style: theme[key(for: finding.severity)]),
                Span(Span.fit(finding.id + ":", width: idWidth + 1), style: theme[.text]),
                Span("\(count) run\(count == 1 ? "" : "s")  ", style: theme[.key]),
                Span(finding.title, style: theme[.text]),
            ]
            if group.isNew { row.append(Span(" new", style: theme[.warning])) }
            rows.append(row)
            rows.append([Span("    " + Self.runList(group.runs, width: listWidth, ellipsis: state.glyphs.ellipsis), style: theme[.dimText])])
        }
        ListView(rows: rows, selected: selected.map { $0 * 2 }, theme: theme, glyphs: state.glyphs).render(into: &buffer, area: inner)
    }

    /// `1 a.log, 3 c.log, +10 more` in `width` columns.
    static func runList(_ runs: [(number: Int, id: SourceID)], width: Int, ellipsis: Character) -> String {
        var text = ""
        for (index, run) in runs.enumerated() {
            let item = (text.isEmpty ? "" : ", ") + "\(run.number) \(run.id.rawValue)"
            let rest = runs.count - index - 1
            let tail = rest > 0 ? ", +\(rest) more" : ""
            if text.count + item.count + tail.count > width {
                return text.isEmpty ? Span.fit(item, width: width, ellipsis: ellipsis) : text + ", +\(runs.count - index) more"
            }
            text += item
        }
        return text
    }

    private func renderDetail(_ finding: Finding, into buffer: inout Buffer, area: Rect) {
        let theme = state.theme
        let text = Self.detailTextArea(of: area)
        let lines = TextView(paragraphs: Self.detailParagraphs(finding, theme: theme)).lines(width: text.width)
        let first = Self.clampedScroll(state.detailScroll, lines: lines.count, height: text.height)
        let scrolls = lines.count > text.height
        // Where the view is when it scrolls: the lines shown and how to see the rest.
        let trailing = scrolls
            ? "\(first + 1)-\(min(lines.count, first + text.height)) of \(lines.count) · \(state.glyphs.trendUp)\(state.glyphs.trendDown) PgUp PgDn · Esc: back"
            : "Esc: back"
        let panel = Panel(title: "\(finding.severity.rawValue) \(finding.id)", trailingTitle: trailing,
                          focused: true, theme: theme, glyphs: state.glyphs)
        panel.render(into: &buffer, area: area)
        TextView(paragraphs: Self.detailParagraphs(finding, theme: theme), scroll: first).render(into: &buffer, area: text)
        guard scrolls, area.height >= 2, area.width >= 16 else { return }
        // On the bottom border: what is below, or that this is the end.
        let below = lines.count - first - text.height
        let mark = below > 0 ? " \(state.glyphs.trendDown) \(below) more " : " end "
        buffer.write(mark, x: area.maxX - 2 - mark.count, y: area.maxY - 1, style: theme[below > 0 ? .key : .dimText], clip: area)
    }

    /// The explanation view's paragraphs: title, epoch and confidence, evidence, what Keras
    /// computed, and the fix.
    static func detailParagraphs(_ finding: Finding, theme: Theme) -> [Span] {
        var paragraphs = [Span(finding.title, style: theme[.title]), Span("")]
        if let epoch = finding.epoch { paragraphs.append(Span("from epoch \(epoch) · \(finding.confidence.rawValue)", style: theme[.dimText])) }
        for line in finding.evidence { paragraphs.append(Span("• " + line, style: theme[.text])) }
        paragraphs += [Span(""), Span("What Keras computed", style: theme[.key]), Span(finding.explanation, style: theme[.text]),
                       Span(""), Span("Fix", style: theme[.key]), Span(finding.fix, style: theme[.good])]
        return paragraphs
    }

    /// Where the explanation's text goes in a panel at `area`: inside the border, a column of
    /// margin either side.
    static func detailTextArea(of area: Rect) -> Rect {
        let inner = area.inset(by: 1)
        return Rect(x: inner.x + 1, y: inner.y, width: max(0, inner.width - 2), height: inner.height)
    }

    /// The first line shown for a wish to start at `scroll`: the last page at most.
    static func clampedScroll(_ scroll: Int, lines: Int, height: Int) -> Int {
        min(max(0, scroll), max(0, lines - height))
    }

    /// The explanation's wrapped line count and visible height for `state`'s selected finding
    /// at its layout (nil when no explanation is open), so keys scroll by what is on screen.
    static func detailExtent(_ state: MonitorState) -> (lines: Int, height: Int)? {
        let findings = state.warningsEntries
        guard state.detailOpen, !findings.isEmpty else { return nil }
        let finding = findings[min(state.selectedFinding, findings.count - 1)]
        let text = detailTextArea(of: MonitorLayout(state: state).main)
        let lines = TextView(paragraphs: detailParagraphs(finding, theme: state.theme)).lines(width: text.width)
        return (lines.count, text.height)
    }
}
