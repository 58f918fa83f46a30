import Foundation
import Testing
import TestSupport
import TrainingLog
@testable import Feeds

/// The recorded pace comes from the best timing the source has, so a replay takes about as
/// long as the run did (not 0 s for a log whose epochs printed `0s`), and the replay keys
/// land where they say: `n` one epoch, `:N` epoch N, every key after the end too.
@Suite struct ReplayPaceTests {
    static let bostonLog = "keras-logs/k3_s1_seed_regression_accuracy.pipe.log"

    static func events(_ fixture: String) throws -> [TrainingEvent] {
        try LogLoader.events(at: Fixtures.url(fixture).path, format: nil)
    }

    /// When each epoch ends on the recorded timeline.
    static func epochTimes(_ fixture: String) throws -> [Double] {
        let events = try events(fixture)
        let times = ReplayFeed.timeline(of: events)
        return events.indices.compactMap { index in
            if case .epochEnded = events[index] { return times[index] } else { return nil }
        }
    }

    @Test func anEpochPrintedAsZeroSecondsTakesItsStepTimeTimesItsSteps() {
        let zero = EpochRecord(epoch: 2, steps: 81, seconds: 0, secondsPerStep: 0.007, metrics: ["loss": 1])
        #expect(abs((ReplayFeed.recordedSeconds(of: zero) ?? 0) - 0.567) < 1e-9)
        let whole = EpochRecord(epoch: 1, steps: 81, seconds: 2, secondsPerStep: 0.012, metrics: ["loss": 1])
        #expect(ReplayFeed.recordedSeconds(of: whole) == 2)
        // Nothing finer than `0s`, or no time at all (CSVLogger): the stated default pace.
        #expect(ReplayFeed.recordedSeconds(of: EpochRecord(epoch: 1, seconds: 0, metrics: ["loss": 1])) == nil)
        #expect(ReplayFeed.timeline(of: [.epochEnded(EpochRecord(epoch: 1, seconds: 0, metrics: ["loss": 1]))]) == [ReplayFeed.defaultEpochSeconds])
    }

    /// The Boston log printed `1s` for epoch 1 and `0s` for the 99 others: the old timeline
    /// put all 99 at the same instant (1.0 s), so any speed replayed them at once.
    @Test func kerasLogOfZeroSecondEpochsReplaysAtItsStepTimes() throws {
        let times = try Self.epochTimes(Self.bostonLog)
        #expect(times.count == 100)
        #expect(times.first == 1)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "two epochs end at the same instant")
        // Measured on this fixture: 1 s + 99 epochs of 81 steps at their printed ms/step.
        #expect(abs(times.last! - 4.3008) < 0.001, "\(times.last!)")
    }

    /// TensorBoard records wall times: the first epoch took 2.56 s (compilation), the others
    /// about 0.03 s, as the event files say.
    @Test func tensorBoardRunReplaysAtItsWallTimes() throws {
        let times = try Self.epochTimes("keras-logs/k3_s4_multi_output_functional.tensorboard")
        #expect(times.count == 20)
        #expect(abs(times[0] - 2.5615) < 0.001, "\(times[0])")
        #expect(abs(times.last! - 3.1759) < 0.001, "\(times.last!)")
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 })
    }

    /// The callback stream times each epoch from its records' timestamps.
    @Test func callbackStreamReplaysAtItsTimestamps() throws {
        let times = try Self.epochTimes("fitwatch/k3_two_heads.fitwatch.jsonl")
        // As written in the fixture: 12.185903 s (the first epoch compiles), then 0.035307 s, 0.028216 s.
        #expect(times.count >= 3)
        #expect(abs(times[0] - 12.185903) < 1e-6)
        #expect(abs(times[1] - (12.185903 + 0.035307)) < 1e-6)
        #expect(abs(times[2] - (12.185903 + 0.035307 + 0.028216)) < 1e-6)
    }

    @Test func csvLoggerFileReplaysAtTheDefaultPace() throws {
        let times = try Self.epochTimes("keras-logs/k3_s4_multi_output_functional.csvlogger.csv")
        #expect(times == (1...20).map { Double($0) * ReplayFeed.defaultEpochSeconds })
    }

    private func replay(_ fixture: String) throws -> (ReplayFeed, FeedProbe, ManualClock) {
        let clock = ManualClock()
        let feed = ReplayFeed(events: try Self.events(fixture), id: SourceID("boston.log"), speed: 1, clock: clock)
        let probe = FeedProbe(feed)
        feed.flush()
        return (feed, probe, clock)
    }

    private func settle(_ feed: ReplayFeed, _ probe: FeedProbe) {
        feed.flush()
        probe.wait(timeout: 0) { _ in false }
    }

    @Test func nStepsExactlyOneEpochAndColonNLandsOnEpochN() throws {
        let (feed, probe, clock) = try replay(Self.bostonLog)
        defer { feed.stop() }
        feed.control(.seek(epoch: 20))
        settle(feed, probe)
        #expect(probe.epochs.last == 20, "\(probe.epochs)")
        #expect(probe.epochs.count == 20)
        #expect(probe.states.last == .replaying(speed: 1))
        feed.control(.step)
        settle(feed, probe)
        #expect(probe.epochs.last == 21)
        #expect(probe.states.last == .paused)
        feed.control(.step)
        settle(feed, probe)
        #expect(probe.epochs.suffix(2) == [21, 22])
        // Paused: time passing plays nothing.
        clock.advance(by: 100)
        settle(feed, probe)
        #expect(probe.epochs.last == 22 && probe.epochs.count == 22)
    }

    @Test func everyKeyWorksAfterTheEnd() throws {
        let (feed, probe, clock) = try replay(Self.bostonLog)
        defer { feed.stop() }
        clock.advance(by: 10)
        settle(feed, probe)
        #expect(probe.epochs.count == 100)
        #expect(probe.states.last == .finished)
        // End at the end stays there; Home plays again from epoch 1, and says so.
        feed.control(.seek(epoch: Int.max))
        settle(feed, probe)
        #expect(probe.epochs.count == 100)
        feed.control(.seek(epoch: 1))
        settle(feed, probe)
        #expect(probe.epochs.count == 101 && probe.epochs.last == 1)
        #expect(probe.states.last == .replaying(speed: 1))
        // Speed set after the end holds for the replay.
        clock.advance(by: 10)
        settle(feed, probe)
        #expect(probe.states.last == .finished)
        feed.control(.speed(2))
        feed.control(.seek(epoch: 50))
        settle(feed, probe)
        #expect(probe.epochs.last == 50)
        #expect(probe.states.last == .replaying(speed: 2))
        // n after Home steps one epoch; space pauses.
        feed.control(.step)
        settle(feed, probe)
        #expect(probe.epochs.last == 51)
        #expect(probe.states.last == .paused)
        feed.control(.togglePause)
        settle(feed, probe)
        #expect(probe.states.last == .replaying(speed: 2))
    }
}
