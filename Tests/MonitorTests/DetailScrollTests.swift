import Testing
import Diagnostics
import TerminalCore
@testable import Monitor

/// At 80x24 a finding's explanation is longer than the panel: it scrolls (↑↓, PgUp PgDn,
/// the mouse wheel) down to its Fix, and says how much is below.
@Suite struct DetailScrollTests {
    static let size = Size(width: 80, height: 24)

    /// The Boston run with its accuracy finding's explanation open.
    static func openDetail() throws -> MonitorState {
        var state = try ScreenSnapshotTests.boston(size: size)
        _ = state.perform(.warnings)
        _ = state.perform(.details)
        #expect(state.detailOpen)
        return state
    }

    @Test func fixIsCutOffUntilTheExplanationScrolls() throws {
        var state = try Self.openDetail()
        let top = MonitorView.render(state).lines
        #expect(!top.contains { $0.contains("Fix") }, "the Fix fits without scrolling: no test of scrolling\n\(top.joined(separator: "\n"))")
        #expect(top.contains { $0.contains("more ─") }, "no sign that more is below")
        #expect(top.last?.contains("PgUp PgDn") == true)
        _ = state.update(.key(.pageDown))
        _ = state.update(.key(.pageDown))
        _ = state.update(.key(.pageDown))
        let end = MonitorView.render(state).lines
        #expect(end.contains { $0.contains("Fix") })
        #expect(end.contains { $0.contains(" end ") })
        SnapshotAssertion.check(end, named: "finding-detail-scrolled-80x24")
    }

    @Test func arrowsAndWheelScrollByLineAndPageUpGoesBack() throws {
        var state = try Self.openDetail()
        _ = state.update(.key(.down))
        #expect(state.detailScroll == 1)
        _ = state.update(.key(.mouseWheel(up: false, x: 40, y: 15)))
        #expect(state.detailScroll == 2)
        _ = state.update(.key(.mouseWheel(up: true, x: 40, y: 15)))
        _ = state.update(.key(.up))
        _ = state.update(.key(.up))
        #expect(state.detailScroll == 0)
        for _ in 0..<50 { _ = state.update(.key(.down)) }
        let extent = try #require(WarningsPanelView.detailExtent(state))
        #expect(state.detailScroll == extent.lines - extent.height, "scrolls no further than the last page")
        _ = state.update(.key(.pageUp))
        #expect(state.detailScroll == max(0, extent.lines - extent.height - (extent.height - 1)))
        // The selected finding did not move while the explanation scrolled.
        #expect(state.selectedFinding == 0)
        // Closing and opening again starts at the top.
        _ = state.perform(.back)
        _ = state.perform(.details)
        #expect(state.detailScroll == 0)
    }
}
