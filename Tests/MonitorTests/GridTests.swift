import Testing
import TerminalCore
import TrainingLog
import Widgets
@testable import Monitor

/// The grid of charts (`a`): every metric family as a small chart, arrows between cells,
/// Enter opens one full size and Esc comes back; pages when more cells exist than fit.
@Suite struct GridTests {
    /// The two-heads run (Keras 3, S4): five families (loss, out1_loss, out1_mae, out2_accuracy, out2_loss).
    static func twoHeads(size: Size) throws -> MonitorState {
        RunFixtures.state(source: "two_heads.log", events: try RunFixtures.epochEvents(csv: "k3_s4_multi_output_functional"), size: size)
    }

    /// A run logging `families` metric families (and their validation twins) over 40 epochs.
    static func wide(families: Int, size: Size) -> MonitorState {
        var events: [TrainingEvent] = [.runStarted(RunStart(epochs: 40, format: .keras3))]
        for epoch in 1...40 {
            var metrics = MetricValues()
            for family in 0..<families {
                let value = 1 / Double(epoch) + Double(family)
                metrics["m\(family)_loss"] = value
                metrics["val_m\(family)_loss"] = value * 1.1
            }
            events.append(.epochEnded(EpochRecord(epoch: epoch, of: 40, steps: 10, seconds: 65, metrics: metrics)))
        }
        return RunFixtures.state(source: "wide.log", events: events, size: size)
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 120, height: 40)])
    func theGridShowsEveryFamilyAsAChart(size: Size) throws {
        var state = try Self.twoHeads(size: size)
        _ = state.update(.key(.character("a")))
        #expect(state.mode == .grid)
        let lines = MonitorView.render(state).lines
        SnapshotAssertion.check(lines, named: "grid-two-heads-\(size.width)x\(size.height)")
    }
}
