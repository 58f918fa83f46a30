import Testing
import TerminalCore
import TestSupport
import TrainingLog
@testable import Monitor

/// The per-batch chart's x axis on a real Keras log: the Boston run (Keras 3, S1) printed to a
/// terminal, 100 epochs of 81 steps, its progress bar redrawn many times an epoch.
@Suite struct BatchAxisTests {
    static func state() throws -> (MonitorState, [BatchProgress]) {
        let events = try LogLoader.events(at: Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.tty.log").path, format: nil)
        let updates = events.compactMap { if case .batchProgress(let progress) = $0 { return progress } else { return nil } }
        var state = RunFixtures.state(source: "boston.tty.log", events: events, size: Size(width: 120, height: 40))
        _ = state.update(.key(.character("b")))
        return (state, updates)
    }

    @Test func theBatchChartLabelsTheRunsRealSteps() throws {
        let (state, updates) = try Self.state()
        let last = try #require(updates.last)
        let total = try #require(last.total)
        // The premise: far more steps than printed updates.
        #expect(total == 81 && last.epoch == 100)
        #expect(updates.count < (last.epoch - 1) * total + last.step)
        let lines = MonitorView.render(state).lines
        let axis = try #require(lines.firstIndex { $0.contains("└┬") })
        let labels = lines[axis + 1]
        // The last label is the run's last step, 99 × 81 + 81 = 8100; the first is the step of
        // the first printed update.
        #expect(labels.contains("step \(last.epoch * total)"), "\(labels)")
        #expect(labels.contains(" \((updates[0].epoch - 1) * total + updates[0].step) "), "\(labels)")
        #expect(!labels.contains("step \(updates.count)"))
    }

    @Test func bestAtEpochPerBatchNamesTheEpoch() throws {
        let (state, updates) = try Self.state()
        let losses = updates.compactMap { $0.metrics["loss"] }
        let best = try #require(losses.indices.min { losses[$0] < losses[$1] })
        let row = try #require(MonitorView.render(state).lines.first { $0.contains("│ loss ↓") })
        // The best running loss was printed during this epoch; the column says so.
        #expect(row.contains("@\(updates[best].epoch) "), "\(row) (best update \(best + 1), epoch \(updates[best].epoch))")
    }

    @Test func theCursorReadsTheStepAndItsEpoch() throws {
        var (state, updates) = try Self.state()
        _ = state.update(.key(.character("v")))
        let last = try #require(updates.last)
        let lines = MonitorView.render(state).lines
        // The newest point is the epoch's own line: its last step, with the epoch's loss (the
        // running average at that step), not the last update printed before it.
        let finalLoss = try #require(state.runs.values.first?.history.epochs.last?.metrics["loss"])
        let prefix = "│ step \(last.epoch * 81) (epoch \(last.epoch))  loss "
        let readout = try #require(lines.first { $0.contains(prefix) }, "\(lines.joined(separator: "\n"))")
        let shown = try #require(Double(readout.components(separatedBy: prefix)[1].prefix { !$0.isWhitespace }))
        #expect(abs(shown - finalLoss) <= 0.005 * abs(finalLoss), "\(readout) against the epoch's loss \(finalLoss)")
        #expect(abs(shown - (last.metrics["loss"] ?? 0)) > 0.005 * abs(finalLoss), "not the last printed update's value")
    }
}
