import Foundation
import Testing
import TestSupport

/// `fitwatch replay` on a real Keras 3 log whose epochs printed `0s`: the keys land where
/// they say, on screen, before and after the end.
@Suite(.enabled(if: TmuxSession.available, "tmux is not installed"))
struct ReplayKeysEndToEndTests {
    @Test func seekStepAndHomeAfterTheEnd() throws {
        let log = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path
        let session = try TmuxSession(arguments: ["replay", log, "--speed", "1"])
        defer { session.kill() }
        #expect(session.waitFor { $0.contains("replaying") }.ok)
        session.send("End")
        let end = session.waitFor { $0.contains("epoch 100/100") && $0.contains("finished") }
        #expect(end.ok, "End did not reach the last epoch:\n\(end.screen)")
        // After the end, Home plays the run again from epoch 1 and the header says so.
        session.send("Home")
        let home = session.waitFor { $0.contains("replaying") && !$0.contains("finished") }
        #expect(home.ok, "Home after the end:\n\(home.screen)")
        session.send("Space")
        #expect(session.waitFor { $0.contains("· paused") }.ok)
        session.send(":", "2", "0", "Enter")
        let seek = session.waitFor { $0.contains("epoch 20/100") }
        #expect(seek.ok, ":20 did not land on epoch 20:\n\(seek.screen)")
        session.send("n")
        let step = session.waitFor { $0.contains("epoch 21/100") }
        #expect(step.ok, "n did not step one epoch:\n\(step.screen)")
        usleep(300_000)
        #expect(session.capture().contains("epoch 21/100"), "a paused replay moved on")
        session.send("q")
        MonitorEndToEndTests.expectRestored(session, exit: "0")
    }
}
