import Testing
import TerminalCore
import TrainingLog
@testable import Monitor

/// The metric filter (`/`): a case-insensitive regular expression over metric family names,
/// applied to the metrics panel and the grid as it is typed.
@Suite struct MetricFilterTests {
    static func type(_ text: String, into state: inout MonitorState) {
        for character in text { _ = state.update(.key(.character(character))) }
    }

    /// The metric names in the metrics table's rows (`│ out1_loss ↓ ...`).
    static func metricRows(_ lines: [String]) -> [String] {
        lines.compactMap { line in
            guard line.hasPrefix("│ ") || line.hasPrefix("│!"), line.contains(" │ ") else { return nil }
            let name = line.dropFirst(2).split(separator: " ").first.map(String.init)
            guard let name, name != "metric", name.first?.isLetter == true else { return nil }
            return name
        }
    }

    @Test func theFilterFollowsTheTextAsItIsTypedAndIgnoresCase() throws {
        var state = try GridTests.twoHeads(size: Size(width: 100, height: 30))
        #expect(Self.metricRows(MonitorView.render(state).lines) == ["loss", "out1_loss", "out1_mae", "out2_loss", "out2_accuracy"])
        _ = state.update(.key(.character("/")))
        Self.type("OUT1", into: &state)
        var lines = MonitorView.render(state).lines
        #expect(Self.metricRows(lines) == ["out1_loss", "out1_mae"], "\(lines.joined(separator: "\n"))")
        // The panel says a filter is active and how much it lets through; the prompt is in the status line.
        #expect(lines.contains { $0.contains("Metrics /OUT1/ · 2 of 5") })
        #expect(lines.last?.contains("filter metrics / OUT1_") == true)
        // Enter keeps it; the keys work again (`a` opens the grid, filtered too).
        _ = state.update(.key(.enter))
        #expect(state.metricFilter == "OUT1" && state.metricFilterEntry == nil)
        _ = state.update(.key(.character("a")))
        lines = MonitorView.render(state).lines
        #expect(GridTests.cellTitles(lines) == ["▶ out1_loss ↓", "out1_mae ↓"])
        #expect(lines.contains { $0.contains("Charts /OUT1/ · 2 of 5") })
        // `/` again edits it; Esc clears it.
        _ = state.update(.key(.character("/")))
        #expect(state.metricFilterEntry == "OUT1")
        _ = state.update(.key(.escape))
        #expect(state.metricFilter == nil && GridTests.cellTitles(MonitorView.render(state).lines).count == 5)
    }

    @Test func anInvalidExpressionSaysSoAndKeepsTheLastValidFilter() throws {
        var state = try GridTests.twoHeads(size: Size(width: 100, height: 30))
        _ = state.update(.key(.character("/")))
        Self.type("mae|acc(", into: &state)
        let lines = MonitorView.render(state).lines
        let status = try #require(lines.last)
        #expect(status.contains("invalid:") && status.contains("kept /mae|acc/"), "\(status)")
        #expect(Self.metricRows(lines) == ["out1_mae", "out2_accuracy"])
        _ = state.update(.key(.backspace))
        #expect(state.metricFilterError == nil)
        _ = state.update(.key(.enter))
        #expect(state.metricFilter == "mae|acc")
    }

    @Test func theSelectionStaysOnItsFamilyWhenItStillMatches() throws {
        var state = try GridTests.twoHeads(size: Size(width: 100, height: 30))
        _ = state.update(.key(.down))
        _ = state.update(.key(.down))
        #expect(state.selectedFamily?.name == "out1_mae")
        _ = state.update(.key(.character("/")))
        Self.type("out", into: &state)
        #expect(state.selectedFamily?.name == "out1_mae")
        Self.type("2", into: &state)
        #expect(state.selectedFamily?.name == "out2_loss")
    }

    @Test func aFilterMatchingNothingSaysSo() throws {
        var state = try GridTests.twoHeads(size: Size(width: 100, height: 30))
        _ = state.update(.key(.character("/")))
        Self.type("precision", into: &state)
        _ = state.update(.key(.enter))
        #expect(MonitorView.render(state).lines.contains { $0.contains("no metric matches /precision/") })
        _ = state.update(.key(.character("a")))
        #expect(MonitorView.render(state).lines.contains { $0.contains("no metric matches /precision/") })
    }

    @Test func theFilterMatchesNamesAndKeysCaseInsensitively() throws {
        let families = MetricFamily.families(metricNames: ["loss", "accuracy", "val_loss", "lr"], outputs: [])
        let filter = try #require(MetricFilter(pattern: "^VAL_"))
        // `val_` matches the families with a validation twin through their validation key.
        #expect(filter.filter(families).map(\.name) == ["loss"])
        #expect(MetricFilter(pattern: "acc|^lr$")?.filter(families).map(\.name) == ["accuracy", "lr"])
        #expect(MetricFilter(pattern: "[") == nil && MetricFilter.validate("[") != nil)
        #expect(MetricFilter.validate("a.*b") == nil)
    }
}
