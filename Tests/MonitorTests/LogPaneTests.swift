import Foundation
import Testing
import TerminalCore
import TestSupport
import TrainingLog
@testable import Feeds
@testable import Monitor

/// The log pane of a wrapped command (`fitwatch run -- python train.py`): the lines the
/// command printed, kept in a bounded ring, shown newest last, toggled with `o`.
@Suite struct LogPaneTests {
    /// What the command feed posts for the real S1 Boston run's terminal output: its
    /// LineBuffer turns the pty bytes into lines with escapes and `\r` redraws resolved.
    static func bostonOutputLines() throws -> [String] {
        var splitter = LineBuffer()
        let bytes = [UInt8](try Fixtures.data("keras-logs/k3_s1_seed_regression_accuracy.tty.log"))
        return splitter.append(bytes) + splitter.finish()
    }

    /// The Boston run as a wrapped command: its epochs, and its output lines interleaved.
    static func wrappedBoston(size: Size) throws -> MonitorState {
        var state = RunFixtures.state(source: "python boston.py",
                                      events: try RunFixtures.epochEvents(csv: "k3_s1_seed_regression_accuracy", secondsPerEpoch: 0.6),
                                      sourceState: .finished, size: size, findings: [])
        for line in try bostonOutputLines() { _ = state.update(.feed(.output(SourceID("python boston.py"), line))) }
        return state
    }

    @Test func theRingKeepsTheNewestLinesInOrderAndForgetsTheOldest() {
        var log = OutputLog(capacity: 3)
        for n in 1...5 { log.append("line \(n)") }
        #expect(log.count == 3)
        #expect(log.total == 5)
        #expect(log.last(10) == ["line 3", "line 4", "line 5"])
        #expect(log.last(2) == ["line 4", "line 5"])
        #expect(log.newest == "line 5")
    }

    @Test func controlCharactersNeverReachTheScreen() {
        var log = OutputLog()
        log.append("a\tb\u{07}c\u{1b}")
        #expect(log.newest == "a       bc")
    }

    @Test func aSourceKeepsAtMost500LinesHoweverMuchItPrints() {
        var state = MonitorState()
        let id = SourceID("python train.py")
        for n in 1...2_000 { _ = state.update(.feed(.output(id, "print \(n)"))) }
        let output = state.runs[id]?.output
        #expect(output?.count == OutputLog.defaultCapacity)
        #expect(output?.last(1) == ["print 2000"])
        #expect(output?.last(500).first == "print 1501")
    }

    @Test func oTogglesThePaneWhichAppearsOnlyForASourceThatPrinted() throws {
        var quiet = RunFixtures.state(source: "boston.log", events: try RunFixtures.epochEvents(csv: "k3_s1_seed_regression_accuracy"))
        #expect(!quiet.showsLogPane)
        #expect(MonitorLayout(state: quiet).logPane.isEmpty)
        _ = quiet.update(.feed(.output(SourceID("boston.log"), "loading data")))
        #expect(quiet.showsLogPane)

        var state = try Self.wrappedBoston(size: Size(width: 80, height: 24))
        let shown = MonitorLayout(state: state)
        #expect(shown.logPane.height == 6)
        #expect(MonitorView.render(state).lines.contains { $0.contains("compile_metrics: 0.00%") })
        _ = state.update(.key(.character("o")))
        #expect(!state.showsLogPane)
        let hidden = MonitorLayout(state: state)
        #expect(hidden.logPane.isEmpty)
        // The rows go back to the chart.
        #expect(hidden.main.height == shown.main.height + 6)
        #expect(!MonitorView.render(state).lines.contains { $0.contains("compile_metrics") })
        _ = state.update(.key(.character("o")))
        #expect(state.showsLogPane)
    }

    @Test(arguments: ScreenSnapshotTests.sizes) func wrappedCommandShowsItsOutputInTheLogPane(size: Size) throws {
        let lines = MonitorView.render(try Self.wrappedBoston(size: size)).lines
        // The last line Keras 3 printed for the run, after its final progress bar.
        #expect(lines.contains { $0.contains("compile_metrics: 0.00%") })
        #expect(!lines.contains { $0.contains("\u{1b}") })
        SnapshotAssertion.check(lines, named: ScreenSnapshotTests.name("wrapped-command-log", size))
    }
}
