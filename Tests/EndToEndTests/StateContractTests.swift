import Testing
import Foundation
import TestSupport

/// Issue 14: states mean what the README says. `following` is "caught up, no new bytes for
/// 30 s"; the first state `--jsonl` printed for a file was `following`, at once. The 30 s run
/// from the file's last write: a file written just now is `live` until it has been quiet that
/// long, and one nobody wrote to for days is `following` as soon as it is read (the new-user
/// trial saw a three-day-old log called `live` while its `last` column said `3d`).
@Suite struct StateContractTests {
    /// `fitwatch LOG --jsonl` for three seconds (a file is followed until interrupted).
    static func jsonlForThreeSeconds(_ fixture: String) throws -> FeedsCLI.Result {
        try jsonlForThreeSeconds(path: Fixtures.url(fixture).path)
    }

    static func jsonlForThreeSeconds(path: String) throws -> FeedsCLI.Result {
        try FeedsCLI.run(["--jsonl", path], timeout: 30) { process in
            Thread.sleep(forTimeInterval: 3)
            if process.isRunning { process.interrupt() }
        }
    }

    /// A copy of a recorded log, last written `age` seconds ago.
    static func copy(_ fixture: String, writtenSecondsAgo age: Int, in scratch: ContractTests.Scratch) throws -> String {
        let path = try scratch.file("train.log", Data(contentsOf: Fixtures.url(fixture)))
        let then = Int(Date().timeIntervalSince1970) - age
        var times = [timeval(tv_sec: then, tv_usec: 0), timeval(tv_sec: then, tv_usec: 0)]
        #expect(utimes(path, &times) == 0)
        return path
    }

    @Test func jsonlReportsAFileWrittenJustNowLiveAndNotFollowingBeforeThirtySeconds() throws {
        let scratch = try ContractTests.Scratch()
        let path = try Self.copy("keras-logs/k3_s1_seed_regression_accuracy.pipe.log", writtenSecondsAgo: 0, in: scratch)
        let result = try StateContractTests.jsonlForThreeSeconds(path: path)
        let states = result.objects.compactMap { $0["state"] as? String }
        #expect(states.first == "live", "states: \(states), stderr: \(result.stderr)")
        #expect(!states.contains("following"), "following within 3 s of starting: \(states)")
        #expect(result.objects.contains { $0["epoch"] as? Int == 100 }, "the file's epochs were read")
    }

    @Test func jsonlReportsAFileQuietForDaysFollowingOnceRead() throws {
        let scratch = try ContractTests.Scratch()
        let path = try Self.copy("keras-logs/k3_s1_seed_regression_accuracy.pipe.log", writtenSecondsAgo: 3 * 86_400, in: scratch)
        let result = try StateContractTests.jsonlForThreeSeconds(path: path)
        let states = result.objects.compactMap { $0["state"] as? String }
        #expect(states == ["live", "following"], "states: \(states), stderr: \(result.stderr)")
        // `following` comes after the epochs: once the file was read to its end.
        let order = result.objects.compactMap { $0["state"] as? String ?? ($0["epoch"] as? Int).map { _ in "epoch" } }
        #expect(order.lastIndex(of: "epoch").map { $0 < (order.firstIndex(of: "following") ?? -1) } == true, "\(order)")
    }
}

/// A log with two `fit` calls: the first was early-stopped with its best epoch restored. The
/// screen's summary, `check` and `export` said so; `--jsonl` only gave the second fit's
/// status, as if the first had never ended.
@Suite struct MultiFitHeadlessTests {
    @Test func jsonlSaysHowEachFitEndedInOrder() throws {
        let result = try StateContractTests.jsonlForThreeSeconds("keras-logs/k3_callbacks.pipe.log")
        let statuses = result.objects.compactMap { $0["status"] as? String }
        #expect(statuses == ["early-stopped", "finished"], "stdout: \(result.objects)")
        let reasons = result.objects.compactMap { $0["status"] != nil ? $0["reason"] as? String : nil }
        #expect(reasons.first == "at epoch 6, best epoch 3 restored")
        // Said between the two fits: after fit 1's epoch 6 of 40, before fit 2's epoch 1 of 2.
        let order = result.objects.compactMap { object -> String? in
            if object["status"] != nil { return "status" }
            guard let epoch = object["epoch"] as? Int, let of = object["of"] as? Int else { return nil }
            return "\(epoch)/\(of)"
        }
        #expect(order.firstIndex(of: "status") == order.firstIndex(of: "6/40").map { $0 + 1 }, "\(order)")
        #expect(order.firstIndex(of: "1/2").map { $0 > order.firstIndex(of: "status")! } == true)
    }

    /// Each `fit` has a number, the same on every surface: `--jsonl`'s epochs and ends (and
    /// `--on-event`'s records), `export`'s runs, `check --json` and `check`'s text. The two
    /// fits' epoch 1 records used to differ only by their place in the stream.
    @Test func everySurfaceNumbersTheFitsAlike() throws {
        let log = Fixtures.url("keras-logs/k3_callbacks.pipe.log").path
        let scratch = try ContractTests.Scratch()
        let events = scratch.path("events.jsonl")
        let lines = try FeedsCLI.run(["replay", "--instant", "--jsonl", log, "--on-event", "cat >> '\(events)'"])
        #expect(lines.status == 0, "\(lines.stderr)")
        let epochs = lines.objects.filter { $0["epoch"] != nil }.map { "\($0["fit"] as? Int ?? 0): \($0["epoch"] as? Int ?? 0)/\($0["of"] as? Int ?? 0)" }
        #expect(epochs == (1...6).map { "1: \($0)/40" } + ["2: 1/2", "2: 2/2"], "\(epochs)")
        let ends = lines.objects.filter { $0["status"] != nil }.map { "\($0["fit"] as? Int ?? 0): \($0["status"] as? String ?? "")" }
        #expect(ends == ["1: early-stopped", "2: finished"])
        let received = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(received.sorted() == AlertsEndToEndTests.eventLines(lines.stdout), "--on-event: \(received)")
        #expect(received.contains { $0.hasPrefix(#"{"source":"\#(log)","fit":1,"status":"early-stopped""#) }, "\(received)")

        let runs = try FeedsCLI.run(["export", log]).runs
        #expect(runs.map { "\($0["fit"] as? Int ?? 0): \($0["status"] as? String ?? "")" } == ends)
        let checked = try FeedsCLI.run(["check", "--json", log]).runs
        #expect(checked.map { "\($0["fit"] as? Int ?? 0): \($0["status"] as? String ?? "")" } == ends)
        let text = try FeedsCLI.run(["check", log]).stdout
        #expect(text.contains("\(log) (fit 1 of 2): early-stopped at epoch 6"), "\(text)")
        #expect(text.contains("\(log) (fit 2 of 2): finished"), "\(text)")
    }
}

/// A finished log read as a file gave every finding `"provisional":true` (its first diagnosis
/// came before the file source said it was live, so the run did not know it was over), while
/// the same bytes through a pipe gave `false`.
@Suite struct FileFindingsFinalTests {
    @Test func aFinishedLogsFindingsAreFinalWhenFollowedAsAFile() throws {
        let result = try StateContractTests.jsonlForThreeSeconds("keras-logs/k3_s1_seed_regression_accuracy.pipe.log")
        let findings = result.objects.filter { $0["finding"] != nil }
        let ids = findings.compactMap { ($0["finding"] as? [String: Any])?["id"] as? String }
        #expect(Set(ids) == ["accuracy-on-regression", "stuck-metric", "compile-metrics-name"], "\(ids)")
        #expect(findings.allSatisfy { $0["provisional"] as? Bool == false }, "\(findings.map { $0["provisional"] ?? "-" })")
        #expect(result.objects.first?["state"] as? String == "live")
    }
}
