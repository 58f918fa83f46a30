import Diagnostics
import TerminalCore
import Widgets

/// Under the main panel: the current findings, one per row, so a warning is on screen
/// whatever panel is open.
struct FindingsStripView: Widget {
    var state: MonitorState

    func render(into buffer: inout Buffer, area: Rect) {
        let theme = state.theme
        let findings = state.selectedRunState?.findings ?? []
        let new = state.selectedRunState?.newFindingIDs ?? []
        for (index, finding) in findings.prefix(area.height).enumerated() {
            let y = area.y + index
            let row = Rect(x: area.x, y: y, width: area.width, height: 1)
            let overflow = index == area.height - 1 && findings.count > area.height
            let hint = overflow ? " +\(findings.count - area.height) more, w " : " w "
            let tag = new.contains(finding.id) ? " new" : ""
            let lead = " " + Span.fit(finding.severity.rawValue, width: 8) + finding.id + "  "
            let titleWidth = max(0, area.width - hint.count - lead.count - tag.count)
            let spans = [
                Span(" " + Span.fit(finding.severity.rawValue, width: 8), style: theme[key(for: finding.severity)]),
                Span(finding.id, style: theme[.title]),
                Span("  " + Span.fit(finding.title, width: min(finding.title.count, titleWidth), ellipsis: state.glyphs.ellipsis), style: theme[.text]),
                Span(tag, style: theme[.warning]),
            ]
            buffer.write(spans, x: area.x, y: y, clip: Rect(x: area.x, y: y, width: area.width - hint.count, height: 1))
            buffer.write(hint, x: area.maxX - hint.count, y: y, style: theme[.dimText], clip: row)
        }
    }
}
