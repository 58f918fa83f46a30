import Feeds
import Foundation
import Testing
import TrainingLog

/// The demo feed trains on its own queue, honours pause/resume, and stops promptly.
struct TrainingFeedTests {
    /// Drain `inbox` until `condition` holds or `timeout` seconds pass.
    func collect(_ inbox: Inbox, into messages: inout [FeedMessage], timeout: Double,
                 until condition: ([FeedMessage]) -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            messages += inbox.drain()
            if condition(messages) { return true }
            usleep(5_000)
        }
        return false
    }

    func epochsEnded(_ messages: [FeedMessage]) -> Int {
        messages.filter { if case .event(_, .epochEnded) = $0 { return true } else { return false } }.count
    }

    @Test func demoFeedPostsTrainingEventsPausesResumesAndStops() throws {
        let feed = try DemoFeed.make()
        let inbox = Inbox()
        var messages: [FeedMessage] = []
        feed.start(inbox: inbox)
        #expect(collect(inbox, into: &messages, timeout: 30) { epochsEnded($0) >= 2 }, "epochs arrive")
        #expect(messages.first == .state(feed.id, .live))
        #expect(messages.contains { if case .event(_, .modelKnown(let graph)) = $0 { return graph.provenance == .trainingCore } else { return false } })

        feed.control(.pause)
        usleep(300_000)  // let the epoch in flight finish
        messages += inbox.drain()
        #expect(messages.contains(.state(feed.id, .paused)))
        let whilePaused = epochsEnded(messages)
        usleep(400_000)  // several 60 ms epochs' worth
        messages += inbox.drain()
        #expect(epochsEnded(messages) == whilePaused, "no epoch ends while paused")

        feed.control(.resume)
        #expect(collect(inbox, into: &messages, timeout: 30) { epochsEnded($0) > whilePaused }, "resumes")

        feed.stop()
        #expect(collect(inbox, into: &messages, timeout: 10) { $0.contains(.state(feed.id, .finished)) }, "stop ends the run")
        #expect(messages.contains(.event(feed.id, .runEnded(.interrupted("stopped")))))
        #expect(epochsEnded(messages) < 100)
    }

    /// `n` on the paused demo: exactly one more epoch, then it holds again and says so. It
    /// used to do nothing (the README promised "one more epoch while paused").
    @Test func stepOnAPausedDemoTrainsExactlyOneEpochThenHolds() throws {
        let feed = try DemoFeed.make()
        let inbox = Inbox()
        var messages: [FeedMessage] = []
        feed.start(inbox: inbox)
        defer { feed.stop() }
        #expect(collect(inbox, into: &messages, timeout: 30) { epochsEnded($0) >= 1 })
        feed.control(.pause)
        usleep(300_000)
        messages += inbox.drain()
        let held = epochsEnded(messages)
        for step in 1...2 {
            let pausedBefore = messages.filter { $0 == .state(feed.id, .paused) }.count
            feed.control(.step)
            #expect(collect(inbox, into: &messages, timeout: 30) {
                $0.filter { $0 == .state(feed.id, .paused) }.count > pausedBefore
            }, "holds again after the epoch")
            usleep(400_000)  // several 60 ms epochs' worth: nothing more may end
            messages += inbox.drain()
            #expect(epochsEnded(messages) == held + step)
        }
        // After the step the run is paused; resume lets it go on.
        feed.control(.resume)
        #expect(collect(inbox, into: &messages, timeout: 30) { epochsEnded($0) > held + 3 })
    }
}
