import Testing
import Feeds
import TerminalCore
import TrainingLog
import Widgets
@testable import Monitor

/// The overlay of one metric across runs (`O`): every run's line on the same axes.
@Suite struct OverlayTests {
    /// Two iris runs side by side: the healthy 300-epoch one (S9) and the 30-epoch one with
    /// binary cross-entropy on a multi-class output (S2), as `fitwatch a.log b.log` shows them.
    static func twoRuns(size: Size) throws -> MonitorState {
        var state = RunFixtures.state(source: "iris_long_run.log",
                                      events: try RunFixtures.epochEvents(csv: "tfk_s9_long_run_300_epochs", secondsPerEpoch: 0.2),
                                      sourceState: .finished, size: size)
        let second = SourceID("iris_bce.log")
        _ = state.update(.feed(.state(second, .following)))
        for event in try RunFixtures.epochEvents(csv: "tfk_s2_bce_on_multiclass", secondsPerEpoch: 0.2) {
            _ = state.update(.feed(.event(second, event)))
        }
        _ = state.tickSettled(1_000_001)
        return state
    }

    @Test func capitalOTogglesTheOverlayOnlyWithSeveralRuns() throws {
        var one = RunFixtures.state(source: "boston.log", events: try RunFixtures.epochEvents(csv: "k3_s1_seed_regression_accuracy"))
        _ = one.update(.key(.character("O")))
        #expect(!one.showsOverlay)

        var state = try Self.twoRuns(size: Size(width: 80, height: 24))
        _ = state.update(.key(.character("g")))
        _ = state.update(.key(.character("O")))
        #expect(state.showsOverlay)
        // The overlay is a chart: it comes back to the chart from the graph.
        #expect(state.mode == .chart)
        _ = state.update(.key(.character("O")))
        #expect(!state.showsOverlay)
    }

    @Test func eachRunIsItsOwnLineInItsOwnColour() throws {
        var state = try Self.twoRuns(size: Size(width: 120, height: 40))
        _ = state.update(.key(.character("O")))
        let layout = MonitorLayout(state: state)
        let chart = ChartPanelView(state: state, layout: layout)
        let (series, legend) = chart.overlaySeries(key: "loss")
        #expect(series.map(\.name) == ["1 iris_long_run.log", "2 iris_bce.log"])
        #expect(series.map(\.values.count) == [300, 30])
        #expect(series[0].style != series[1].style)
        #expect(legend.map(\.style) == series.map(\.style))
        // Both colours are drawn on the plot.
        let buffer = MonitorView.render(state)
        var drawn: Set<Style> = []
        for y in layout.main.y..<layout.main.maxY {
            for x in layout.main.x..<layout.main.maxX {
                let cell = buffer[x, y]
                if ("\u{2801}"..."\u{28FF}").contains(cell.character) { drawn.insert(cell.style) }
            }
        }
        #expect(drawn.isSuperset(of: Set(series.map(\.style))))
    }

    @Test(arguments: ScreenSnapshotTests.sizes) func overlayOfTheLossOfTwoRuns(size: Size) throws {
        var state = try Self.twoRuns(size: size)
        _ = state.update(.key(.character("O")))
        let lines = MonitorView.render(state).lines
        #expect(lines.contains { $0.contains("loss · all runs") && $0.contains("1 iris_long_run.log") && $0.contains("2 iris_bce.log") })
        SnapshotAssertion.check(lines, named: ScreenSnapshotTests.name("overlay-two-runs", size))
    }
}
