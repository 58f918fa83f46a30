import Testing
import Foundation
@testable import Feeds
import TestSupport

/// The ssh source against a real sshd on 127.0.0.1, started per test.
@Suite(.serialized, .enabled(if: SSHServer.unavailableReason == nil,
                             Comment(rawValue: "skipped: \(SSHServer.unavailableReason ?? "")")))
struct SSHFeedTests {
    private func follow(_ path: String, on server: SSHServer, key: String? = nil) -> (SSHFeed, FeedProbe) {
        let target = SSHTarget(user: server.user, host: "127.0.0.1", path: path)
        let feed = SSHFeed(target: target, options: server.options(key: key), makeReader: { ChunkEchoReader() })
        return (feed, FeedProbe(feed))
    }

    private func failure(_ probe: FeedProbe) -> String? {
        for state in probe.states { if case .failed(let why) = state { return why } }
        return nil
    }

    @Test func streamsALogAndResumesWithoutLossOrRepeatsAfterTheServerRestarts() throws {
        let server = try SSHServer()
        let log = server.directory.file("train.log")
        var expected = ""
        func write(_ epochs: ClosedRange<Int>) {
            for epoch in epochs {
                let line = "Epoch \(epoch)/60 - loss: \(1.0 / Double(epoch))\n"
                append(line, to: log)
                expected += line
            }
        }
        write(1...10)
        let (feed, probe) = follow(log, on: server)
        defer { feed.stop() }
        #expect(probe.wait { $0.text == expected })
        #expect(probe.states.contains(.live))
        write(11...20)
        #expect(probe.wait { $0.text == expected })

        server.kill()
        #expect(probe.wait { $0.states.contains { $0.word == "reconnecting" } })
        write(21...40)  // written while the connection is down
        try server.start()
        write(41...60)
        #expect(probe.wait(timeout: 20) { $0.text == expected })
        #expect(probe.text == expected, "every epoch exactly once, in order")
        #expect(probe.states.last == .live)
    }

    @Test func aWrongKeyFailsWithAuthenticationFailed() throws {
        let server = try SSHServer()
        let log = server.directory.file("train.log")
        append("Epoch 1/1\n", to: log)
        let (feed, probe) = follow(log, on: server, key: server.wrongKey)
        defer { feed.stop() }
        #expect(probe.wait { self.failure($0) != nil })
        #expect(failure(probe)?.hasPrefix("authentication failed") == true, "\(probe.states)")
        #expect(probe.text.isEmpty)
    }

    @Test func aPathWithSpacesAndShellMetacharactersIsFollowedAndInjectsNothing() throws {
        let server = try SSHServer()
        // An injected command would run in the remote home directory (ssh's working directory).
        let marker = "fitwatch-injected-\(UUID().uuidString.prefix(8))"
        let name = "my run; touch \(marker) $(touch \(marker)2) `touch \(marker)3` 'q' \"d\" & touch \(marker)4 |x.log"
        let log = server.directory.file(name)
        let home = String(cString: getpwuid(getuid()).pointee.pw_dir)
        append("Epoch 1/2\nEpoch 2/2\n", to: log)
        let (feed, probe) = follow(log, on: server)
        defer { feed.stop() }
        #expect(probe.wait { $0.text == "Epoch 1/2\nEpoch 2/2\n" })
        for suffix in ["", "2", "3", "4"] {
            for folder in [home, server.directory.path, FileManager.default.currentDirectoryPath] {
                let path = (folder as NSString).appendingPathComponent(marker + suffix)
                #expect(!FileManager.default.fileExists(atPath: path), "the path ran a command")
            }
        }
    }

    @Test func aMissingRemoteFileFailsWithNoSuchFile() throws {
        let server = try SSHServer()
        let (feed, probe) = follow(server.directory.file("nope.log"), on: server)
        defer { feed.stop() }
        #expect(probe.wait { self.failure($0) != nil })
        #expect(failure(probe)?.hasPrefix("no such file on 127.0.0.1") == true, "\(probe.states)")
    }

    @Test func aHostThatRefusesConnectionsFailsAsUnreachableAfterRetrying() throws {
        let server = try SSHServer()
        server.kill()
        let (feed, probe) = follow("/tmp/x.log", on: server)
        defer { feed.stop() }
        #expect(probe.wait(timeout: 20) { self.failure($0) != nil })
        #expect(failure(probe)?.hasPrefix("host unreachable") == true, "\(probe.states)")
        #expect(probe.states.filter { $0.word == "reconnecting" }.count == 2)
    }

    @Test func stoppingLeavesNothingRunningOnTheRemoteSide() throws {
        let server = try SSHServer()
        let log = server.directory.file("unique-\(UUID().uuidString).log")
        append("Epoch 1/1\n", to: log)
        let (feed, probe) = follow(log, on: server)
        #expect(probe.wait { $0.text == "Epoch 1/1\n" })
        #expect(!SSHServer.processes(containing: log).isEmpty, "the remote tail runs while following")
        feed.stop()
        let deadline = Date().addingTimeInterval(10)
        while !SSHServer.processes(containing: log).isEmpty && Date() < deadline { usleep(50_000) }
        #expect(SSHServer.processes(containing: log).isEmpty)
    }
}

/// The same restart with a real Keras log parsed as it streams: what the user sees.
@Suite(.serialized, .enabled(if: SSHServer.unavailableReason == nil,
                             Comment(rawValue: "skipped: \(SSHServer.unavailableReason ?? "")")))
struct SSHFeedEpochTests {
    @Test func everyEpochOfARealLogArrivesExactlyOnceAcrossAServerRestart() throws {
        let server = try SSHServer()
        let log = server.directory.file("k3_s1.tty.log")
        let bytes = try [UInt8](Fixtures.data("keras-logs/k3_s1_seed_regression_accuracy.tty.log"))
        // Six pieces cut at arbitrary bytes: mid-line, mid-escape, mid-`━`.
        let cuts = [0, 3_001, 9_877, 17_003, 26_111, 35_555, bytes.count]
        func write(_ piece: Int) {
            let handle = FileHandle(forWritingAtPath: log)!
            handle.seekToEndOfFile()
            handle.write(Data(bytes[cuts[piece]..<cuts[piece + 1]]))
            try? handle.close()
        }
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        write(0)
        let target = SSHTarget(user: server.user, host: "127.0.0.1", path: log)
        let feed = SSHFeed(target: target, options: server.options(), makeReader: FeedFactory.readerMaker(format: nil))
        let probe = FeedProbe(feed)
        defer { feed.stop() }
        #expect(probe.wait { $0.states.contains(.live) })
        write(1)
        #expect(probe.wait { ($0.epochs.last ?? 0) >= 10 })
        server.kill()
        #expect(probe.wait { $0.states.contains { $0.word == "reconnecting" } })
        write(2)
        write(3)
        try server.start()
        write(4)
        write(5)
        #expect(probe.wait(timeout: 20) { $0.epochs.count >= 100 })
        // A moment more: a duplicate would arrive now.
        probe.wait(timeout: 0.5) { _ in false }
        #expect(probe.epochs == Array(1...100))
    }
}
