import Testing
import Foundation
@testable import Feeds

/// stdin-like streams and directories of runs.
@Suite struct StreamFeedTests {
    @Test func readsAPipeToItsEndAndSaysFinished() {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let feed = DescriptorFeed(descriptor: fds[0], id: SourceID("stdin"), closeWhenDone: true, makeReader: { ChunkEchoReader() })
        let probe = FeedProbe(feed)
        defer { feed.stop() }
        _ = "Epoch 1/2\n".withCString { write(fds[1], $0, 10) }
        #expect(probe.wait { $0.text == "Epoch 1/2\n" })
        _ = "Epoch 2/2\n".withCString { write(fds[1], $0, 10) }
        close(fds[1])
        // End of file stops the read source instead of spinning on it.
        #expect(probe.wait { $0.states.last == .finished })
        #expect(probe.text == "Epoch 1/2\nEpoch 2/2\n")
        #expect(probe.states == [.live, .finished])
    }

    /// A directory holding one run follows it under the directory's own name, as it always
    /// did; a run that appears later is followed too, under its own name (it used to replace
    /// the first one).
    @Test func aDirectoryFollowsItsRunAndEveryRunThatAppearsLater() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let old = directory.file("a/train.log")
        try FileManager.default.createDirectory(atPath: directory.file("a"), withIntermediateDirectories: true)
        append("old run\n", to: old)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: old)
        let feed = DiscoveryFeed(root: directory.path, rescanInterval: 0.1) { ChunkEchoReader() }
        let probe = FeedProbe(feed)
        defer { feed.stop() }
        #expect(probe.wait { $0.text == "old run\n" })
        #expect(probe.messages.contains(.reading(SourceID(directory.path), "a/train.log")))
        try FileManager.default.createDirectory(atPath: directory.file("b"), withIntermediateDirectories: true)
        append("new run\n", to: directory.file("b/train.log"))
        #expect(probe.wait { $0.text == "old run\nnew run\n" })
        #expect(probe.messages.contains(.event(SourceID("b/train.log"), .noise("new run\n"))))
        #expect(probe.messages.contains(.reading(SourceID("b/train.log"), "b/train.log")))
    }

    @Test func anEmptyDirectorySaysItIsWaiting() {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let feed = DiscoveryFeed(root: directory.path, rescanInterval: 0.1) { ChunkEchoReader() }
        let probe = FeedProbe(feed)
        defer { feed.stop() }
        #expect(probe.wait { $0.states.first?.word == "waiting" })
    }
}
