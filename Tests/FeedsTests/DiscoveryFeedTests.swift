import Foundation
import Testing
import TestSupport
import TrainingLog
@testable import Feeds

/// A local directory or glob followed as every run under it, each under its own name.
@Suite struct DiscoveryFeedTests {
    /// The text each run's echo reader saw, by run.
    static func texts(_ probe: FeedProbe) -> [String: String] {
        var texts: [String: String] = [:]
        for message in probe.messages {
            if case .event(let id, .noise(let text)) = message { texts[id.rawValue, default: ""] += text }
        }
        return texts
    }

    static func mkdir(_ path: String) {
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    @Test func nestedRunsAreEachFollowedUnderTheirPathAndANewOneIsFoundAtOnce() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        for name in ["lr=0.1/seed=1", "lr=0.1/seed=2", "lr=0.01/seed=1"] { Self.mkdir(directory.file(name)) }
        append("a\n", to: directory.file("lr=0.1/seed=1/train.log"))
        append("b\n", to: directory.file("lr=0.1/seed=2/train.log"))
        append("c\n", to: directory.file("lr=0.01/seed=1/history.csv"))
        append("{}", to: directory.file("lr=0.01/seed=1/model.json"))
        // A long rescan interval: the new run below must be found by inotify, not the safety net.
        let feed = DiscoveryFeed(root: directory.path, rescanInterval: 30) { ChunkEchoReader() }
        let probe = FeedProbe(feed)
        defer { feed.stop() }
        let expected = ["lr=0.1/seed=1/train.log": "a\n", "lr=0.1/seed=2/train.log": "b\n", "lr=0.01/seed=1/history.csv": "c\n"]
        #expect(probe.wait { Self.texts($0) == expected }, "\(Self.texts(probe))")

        Self.mkdir(directory.file("lr=0.001/seed=1"))
        append("d\n", to: directory.file("lr=0.001/seed=1/train.log"))
        append("a2\n", to: directory.file("lr=0.1/seed=1/train.log"))
        #expect(probe.wait(timeout: 5) { Self.texts($0)["lr=0.001/seed=1/train.log"] == "d\n" && Self.texts($0)["lr=0.1/seed=1/train.log"] == "a\na2\n" },
                "\(Self.texts(probe))")
        #expect(feed.runIDs.count == 4)
    }

    @Test func aGlobFollowsWhatItMatchesWhateverTheNameAndNamesItUnderItsFixedPart() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        for name in ["a", "b", "c/deeper"] { Self.mkdir(directory.file("runs/" + name)) }
        append("a\n", to: directory.file("runs/a/stdout"))
        append("b\n", to: directory.file("runs/b/stdout"))
        append("no\n", to: directory.file("runs/b/train.log"))
        append("no\n", to: directory.file("runs/c/deeper/stdout"))
        let feed = DiscoveryFeed(root: directory.file("runs/*/stdout"), rescanInterval: 0.2) { ChunkEchoReader() }
        let probe = FeedProbe(feed)
        defer { feed.stop() }
        #expect(probe.wait { Self.texts($0) == ["a/stdout": "a\n", "b/stdout": "b\n"] }, "\(Self.texts(probe))")
        append("c\n", to: directory.file("runs/c/stdout"))
        #expect(probe.wait { Self.texts($0)["c/stdout"] == "c\n" }, "\(Self.texts(probe))")
        #expect(!Self.texts(probe).keys.contains { $0.contains("train.log") || $0.contains("deeper") })
    }

    @Test func aDeletedRunIsMarkedWaitingNotFinishedAndTheOthersGoOn() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        Self.mkdir(directory.file("a"))
        Self.mkdir(directory.file("b"))
        append("a\n", to: directory.file("a/train.log"))
        append("b\n", to: directory.file("b/train.log"))
        let feed = DiscoveryFeed(root: directory.path, rescanInterval: 0.2) { ChunkEchoReader() }
        let probe = FeedProbe(feed)
        defer { feed.stop() }
        #expect(probe.wait { Self.texts($0).count == 2 })
        try FileManager.default.removeItem(atPath: directory.file("a"))
        let deleted = probe.wait { probe in
            probe.messages.contains { if case .state(SourceID("a/train.log"), .waiting(let why)) = $0 { return why.contains("deleted") } else { return false } }
        }
        #expect(deleted, "\(probe.messages.filter { if case .state = $0 { return true } else { return false } })")
        #expect(!probe.messages.contains(.state(SourceID("a/train.log"), .finished)))
        append("b2\n", to: directory.file("b/train.log"))
        #expect(probe.wait { Self.texts($0)["b/train.log"] == "b\nb2\n" })
    }

    @Test func anEmptyDirectoryWaitsThenGoesOnUnderItsNameWithItsFirstRun() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let feed = DiscoveryFeed(root: directory.path, rescanInterval: 0.2) { ChunkEchoReader() }
        let probe = FeedProbe(feed)
        defer { feed.stop() }
        #expect(probe.wait { $0.states.first?.word == "waiting" })
        Self.mkdir(directory.file("fit"))
        append("first\n", to: directory.file("fit/train.log"))
        #expect(probe.wait { Self.texts($0) == [directory.path: "first\n"] }, "\(Self.texts(probe))")
        #expect(probe.messages.contains(.reading(feed.id, "fit/train.log")))
        append("second\n", to: directory.file("other.log"))
        #expect(probe.wait { Self.texts($0)["other.log"] == "second\n" }, "\(Self.texts(probe))")
    }

    @Test func theWalkIsBoundedAndSaysSo() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        Self.mkdir(directory.file("1/2/3"))
        for index in 0..<5 { append("\(index)\n", to: directory.file("run\(index).log")) }
        append("deep\n", to: directory.file("1/2/3/deep.log"))
        let limits = RunDiscovery.Limits(maxDepth: 2, maxRuns: 3)
        let feed = DiscoveryFeed(root: directory.path, limits: limits, rescanInterval: 0.2) { ChunkEchoReader() }
        let probe = FeedProbe(feed)
        defer { feed.stop() }
        #expect(probe.wait { Self.texts($0).count == 3 })
        #expect(probe.wait { $0.outputLines.contains { $0.contains("5 runs found, following the first 3 by name") } })
        #expect(probe.outputLines.contains { $0.contains("not looking deeper than 2 folders") }, "\(probe.outputLines)")
        #expect(Set(Self.texts(probe).keys) == ["run0.log", "run1.log", "run2.log"])
    }
}
