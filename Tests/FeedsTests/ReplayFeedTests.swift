import Testing
import Foundation
import TrainingLog
@testable import Feeds

/// Replay at the recorded pace, driven by a manual clock: no test waits for real time.
@Suite struct ReplayFeedTests {
    /// Three epochs that Keras printed as taking 2 s, 4 s and 6 s.
    private var recording: [TrainingEvent] {
        var events: [TrainingEvent] = [.runStarted(RunStart(epochs: 3, format: .keras3))]
        for (epoch, seconds) in [(1, 2.0), (2, 4.0), (3, 6.0)] {
            events.append(.epochBegan(epoch: epoch, of: 3))
            events.append(.batchProgress(BatchProgress(epoch: epoch, step: 5, total: 10, metrics: ["loss": 1])))
            events.append(.epochEnded(EpochRecord(epoch: epoch, of: 3, seconds: seconds, metrics: ["loss": 1.0 / Double(epoch)])))
        }
        events.append(.runEnded(.finished))
        return events
    }

    private func replay(speed: Double = 1, instant: Bool = false) -> (ReplayFeed, FeedProbe, ManualClock) {
        let clock = ManualClock()
        let feed = ReplayFeed(events: recording, id: SourceID("run.log"), speed: speed, instant: instant, clock: clock)
        let probe = FeedProbe(feed)
        feed.flush()
        return (feed, probe, clock)
    }

    private func collect(_ probe: FeedProbe) { probe.wait(timeout: 0) { _ in false } }

    @Test func playsEpochsAtTheDurationsKerasPrinted() {
        let (feed, probe, clock) = replay()
        defer { feed.stop() }
        collect(probe)
        #expect(probe.epochs == [])
        #expect(probe.states == [.replaying(speed: 1)])
        clock.advance(by: 1.9)
        collect(probe)
        #expect(probe.epochs == [])
        // Halfway through epoch 1 its progress update (step 5 of 10) was shown.
        #expect(probe.events.contains { if case .batchProgress(let p) = $0 { return p.epoch == 1 } else { return false } })
        clock.advance(by: 0.1)
        collect(probe)
        #expect(probe.epochs == [1])
        clock.advance(by: 3.9)
        collect(probe)
        #expect(probe.epochs == [1])
        clock.advance(by: 0.1)
        collect(probe)
        #expect(probe.epochs == [1, 2])
        clock.advance(by: 6)
        collect(probe)
        #expect(probe.epochs == [1, 2, 3])
        #expect(probe.states.last == .finished)
        #expect(probe.events.last == .runEnded(.finished))
    }

    @Test func speedScalesThePace() {
        let (feed, probe, clock) = replay(speed: 10)
        defer { feed.stop() }
        clock.advance(by: 0.19)
        collect(probe)
        #expect(probe.epochs == [])
        clock.advance(by: 0.01)
        collect(probe)
        #expect(probe.epochs == [1])
        // Changing speed mid-run: 0.4 s recorded of epoch 2 were played at 10x (0.04 s wall).
        clock.advance(by: 0.04)
        feed.control(.speed(1))
        feed.flush()
        clock.advance(by: 3.5)
        collect(probe)
        #expect(probe.epochs == [1])
        clock.advance(by: 0.1)
        collect(probe)
        #expect(probe.epochs == [1, 2])
        #expect(probe.states.contains(.replaying(speed: 1)))
    }

    @Test func pauseHoldsTimeAndStepShowsTheNextEpoch() {
        let (feed, probe, clock) = replay()
        defer { feed.stop() }
        clock.advance(by: 1)
        feed.control(.pause)
        feed.flush()
        clock.advance(by: 100)
        collect(probe)
        #expect(probe.epochs == [])
        #expect(probe.states.last == .paused)
        feed.control(.step)
        feed.flush()
        collect(probe)
        #expect(probe.epochs == [1])
        feed.control(.step)
        feed.flush()
        collect(probe)
        #expect(probe.epochs == [1, 2])
        feed.control(.resume)
        feed.flush()
        clock.advance(by: 5.9)
        collect(probe)
        #expect(probe.epochs == [1, 2])
        clock.advance(by: 0.1)
        collect(probe)
        #expect(probe.epochs == [1, 2, 3])
    }

    @Test func seekJumpsForwardAndReplaysFromTheStartWhenGoingBack() {
        let (feed, probe, clock) = replay()
        defer { feed.stop() }
        feed.control(.seek(epoch: 2))
        feed.flush()
        collect(probe)
        #expect(probe.epochs == [1, 2])
        feed.control(.seek(epoch: 1))
        feed.flush()
        collect(probe)
        // Going back tells the monitor to forget the run, then plays it from its start (a
        // runStarted) up to epoch 1.
        #expect(probe.epochs == [1, 2, 1])
        #expect(probe.messages.filter { $0 == .rewound(feed.id) }.count == 1)
        #expect(probe.events.filter { if case .runStarted = $0 { return true } else { return false } }.count == 2)
        clock.advance(by: 4)
        collect(probe)
        #expect(probe.epochs == [1, 2, 1, 2])
    }

    @Test func seekPastTheLastEpochLandsOnTheLastAndBeforeTheFirstOnTheFirst() {
        let (feed, probe, _) = replay()
        defer { feed.stop() }
        feed.control(.seek(epoch: Int.max))
        feed.flush()
        collect(probe)
        #expect(probe.epochs == [1, 2, 3])
        #expect(probe.states.last == .finished)
        feed.control(.seek(epoch: 0))
        feed.flush()
        collect(probe)
        #expect(probe.epochs == [1, 2, 3, 1])
    }

    @Test func instantPostsEverythingAtOnce() {
        let (feed, probe, _) = replay(instant: true)
        defer { feed.stop() }
        collect(probe)
        #expect(probe.epochs == [1, 2, 3])
        #expect(probe.states == [.finished])
    }

    @Test func epochsWithoutPrintedDurationsTakeOneSecond() {
        let events: [TrainingEvent] = (1...3).map { .epochEnded(EpochRecord(epoch: $0, metrics: ["loss": 1])) }
        #expect(ReplayFeed.timeline(of: events) == [1, 2, 3])
    }
}
