import Testing
import Foundation
import TestSupport

/// `fitwatch run`, `replay`, stdin and several sources, run as a user would, headless.
@Suite struct FeedsCommandTests {
    @Test func runExitsWithTheCommandsStatusAndReportsIt() throws {
        let result = try FeedsCLI.run(["run", "--jsonl", "--", "sh", "-c", "echo working; exit 7"])
        #expect(result.status == 7)
        let states = result.objects.compactMap { $0["state"] as? String }
        #expect(states == ["live", "failed"])
        #expect(result.objects.last?["reason"] as? String == "exited with status 7")
    }

    @Test func ctrlCGoesToTheWrappedCommandAndItsStatusBecomesFitwatchs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fitwatch-e2e-int-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tee = directory.appendingPathComponent("tee.log").path
        let script = "trap 'echo got-int; exit 42' INT; echo ready; while :; do sleep 0.05; done"
        let result = try FeedsCLI.run(["run", "--headless", "--tee", tee, "--", "sh", "-c", script]) { process in
            #expect(FeedsCLI.waitFor("ready", in: tee))
            process.interrupt()
        }
        #expect(result.status == 42)
        #expect(try String(contentsOfFile: tee, encoding: .utf8).contains("got-int"))
    }

    @Test func runWithoutACommandSaysHowToUseIt() throws {
        let result = try FeedsCLI.run(["run"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no command given"))
    }

    @Test func aBadSourceFailsClearlyWhileTheOthersKeepGoing() throws {
        // The "ssh" here exits like ssh does when the host refuses, so no network is needed.
        let fakeSSH = "f() { echo 'ssh: connect to host gpu9 port 22: Connection refused' >&2; exit 255; }; f"
        let result = try FeedsCLI.run(["--jsonl", "-", "gpu9:/runs/b.log"], stdin: "Epoch 1/1\n",
                                      environment: ["FITWATCH_SSH_COMMAND": fakeSSH], timeout: 60)
        let states = result.objects.filter { $0["state"] != nil }
        let remote = states.filter { $0["source"] as? String == "gpu9:/runs/b.log" }
        #expect(remote.last?["state"] as? String == "failed")
        #expect((remote.last?["reason"] as? String)?.hasPrefix("host unreachable") == true)
        #expect(states.contains { $0["source"] as? String == "stdin" && $0["state"] as? String == "finished" })
        #expect(result.status == 1, "a failed source makes the exit status non-zero")
    }

    @Test func replayOfAMissingFileIsAOneLineError() throws {
        let result = try FeedsCLI.run(["replay", "/nonexistent/run.log", "--instant"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("/nonexistent/run.log"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}
