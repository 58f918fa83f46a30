import Testing
import TerminalCore
import TrainingLog
import Widgets
@testable import Monitor

/// The value cursor (`v`): a vertical line on the chart, ←→ and clicks move it, a readout
/// says every drawn series' value there, and the metrics panel shows those values.
@Suite struct CursorTests {
    static let size = Size(width: 120, height: 40)

    /// The Boston run (Keras 3, S1), loss selected.
    static func boston() throws -> (MonitorState, RunHistory) {
        let events = try RunFixtures.epochEvents(csv: "k3_s1_seed_regression_accuracy")
        return (RunFixtures.state(source: "boston.log", events: events, size: size), RunFixtures.history(events))
    }

    /// The line under the chart that starts with `epoch N` (or `update N`).
    static func readout(_ lines: [String], _ x: String) -> String? {
        lines.first { $0.range(of: #"│ \#(x) "#, options: .regularExpression) != nil }
    }

    static func text(_ value: Double) -> String { formatMetric(value, significantDigits: 4) }

    @Test func vPutsTheCursorOnTheLastEpochAndArrowsMoveItOneEpoch() throws {
        var (state, history) = try Self.boston()
        let loss = history.values(of: "loss"), validation = history.values(of: "val_loss")
        #expect(Self.readout(MonitorView.render(state).lines, "epoch 100") == nil)
        _ = state.update(.key(.character("v")))
        var lines = MonitorView.render(state).lines
        let last = try #require(Self.readout(lines, "epoch 100"), "\(lines.joined(separator: "\n"))")
        #expect(last.contains("loss \(Self.text(loss[99]))") && last.contains("val_loss \(Self.text(validation[99]))"), "\(last)")
        _ = state.update(.key(.left))
        _ = state.update(.key(.left))
        _ = state.update(.key(.character("h")))
        lines = MonitorView.render(state).lines
        let moved = try #require(Self.readout(lines, "epoch 97"), "\(lines.joined(separator: "\n"))")
        #expect(moved.contains("loss \(Self.text(loss[96]))") && moved.contains("val_loss \(Self.text(validation[96]))"))
        // The metrics panel reads the cursor's epoch: its heading and the loss row.
        #expect(lines.contains { $0.contains("@97") && $0.contains("best@epoch") })
        let lossRow = try #require(lines.first { $0.contains("│ loss ↓") })
        #expect(lossRow.contains(formatMetric(loss[96], maxWidth: 7)) && !lossRow.contains(formatMetric(loss[99], maxWidth: 7)), "\(lossRow)")
        // The cursor stops at the ends.
        for _ in 0..<5 { _ = state.update(.key(.right)) }
        #expect(state.cursor == 99)
        // Esc hides it and the panel goes back to the newest values.
        _ = state.update(.key(.escape))
        lines = MonitorView.render(state).lines
        #expect(state.cursor == nil && Self.readout(lines, "epoch") == nil)
        #expect(lines.contains { $0.contains("now") && $0.contains("best@epoch") })
    }

    @Test func underSmoothingTheReadoutGivesTheSmoothedAndTheRawValue() throws {
        var (state, history) = try Self.boston()
        _ = state.update(.key(.character("s")))
        _ = state.update(.key(.character("v")))
        let loss = history.values(of: "loss")
        let smoothed = Smoothing.ema(loss, weight: 0.6)
        let line = try #require(Self.readout(MonitorView.render(state).lines, "epoch 100"))
        #expect(line.contains("loss \(Self.text(smoothed[99])) raw \(Self.text(loss[99]))"), "\(line)")
    }

    @Test func theReadoutSaysWhatHappenedAtTheCursorsEpoch() throws {
        var events = try RunFixtures.epochEvents(csv: "k3_s1_seed_regression_accuracy")
        // An early stop after epoch 30 (as Keras's EarlyStopping prints it), best epoch 24 restored.
        events = Array(events.prefix { if case .epochEnded(let record) = $0 { return record.epoch <= 30 } else { return true } })
        events.append(.message(CallbackMessage(kind: .restoredBestWeights, epoch: 24, text: "Restoring model weights from the end of the best epoch: 24.")))
        events.append(.message(CallbackMessage(kind: .earlyStopping, epoch: 30, text: "Epoch 30: early stopping")))
        var state = RunFixtures.state(source: "boston.log", events: events, size: Self.size)
        _ = state.update(.key(.character("v")))
        var lines = MonitorView.render(state).lines
        let stop = try #require(Self.readout(lines, "epoch 30"), "\(lines.joined(separator: "\n"))")
        #expect(stop.contains("E ") && stop.contains("early stop"), "\(stop)")
        for _ in 0..<6 { _ = state.update(.key(.left)) }
        lines = MonitorView.render(state).lines
        let best = try #require(Self.readout(lines, "epoch 24"))
        #expect(best.contains("R ") && !best.contains("early stop"), "\(best)")
    }

    @Test func withSeveralRunsTheArrowsMoveTheCursorNotTheRunAndTheOverlayListsEveryRun() throws {
        var state = try OverlayTests.twoRuns(size: Self.size)
        _ = state.update(.key(.character("O")))
        _ = state.update(.key(.character("v")))
        let selected = state.selectedRun
        _ = state.update(.key(.left))
        #expect(state.selectedRun == selected)
        #expect(state.cursor == 298)
        let lines = MonitorView.render(state).lines
        let line = try #require(Self.readout(lines, "epoch 299"), "\(lines.joined(separator: "\n"))")
        // The 30-epoch run has no epoch 299: it says so instead of repeating its last value.
        #expect(line.contains("1 iris_long_run.log ") && line.contains("2 iris_bce.log -"), "\(line)")
        // Without the cursor ←→ select runs again.
        _ = state.update(.key(.character("v")))
        _ = state.update(.key(.right))
        #expect(state.selectedRun != selected)
    }

    @Test func aClickOnTheChartMovesTheCursorToThePointUnderIt() throws {
        var (state, _) = try Self.boston()
        let layout = MonitorLayout(state: state)
        let lines = MonitorView.render(state).lines
        // The x axis row and the columns of its first and last ticks (epochs 1 and 100).
        let axisRow = try #require(lines.firstIndex { $0.contains("└┬") })
        let axis = Array(lines[axisRow])
        let first = try #require(axis.firstIndex(of: "┬"))
        let last = try #require(axis.lastIndex(of: "┬"))
        #expect(layout.main.contains(x: first, y: axisRow - 3))
        // Without the cursor a click only focuses the panel.
        _ = state.update(.key(.mouseClick(x: first, y: axisRow - 3)))
        #expect(state.cursor == nil && state.focus == .main)
        _ = state.update(.key(.character("v")))
        _ = state.update(.key(.mouseClick(x: last, y: axisRow - 3)))
        #expect(state.cursor == 99)
        _ = state.update(.key(.mouseClick(x: first, y: axisRow - 3)))
        #expect(state.cursor == 0)
        #expect(Self.readout(MonitorView.render(state).lines, "epoch 1") != nil)
    }
}

extension CursorTests {
    @Test func cursorScreen() throws {
        var state = try OverlayTests.twoRuns(size: Self.size)
        _ = state.update(.key(.character("v")))
        for _ in 0..<150 { _ = state.update(.key(.left)) }
        SnapshotAssertion.check(MonitorView.render(state).lines, named: "cursor-epoch-150-120x40")
    }
}
