import Foundation
import Testing
import TestSupport

/// `fitwatch DIR` and `fitwatch export DIR` read every run under a directory and name each;
/// `replay DIR` replays the newest one and says which.
struct DirectorySourceTests {
    /// A directory with an older Keras log, a newer one in a subfolder and a model file
    /// written last (not a run).
    static func runs() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fw-dir-\(UUID().uuidString.prefix(8))").path
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory + "/b", withIntermediateDirectories: true)
        try fm.copyItem(atPath: Fixtures.url("keras-logs/k3_killed.pipe.log").path, toPath: directory + "/a.log")
        try fm.copyItem(atPath: Fixtures.url("keras-logs/keras122_verbose2.log").path, toPath: directory + "/b/train.log")
        try Data("{}".utf8).write(to: URL(fileURLWithPath: directory + "/model.json"))
        try fm.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -120)], ofItemAtPath: directory + "/a.log")
        try fm.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: directory + "/b/train.log")
        return directory
    }

    @Test func exportNamesEveryRunItReadUnderADirectory() throws {
        let directory = try Self.runs()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try FeedsCLI.run(["export", directory])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let runs = try #require(document["runs"] as? [[String: Any]])
        // Named by the path under the directory, as on the screen and in `--jsonl`.
        #expect(runs.map { $0["source"] as? String } == ["a.log", "b/train.log"], "every run, by name; model.json is none")
        #expect(runs.last?["format"] as? String == "keras-verbose2" || runs.last?["format"] as? String == "keras1")
        // A glob reads what it matches.
        let globbed = try FeedsCLI.run(["export", directory + "/*/train.log"])
        let only = try #require(try JSONSerialization.jsonObject(with: Data(globbed.stdout.utf8)) as? [String: Any])
        // A glob's one match is named by the glob, as `--jsonl` names a root's only run.
        #expect((only["runs"] as? [[String: Any]])?.map { $0["source"] as? String } == [directory + "/*/train.log"], "\(globbed.stderr)")
    }

    @Test func checkOfADirectoryChecksEveryRunAndSaysWhichIsEmpty() throws {
        let directory = try Self.runs()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("nothing to see\n".utf8).write(to: URL(fileURLWithPath: directory + "/empty.log"))
        let result = try FeedsCLI.run(["check", "--json", directory])
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let sources = (document["runs"] as? [[String: Any]])?.compactMap { $0["source"] as? String }
        #expect(Set(sources ?? []) == ["a.log", "b/train.log"], "\(result.stdout)")
        #expect(result.stderr.contains("fitwatch: empty.log: no Keras training output found"), "\(result.stderr)")
    }

    /// One truth: `export`, `check` and `--jsonl` give a discovered run the same name, for one
    /// directory, two (each run with its root in front) and a glob.
    @Test func exportCheckAndJSONLinesNameDiscoveredRunsAlike() throws {
        let directory = try Self.runs()
        let other = try Self.runs()
        defer { for root in [directory, other] { try? FileManager.default.removeItem(atPath: root) } }
        let cases: [(sources: [String], names: Set<String>)] = [
            ([directory], ["a.log", "b/train.log"]),
            ([directory, other], [directory + "/a.log", directory + "/b/train.log", other + "/a.log", other + "/b/train.log"]),
            // A root's only run takes the root's name.
            ([directory + "/*.log", other + "/*/train.log"], [directory + "/*.log", other + "/*/train.log"]),
        ]
        for (sources, names) in cases {
            let export = try FeedsCLI.run(["export"] + sources)
            let exported = Set(export.runs.compactMap { $0["source"] as? String })
            #expect(exported == names, "export \(sources): \(export.stderr)")
            let check = try FeedsCLI.run(["check", "--json"] + sources)
            let checked = Set(check.runs.compactMap { $0["source"] as? String })
            #expect(checked == names, "check \(sources): \(check.stderr)")
            // `--jsonl` follows until stopped: stopped once every run has had an epoch.
            let lines = try FeedsCLI.run(["--jsonl"] + sources, stopWhen: { out in
                names.allSatisfy { name in
                    out.split(separator: "\n").contains { $0.contains("\"source\":\"\(name)\"") && $0.contains("\"epoch\"") }
                }
            })
            let followed = Set(lines.objects.compactMap { $0["source"] as? String })
            #expect(followed == names, "--jsonl \(sources): \(lines.stdout.prefix(600))")
        }
    }

    @Test func replayOfADirectorySaysWhichRunItReplays() throws {
        let directory = try Self.runs()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try FeedsCLI.run(["replay", "--instant", "--jsonl", directory])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.objects.first?["reading"] as? String == "b/train.log", "\(result.stdout)")
        #expect(result.objects.compactMap { $0["epoch"] as? Int } == [1, 2, 3])
    }

    @Test(.enabled(if: TmuxSession.available, "tmux is not installed"))
    func theScreenShowsEveryRunUnderADirectoryByItsPath() throws {
        let directory = try Self.runs()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = try TmuxSession(arguments: [directory], width: 120, height: 30)
        defer { session.kill() }
        let shown = session.waitFor { $0.contains("1 a.log") && $0.contains("2 b/train.log") && $0.contains(" a.log · ") }
        #expect(shown.ok, "\(shown.screen)")
        session.send("q")
        MonitorEndToEndTests.expectRestored(session, exit: "0")
    }
}
