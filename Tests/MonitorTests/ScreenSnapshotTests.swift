import Testing
import Diagnostics
import Feeds
import KerasModel
import TerminalCore
import TrainingLog
@testable import Monitor

/// Whole screens at the two sizes the issue names, from real runs, with the clock frozen.
@Suite struct ScreenSnapshotTests {
    static let sizes = [Size(width: 80, height: 24), Size(width: 120, height: 40)]

    static func name(_ base: String, _ size: Size) -> String { "\(base)-\(size.width)x\(size.height)" }

    /// The healthy 300-epoch iris run (S9, tf-keras): nothing to warn about.
    static func healthy(size: Size) throws -> MonitorState {
        RunFixtures.state(source: "iris_long_run.log",
                          events: try RunFixtures.epochEvents(csv: "tfk_s9_long_run_300_epochs", secondsPerEpoch: 0.2),
                          sourceState: .finished, size: size, findings: nil)
    }

    /// The Boston run (S1) with its model and the accuracy finding, accuracy selected.
    static func boston(size: Size) throws -> MonitorState {
        var events = try RunFixtures.epochEvents(csv: "k3_s1_seed_regression_accuracy", secondsPerEpoch: 0.6)
        events.insert(.modelKnown(RunFixtures.bostonModel), at: 1)
        var state = RunFixtures.state(source: "boston_housing.log", events: events, sourceState: .following,
                                      size: size, findings: nil)
        _ = state.perform(.down)
        return state
    }

    /// The two-output run (S4) in the graph view with out1's loss selected.
    static func twoOutputGraph(size: Size) throws -> MonitorState {
        var events = try RunFixtures.epochEvents(csv: "k3_s4_multi_output_functional", secondsPerEpoch: 0.3)
        events.insert(.modelKnown(RunFixtures.twoOutputModel), at: 1)
        var state = RunFixtures.state(source: "two_heads.log", events: events, sourceState: .finished, size: size, findings: nil)
        _ = state.perform(.graph)
        _ = state.perform(.down)
        return state
    }

    /// The S9 run with its loss turned NaN from epoch 41 on and TerminateOnNaN stopping it
    /// at 50 (real values up to 40; the NaNs are injected, no shared log has any).
    static func nanRun(size: Size) throws -> MonitorState {
        var events: [TrainingEvent] = []
        for event in try RunFixtures.epochEvents(csv: "tfk_s9_long_run_300_epochs", secondsPerEpoch: 0.2) {
            guard case .epochEnded(var record) = event else { events.append(event); continue }
            if record.epoch > 50 { break }
            if record.epoch > 40 { for key in ["loss", "val_loss"] { record.metrics[key] = .nan } }
            events.append(.epochEnded(record))
        }
        events.append(.message(CallbackMessage(kind: .terminatedOnNaN, epoch: 50, text: "Batch 2: Invalid loss, terminating training")))
        events.append(.runEnded(.failed("loss became NaN at epoch 41")))
        return RunFixtures.state(source: "iris_nan.log", events: events, sourceState: .finished, size: size, findings: nil)
    }

    @Test(arguments: sizes) func healthyRun(size: Size) throws {
        SnapshotAssertion.check(MonitorView.render(try Self.healthy(size: size)).lines, named: Self.name("healthy", size))
    }

    @Test(arguments: sizes) func bostonRunWithItsAccuracyWarning(size: Size) throws {
        let lines = MonitorView.render(try Self.boston(size: size)).lines
        #expect(lines.contains { $0.contains("accuracy-on-regression") })
        #expect(lines.contains { $0.contains("binary_accuracy (ŷ>0.5)==y") })
        SnapshotAssertion.check(lines, named: Self.name("boston", size))
    }

    @Test(arguments: sizes) func twoOutputGraphWithALossSelected(size: Size) throws {
        let lines = MonitorView.render(try Self.twoOutputGraph(size: size)).lines
        #expect(lines.contains { $0.contains("out1") })
        SnapshotAssertion.check(lines, named: Self.name("two-output-graph", size))
    }

    @Test(arguments: sizes) func nanRunShowsNaNNotZero(size: Size) throws {
        let lines = MonitorView.render(try Self.nanRun(size: size)).lines
        #expect(lines.contains { $0.contains("nan") })
        SnapshotAssertion.check(lines, named: Self.name("nan", size))
    }
}
