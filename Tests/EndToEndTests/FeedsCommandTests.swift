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

    @Test func jsonLinesFromStdinCarryEveryEpochAndTheNewFinding() throws {
        let log = try String(contentsOf: Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.tty.log"), encoding: .utf8)
        let result = try FeedsCLI.run(["--jsonl", "-"], stdin: log)
        #expect(result.status == 0)
        let epochs = result.objects.compactMap { $0["epoch"] as? Int }
        #expect(epochs == Array(1...100))
        #expect(result.objects.allSatisfy { $0["source"] as? String == "stdin" })
        let findings = result.objects.compactMap { $0["finding"] as? [String: Any] }.compactMap { $0["id"] as? String }
        #expect(findings.contains("accuracy-on-regression"))
        #expect(Set(findings).count == findings.count, "each finding is reported once")
        let first = try #require(result.objects.first { $0["epoch"] as? Int == 1 })
        #expect((first["metrics"] as? [String: Any])?["loss"] as? Double == 4156.0532)
    }

    @Test func replayInstantPrintsTheWholeRunAndEnds() throws {
        let path = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path
        let result = try FeedsCLI.run(["replay", path, "--instant", "--jsonl"])
        #expect(result.status == 0)
        #expect(result.objects.compactMap { $0["epoch"] as? Int } == Array(1...100))
        // The source's last state and the run's own last word, how it ended (as soon as its
        // last epoch is read), close the output.
        let tail = result.objects.suffix(2)
        #expect(tail.contains { $0["state"] as? String == "finished" })
        #expect(tail.contains { $0["status"] as? String == "finished" })
    }

    @Test func replayAtHighSpeedKeepsThePacedOrderAndEnds() throws {
        // 100 epochs Keras printed as ~0-2 s each: at 1000x the replay takes well under a second.
        let path = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path
        let result = try FeedsCLI.run(["replay", path, "--speed", "1000", "--headless"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").filter { $0.contains(": epoch ") }
        #expect(lines.count == 100)
        #expect(lines.first?.hasPrefix("\(path): epoch 1/100") == true)
    }
}
