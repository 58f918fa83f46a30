import Testing
import Foundation
import TestSupport

/// Issue 14: states mean what the README says. `following` is "caught up, no new bytes for
/// 30 s"; the first state `--jsonl` printed for a file was `following`, at once.
@Suite struct StateContractTests {
    @Test func jsonlReportsAFileLiveFirstAndNotFollowingBeforeThirtySeconds() throws {
        let result = try FeedsCLI.run(["--jsonl", Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path],
                                      timeout: 30) { process in
            Thread.sleep(forTimeInterval: 3)
            if process.isRunning { process.interrupt() }
        }
        let states = result.objects.compactMap { $0["state"] as? String }
        #expect(states.first == "live", "states: \(states), stderr: \(result.stderr)")
        #expect(!states.contains("following"), "following within 3 s of starting: \(states)")
        #expect(result.objects.contains { $0["epoch"] as? Int == 100 }, "the file's epochs were read")
    }
}
