import Testing
import Foundation
@testable import Feeds
import TestSupport

/// Each test follows a file like `tail -F` and checks the bytes a user's reader receives.
@Suite struct FileFeedTests {
    private func follow(_ path: String) -> (FileFeed, FeedProbe) {
        let feed = FileFeed(path: path, pollInterval: 0.2, makeReader: { ChunkEchoReader() })
        return (feed, FeedProbe(feed))
    }

    @Test func readsWhatIsThereThenEveryAppend() {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("train.log")
        append("Epoch 1/3\n", to: path)
        let (feed, probe) = follow(path)
        defer { feed.stop() }
        #expect(probe.wait { $0.text == "Epoch 1/3\n" && $0.states.first == .live })
        for epoch in 2...3 {
            append("Epoch \(epoch)/3\n", to: path)
        }
        #expect(probe.wait { $0.text == "Epoch 1/3\nEpoch 2/3\nEpoch 3/3\n" })
        #expect(probe.wait { $0.states.contains(.live) })
    }

    /// The runs table's `last` says when the run last wrote: a log written three days ago is
    /// three days old however recently fitwatch read it, and an append makes it new.
    @Test func reportsWhenTheFileWasLastWritten() {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("train.log")
        append("Epoch 1/3\n", to: path)
        let threeDaysAgo = Date().timeIntervalSince1970 - 3 * 86_400
        var times = [timeval(tv_sec: Int(threeDaysAgo), tv_usec: 0), timeval(tv_sec: Int(threeDaysAgo), tv_usec: 0)]
        #expect(utimes(path, &times) == 0)
        let (feed, probe) = follow(path)
        defer { feed.stop() }
        func written(_ probe: FeedProbe) -> [Double] {
            probe.messages.compactMap { if case .wrote(_, let time) = $0 { return time } else { return nil } }
        }
        #expect(probe.wait { written($0).last.map { abs($0 - Double(Int(threeDaysAgo))) < 1 } == true }, "\(written(probe))")
        append("Epoch 2/3\n", to: path)
        #expect(probe.wait { written($0).last.map { Date().timeIntervalSince1970 - $0 < 60 } == true }, "\(written(probe))")
    }

    /// Issue 14: the first state was `following`, which the README defines as "no new bytes for
    /// 30 s". A file is `live` once read, and `following` only after the quiet period.
    @Test func isLiveFirstAndFollowingOnlyAfterTheQuietPeriod() {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("train.log")
        append("Epoch 1/3\n", to: path)
        let feed = FileFeed(path: path, pollInterval: 0.2, quietPeriod: 1.5, makeReader: { ChunkEchoReader() })
        let probe = FeedProbe(feed)
        defer { feed.stop() }
        let started = Date()
        #expect(probe.wait { $0.states.first == .live })
        #expect(probe.wait { $0.states.contains(.following) })
        #expect(Date().timeIntervalSince(started) >= 1.4, "following came before the quiet period")
        #expect(Array(probe.states.prefix(2)) == [.live, .following])
        append("Epoch 2/3\n", to: path)
        #expect(probe.wait { $0.states.suffix(1) == [.live] }, "new bytes make it live again")
    }

    @Test func waitsForAFileThatDoesNotExistYet() {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("later.log")
        let (feed, probe) = follow(path)
        defer { feed.stop() }
        #expect(probe.wait { $0.states.contains { if case .waiting = $0 { return true } else { return false } } })
        append("appeared\n", to: path)
        #expect(probe.wait { $0.text == "appeared\n" })
    }

    @Test func startsOverAfterCopyTruncate() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("train.log")
        append("old line one\nold line two\n", to: path)
        let (feed, probe) = follow(path)
        defer { feed.stop() }
        #expect(probe.wait { $0.text.hasSuffix("old line two\n") })
        // logrotate's copytruncate: same inode, size back to zero, then new writes.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.truncateFile(atOffset: 0)
        try handle.close()
        append("new\n", to: path)
        #expect(probe.wait { $0.text == "old line one\nold line two\nnew\n" })
    }

    @Test func followsTheNewFileAfterRotation() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("train.log")
        append("first file\n", to: path)
        let (feed, probe) = follow(path)
        defer { feed.stop() }
        #expect(probe.wait { $0.text == "first file\n" })
        // Rotation: the log moves away and a new inode takes its name.
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        append("second file\n", to: path)
        #expect(probe.wait { $0.text == "first file\nsecond file\n" })
        append("more\n", to: path)
        #expect(probe.wait { $0.text == "first file\nsecond file\nmore\n" })
    }

    @Test func saysSoWhenTheFileIsDeletedAndResumesWhenItReturns() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("train.log")
        append("before\n", to: path)
        let (feed, probe) = follow(path)
        defer { feed.stop() }
        #expect(probe.wait { $0.text == "before\n" })
        try FileManager.default.removeItem(atPath: path)
        #expect(probe.wait {
            $0.states.contains { if case .waiting(let why) = $0 { return why.contains("deleted") } else { return false } }
        })
        append("after\n", to: path)
        #expect(probe.wait { $0.text == "before\nafter\n" })
    }

    @Test func pollingAloneAlsoSurvivesAppendTruncationAndRotation() throws {
        // Where inotify is unavailable (some network and container filesystems).
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("train.log")
        append("one\n", to: path)
        let feed = FileFeed(path: path, pollInterval: 0.2, useInotify: false, makeReader: { ChunkEchoReader() })
        let probe = FeedProbe(feed)
        defer { feed.stop() }
        #expect(probe.wait { $0.text == "one\n" })
        append("two\n", to: path)
        #expect(probe.wait { $0.text == "one\ntwo\n" })
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        append("three\n", to: path)
        #expect(probe.wait { $0.text == "one\ntwo\nthree\n" })
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.truncateFile(atOffset: 0)
        try handle.close()
        append("4\n", to: path)
        #expect(probe.wait { $0.text == "one\ntwo\nthree\n4\n" })
    }

    @Test func readsALargeBacklogCompletely() {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("big.log")
        // 2 MB: many 64 KiB reads, with a line split across every read boundary.
        let line = String(repeating: "x", count: 99) + "\n"
        append(String(repeating: line, count: 20_000), to: path)
        let (feed, probe) = follow(path)
        defer { feed.stop() }
        #expect(probe.wait { $0.text.utf8.count == 2_000_000 })
        #expect(probe.text == String(repeating: line, count: 20_000))
    }
}

/// A real Keras log appended in arbitrary pieces, parsed by the reader every source uses.
@Test func aRealLogAppendedInPiecesYieldsEveryEpochOnce() throws {
    let directory = TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("train.log")
    let bytes = try [UInt8](Fixtures.data("keras-logs/k3_s1_seed_regression_accuracy.tty.log"))
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes[0..<1_000]))
    let feed = FileFeed(path: path, pollInterval: 0.2, makeReader: FeedFactory.readerMaker(format: nil))
    let probe = FeedProbe(feed)
    defer { feed.stop() }
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    for chunk in randomChunks(Array(bytes[1_000...]), maxChunk: 4_000, seed: 6) {
        handle.write(Data(chunk))
    }
    try handle.close()
    #expect(probe.wait { $0.epochs.count >= 100 })
    #expect(probe.epochs == Array(1...100))
}
