import Diagnostics
import TerminalCore
import Widgets

/// The findings by severity with id and title; Enter opens the selected one's evidence,
/// explanation and fix.
struct WarningsPanelView: Widget {
    var state: MonitorState

    func render(into buffer: inout Buffer, area: Rect) {
        let theme = state.theme
        let findings = state.selectedRunState?.findings ?? []
        let selected = findings.isEmpty ? nil : min(state.selectedFinding, findings.count - 1)
        if state.detailOpen, let selected {
            renderDetail(findings[selected], into: &buffer, area: area)
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

    private func renderDetail(_ finding: Finding, into buffer: inout Buffer, area: Rect) {
        let theme = state.theme
        let panel = Panel(title: "\(finding.severity.rawValue) \(finding.id)", trailingTitle: "Esc: back",
                          focused: true, theme: theme, glyphs: state.glyphs)
        panel.render(into: &buffer, area: area)
        var paragraphs = [Span(finding.title, style: theme[.title]), Span("")]
        if let epoch = finding.epoch { paragraphs.append(Span("from epoch \(epoch) · \(finding.confidence.rawValue)", style: theme[.dimText])) }
        for line in finding.evidence { paragraphs.append(Span("• " + line, style: theme[.text])) }
        paragraphs += [Span(""), Span("What Keras computed", style: theme[.key]), Span(finding.explanation, style: theme[.text]),
                       Span(""), Span("Fix", style: theme[.key]), Span(finding.fix, style: theme[.good])]
        let inner = panel.inner(of: area)
        TextView(paragraphs: paragraphs).render(into: &buffer, area: Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height))
    }
}
