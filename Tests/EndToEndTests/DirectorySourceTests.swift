import Foundation
import Testing
import TestSupport

/// `fitwatch DIR` and `fitwatch export DIR` read the same run under a directory and say which.
struct DirectorySourceTests {
    /// A directory with an older Keras log, a newer one in a subfolder and a model file
    /// written last (not a run).
    static func runs() throws -> (directory: String, newest: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fw-dir-\(UUID().uuidString.prefix(8))").path
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory + "/b", withIntermediateDirectories: true)
        try fm.copyItem(atPath: Fixtures.url("keras-logs/k3_killed.pipe.log").path, toPath: directory + "/a.log")
        try fm.copyItem(atPath: Fixtures.url("keras-logs/keras122_verbose2.log").path, toPath: directory + "/b/train.log")
        try Data("{}".utf8).write(to: URL(fileURLWithPath: directory + "/model.json"))
        try fm.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -120)], ofItemAtPath: directory + "/a.log")
        try fm.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: directory + "/b/train.log")
        return (directory, directory + "/b/train.log")
    }

    @Test func exportNamesTheRunItReadUnderADirectory() throws {
        let (directory, newest) = try Self.runs()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try FeedsCLI.run(["export", directory])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let runs = try #require(document["runs"] as? [[String: Any]])
        #expect(runs.map { $0["source"] as? String } == [newest])
        #expect(runs.first?["format"] as? String == "keras-verbose2" || runs.first?["format"] as? String == "keras1")
    }

    @Test func replayOfADirectorySaysWhichRunItReplays() throws {
        let (directory, _) = try Self.runs()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try FeedsCLI.run(["replay", "--instant", "--jsonl", directory])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.objects.first?["reading"] as? String == "b/train.log", "\(result.stdout)")
        #expect(result.objects.compactMap { $0["epoch"] as? Int } == [1, 2, 3])
    }

    @Test(.enabled(if: TmuxSession.available, "tmux is not installed"))
    func theScreenSaysWhichRunItFollowsUnderADirectory() throws {
        let (directory, _) = try Self.runs()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = try TmuxSession(arguments: [directory], width: 120, height: 30)
        defer { session.kill() }
        let shown = session.waitFor { $0.contains("→ b/train.log") && $0.contains("epoch 3/3") }
        #expect(shown.ok, "\(shown.screen)")
        session.send("q")
        MonitorEndToEndTests.expectRestored(session, exit: "0")
    }
}
