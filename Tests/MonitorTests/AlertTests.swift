import Foundation
import Testing
import Diagnostics
import RunModel
import TerminalCore
import TrainingLog
@testable import Monitor

/// `--notify` / `--on-event` on the screen: the monitor announces what the run model decides,
/// each finding once and each run's end once.
@Suite struct AlertTests {
    static let source = SourceID("boston.log")

    static func announcements(_ effects: [Effect], fit expected: Int = 1) -> [RunEvent] {
        effects.compactMap { effect -> RunEvent? in
            guard case .announce(let id, let event, let fit) = effect, id == source else { return nil }
            #expect(fit == expected, "announced for fit \(fit)")
            return event
        }
    }

    @Test func aFindingAndTheRunsEndAreAnnouncedOnceEachAfterItsLastDiagnosis() throws {
        var state = MonitorState(diagnose: { _, _, _ in [RunFixtures.accuracyOnRegression] })
        state.alerts.enabled = true
        _ = state.tickSettled(100)
        _ = state.update(.feed(.event(Self.source, .epochEnded(EpochRecord(epoch: 1, of: 2, metrics: ["loss": 4156, "accuracy": 0])))))
        let first = Self.announcements(state.tickSettled(100.5))
        #expect(first == [.finding(RunFixtures.accuracyOnRegression, provisional: false)])
        _ = state.update(.feed(.event(Self.source, .epochEnded(EpochRecord(epoch: 2, of: 2, metrics: ["loss": 1101, "accuracy": 0])))))
        _ = state.update(.feed(.state(Self.source, .finished)))
        // The finding is not new; the run is over: its end, once.
        var events = Self.announcements(state.tickSettled(103))
        events += Self.announcements(state.tickSettled(104))
        #expect(events == [.ended(.finished)])
        #expect(Self.announcements(state.tickSettled(105)).isEmpty)
    }

    @Test func withoutNotifyOrOnEventNothingIsAnnounced() throws {
        var state = MonitorState(diagnose: { _, _, _ in [RunFixtures.accuracyOnRegression] })
        _ = state.tickSettled(100)
        _ = state.update(.feed(.event(Self.source, .epochEnded(EpochRecord(epoch: 1, metrics: ["loss": 4156, "accuracy": 0])))))
        _ = state.update(.feed(.state(Self.source, .finished)))
        #expect(Self.announcements(state.tickSettled(100.5) + state.tickSettled(101)).isEmpty)
    }

    @Test func anOnEventProblemShowsInTheStatusLineUntilTheNextKey() throws {
        var state = try RunFixtures.state(source: "boston.log", events: RunFixtures.epochEvents(csv: "k3_s1_seed_regression_accuracy"))
        state.size = Size(width: 120, height: 30)
        _ = state.update(.notice("--on-event: 'curl' exited with status 6"))
        let frame = MonitorView.render(state)
        let bottom = (0..<frame.size.width).map { String(frame[$0, frame.size.height - 1].character) }.joined()
        #expect(bottom.contains("! --on-event: 'curl' exited with status 6"))
        _ = state.update(.key(.character("c")))
        #expect(state.alerts.notice == nil)
    }
}
