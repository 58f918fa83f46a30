import Foundation
import Testing
import TestSupport

/// `--on-event CMD` against the real binary: the command gets, on stdin, exactly the records
/// `--jsonl` prints for the same events, headless and on the screen.
@Suite struct AlertsEndToEndTests {
    static let regression = Fixtures.url("keras-logs/k3tf_acc_regression.pipe.log").path

    /// The JSON objects of `text`'s lines that are findings or run ends, as sorted lines.
    static func eventLines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { line in
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { return false }
            return object["finding"] != nil || object["status"] != nil
        }.sorted()
    }

    @Test func headlessOnEventGetsTheJSONLRecordsOfEachFindingAndTheEnd() throws {
        let scratch = try ContractTests.Scratch()
        let file = scratch.path("events.jsonl")
        let result = try FeedsCLI.run(["replay", "--instant", Self.regression, "--jsonl", "--on-event", "cat >> '\(file)'"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let received = Self.eventLines(try String(contentsOfFile: file, encoding: .utf8))
        let printed = Self.eventLines(result.stdout)
        // Two findings (accuracy-on-regression, stuck-metric) and the run's end.
        #expect(printed.count == 3)
        #expect(received == printed)
        let kinds = received.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        #expect(kinds.contains { ($0["finding"] as? [String: Any])?["id"] as? String == "accuracy-on-regression" })
        #expect(kinds.contains { $0["status"] as? String == "finished" })
    }

    @Test func aFailingCommandIsReportedOnStderrAndChangesNothingElse() throws {
        let result = try FeedsCLI.run(["replay", "--instant", Self.regression, "--jsonl", "--on-event", "echo no webhook >&2; exit 3"])
        #expect(result.status == 0)
        #expect(Self.eventLines(result.stdout).count == 3)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 3, "one line per failed event: \(result.stderr)")
        #expect(lines.allSatisfy { $0 == "fitwatch: --on-event: 'echo no webhook >&2; exit 3' exited with status 3: no webhook" })
    }

    @Test func onTheScreenOnEventGetsTheSameRecords() throws {
        guard TmuxSession.available else { return }
        let scratch = try ContractTests.Scratch()
        let file = scratch.path("events.jsonl")
        let session = try TmuxSession(arguments: ["replay", "--instant", Self.regression, "--on-event", "cat >> '\(file)'"], width: 120, height: 40)
        defer { session.kill() }
        let deadline = Date().addingTimeInterval(30)
        var received: [String] = []
        while Date() < deadline {
            received = Self.eventLines((try? String(contentsOfFile: file, encoding: .utf8)) ?? "")
            if received.count >= 3 { break }
            usleep(100_000)
        }
        session.send("q")
        #expect(session.waitFor { $0.contains("EXIT=") }.ok)
        let headless = try FeedsCLI.run(["replay", "--instant", Self.regression, "--jsonl"])
        #expect(received.count == 3)
        #expect(received == Self.eventLines(headless.stdout))
    }
}

extension AlertsEndToEndTests {
    @Test func onTheScreenAFailingCommandIsSaidInTheStatusLineUntilAKey() throws {
        guard TmuxSession.available else { return }
        // Only the run's end fails, so exactly one notice comes (and no later one can bring it back).
        let command = "if grep -q status; then echo down >&2; exit 3; fi"
        let session = try TmuxSession(arguments: ["replay", "--instant", Self.regression, "--on-event", command], width: 160, height: 40)
        defer { session.kill() }
        let said = session.waitFor { $0.contains("! --on-event: '\(command)' exited with status 3: down") }
        #expect(said.ok, "\(said.screen)")
        session.send("c")
        let gone = session.waitFor { !$0.contains("! --on-event") && $0.contains("q quit") }
        #expect(gone.ok, "\(gone.screen)")
        session.send("q")
        #expect(session.waitFor { $0.contains("EXIT=0") }.ok)
    }
}

/// `--notify` headless writes its sequence to the terminal (`/dev/tty`), not stdout: run under
/// util-linux `script`, which records every byte the program sends to its terminal.
@Suite struct NotifyEndToEndTests {
    static let script = Executable.find("script")

    @Test(.enabled(if: script != nil, "util-linux script is not installed"))
    func headlessNotifyWritesOSC777ToTheTerminalForEachWarningAndTheEnd() throws {
        let script = try #require(Self.script)
        let scratch = try ContractTests.Scratch()
        let typescript = scratch.path("typescript")
        let command = [FeedsCLI.binary.path, "replay", "--instant", AlertsEndToEndTests.regression, "--jsonl", "--notify"]
            .map(TmuxSession.quote).joined(separator: " ") + " > " + TmuxSession.quote(scratch.path("stdout"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["-qec", command, typescript]
        var environment = ProcessInfo.processInfo.environment
        environment["TMUX"] = nil
        environment["STY"] = nil
        environment["FITWATCH_NOTIFY"] = "osc777"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
        #expect(process.terminationStatus == 0)
        let bytes = try String(contentsOfFile: typescript, encoding: .utf8)
        let source = AlertsEndToEndTests.regression
        #expect(bytes.contains("\u{1b}]777;notify;fitwatch: warning;\(source): acc does not move while the loss does [stuck-metric]\u{07}"))
        #expect(bytes.contains("[accuracy-on-regression]\u{07}"))
        #expect(bytes.contains("\u{1b}]777;notify;fitwatch: finished;\(source): finished\u{07}"))
        // stdout kept its records only.
        let stdout = try String(contentsOfFile: scratch.path("stdout"), encoding: .utf8)
        #expect(!stdout.contains("\u{1b}"))
        #expect(AlertsEndToEndTests.eventLines(stdout).count == 3)
    }
}
