import Testing
import Foundation
@testable import Feeds
import TestSupport
import TrainingLog

/// The remote protocol's framing, whatever the chunking of the connection's bytes.
struct RemoteProtocolTests {
    @Test func framesAreTheSameWhateverTheChunking() {
        let payload: [UInt8] = Array("Epoch 1/2\nD 9 9 9\nK 1\n".utf8) + [0, 255, 10]
        let stream: [UInt8] = Array("L\nR 0 d\n   12 /runs/a b/train.log\n    3 /runs/c.log\n   15 total\nR 1 m\nE\n".utf8)
            + Array("D 4 100 \(payload.count)\n".utf8) + payload + Array("K 4\nD 5 0 3\nabcX 5\nstray noise\n".utf8)
        let expected: [RemoteProtocol.Frame] = [
            .listStart, .root(index: 0, kind: .directory), .file(size: 12, path: "/runs/a b/train.log"),
            .file(size: 3, path: "/runs/c.log"), .root(index: 1, kind: .missing), .listEnd,
            .data(id: 4, offset: 100, bytes: payload), .dataEnd(id: 4, intact: true),
            .data(id: 5, offset: 0, bytes: Array("abc".utf8)), .dataEnd(id: 5, intact: false), .other("stray noise"),
        ]
        for size in [1, 2, 3, 7, 64, stream.count] {
            var parser = RemoteProtocol.Parser()
            var frames: [RemoteProtocol.Frame] = []
            var rest = stream[...]
            while !rest.isEmpty {
                frames += parser.feed(rest.prefix(size))
                rest = rest.dropFirst(size)
            }
            #expect(frames == expected, "chunks of \(size)")
        }
    }

    @Test func aPathTravelsAsOneQuotedArgumentAndAReadRequestRefusesANewline() {
        let command = RemoteProtocol.command(depth: 4, roots: ["/runs/it's $(x)/", "/s/slurm-*.out"])
        #expect(command.hasSuffix(" fitwatch 4 '/runs/it'\\''s $(x)/' '/s/slurm-*.out'"))
        #expect(RemoteProtocol.read(id: 3, offset: 10, length: 5, path: "/a b.log") == "r 3 10 5 /a b.log\n")
        #expect(RemoteProtocol.read(id: 3, offset: 10, length: 5, path: "/a\nb.log") == nil)
    }

    @Test func remoteArgumentsOfOneHostShareOneFeedAndSeveralHostsNameTheirRuns() throws {
        let feeds = try FeedFactory.makeAll(arguments: ["gpu1:/runs/a.log", "gpu2:/scratch/runs/", "gpu1:/runs/b.log",
                                                        "me@gpu1:/runs/c.log"], format: nil)
        let hosts = feeds.compactMap { $0 as? SSHHostFeed }
        #expect(hosts.count == 3, "gpu1, gpu2 and me@gpu1 (another login)")
        #expect(hosts.map(\.id.rawValue) == ["gpu1", "gpu2", "me@gpu1"])
        #expect(hosts.first?.arguments().last?.hasSuffix("'/runs/a.log' '/runs/b.log'") == true)
    }
}

/// The per-host multiplexer against a real sshd on 127.0.0.1.
@Suite(.serialized, .enabled(if: SSHServer.unavailableReason == nil,
                             Comment(rawValue: "skipped: \(SSHServer.unavailableReason ?? "")")))
struct SSHHostFeedTests {
    private func follow(_ paths: [String], on server: SSHServer, severalHosts: Bool = false) -> (SSHHostFeed, FeedProbe) {
        let host = SSHTarget(user: server.user, host: "127.0.0.1", path: "")
        let feed = SSHHostFeed(host: host, roots: paths.map { .init(path: $0, namePrefix: severalHosts ? "127.0.0.1:" : "") },
                               options: server.options(), pollInterval: 0.1, makeReader: { ChunkEchoReader() })
        return (feed, FeedProbe(feed))
    }

    /// ssh client processes talking to this server's port.
    private func sshClients(_ server: SSHServer) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { name in
            guard pid_t(name) != nil,
                  let comm = try? String(contentsOfFile: "/proc/\(name)/comm", encoding: .utf8),
                  comm.trimmingCharacters(in: .whitespacesAndNewlines) == "ssh",
                  let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains("-p \(server.port) ")
        }.count
    }

    @Test func severalFilesAndADirectoryGoThroughOneConnectionAndANewRemoteRunIsFound() throws {
        let server = try SSHServer()
        let runs = server.directory.file("runs")
        try FileManager.default.createDirectory(atPath: runs + "/a", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: runs + "/b", withIntermediateDirectories: true)
        append("a1\n", to: runs + "/a/train.log")
        append("b1\n", to: runs + "/b/train.log")
        let single = server.directory.file("slurm-1.out"), other = server.directory.file("slurm-2.out")
        append("s1\n", to: single)
        append("t1\n", to: other)
        let (feed, probe) = follow([runs + "/", single, other], on: server)
        defer { feed.stop() }
        let file1 = "\(server.user)@127.0.0.1:\(single)", file2 = "\(server.user)@127.0.0.1:\(other)"
        #expect(probe.wait { DiscoveryFeedTests.texts($0) == ["a/train.log": "a1\n", "b/train.log": "b1\n", file1: "s1\n", file2: "t1\n"] },
                "\(DiscoveryFeedTests.texts(probe)) \(probe.states)")
        #expect(sshClients(server) == 1, "one ssh process for four runs")
        #expect(feed.connectionCount == 1)

        try FileManager.default.createDirectory(atPath: runs + "/c", withIntermediateDirectories: true)
        append("c1\n", to: runs + "/c/train.log")
        append("a2\n", to: runs + "/a/train.log")
        #expect(probe.wait { DiscoveryFeedTests.texts($0)["c/train.log"] == "c1\n" && DiscoveryFeedTests.texts($0)["a/train.log"] == "a1\na2\n" },
                "\(DiscoveryFeedTests.texts(probe))")
        #expect(probe.messages.contains(.reading(SourceID("c/train.log"), "c/train.log")))
        #expect(sshClients(server) == 1)
    }

    @Test func everyByteOfEveryRunArrivesExactlyOnceAcrossAServerRestart() throws {
        let server = try SSHServer()
        let runs = server.directory.file("sweep")
        let names = ["lr=0.1", "lr=0.01", "lr=0.001"]
        for name in names { try FileManager.default.createDirectory(atPath: runs + "/" + name, withIntermediateDirectories: true) }
        var expected: [String: String] = [:]
        func write(_ epochs: ClosedRange<Int>) {
            for epoch in epochs {
                for name in names {
                    let line = "Epoch \(epoch)/60 - loss: \(1.0 / Double(epoch)) [\(name)]\n"
                    append(line, to: "\(runs)/\(name)/train.log")
                    expected["\(name)/train.log", default: ""] += line
                }
            }
        }
        write(1...10)
        let (feed, probe) = follow([runs], on: server)
        defer { feed.stop() }
        #expect(probe.wait { DiscoveryFeedTests.texts($0) == expected })
        write(11...20)
        #expect(probe.wait { DiscoveryFeedTests.texts($0) == expected })

        server.kill()
        #expect(probe.wait { probe in
            names.allSatisfy { name in probe.messages.contains { if case .state(SourceID("\(name)/train.log"), .reconnecting) = $0 { return true } else { return false } } }
        }, "every run of the host says it is reconnecting")
        #expect(!probe.messages.contains { if case .state(_, .finished) = $0 { return true } else { return false } })
        write(21...40)  // written while the host is away
        try server.start()
        write(41...60)
        #expect(probe.wait(timeout: 20) { DiscoveryFeedTests.texts($0) == expected })
        #expect(DiscoveryFeedTests.texts(probe) == expected, "every epoch exactly once, in order")
        #expect(probe.wait { probe in
            names.allSatisfy { name in probe.messages.last { if case .state(SourceID("\(name)/train.log"), _) = $0 { return true } else { return false } } == .state(SourceID("\(name)/train.log"), .live) }
        })
    }

    /// Hosts are independent: one host's sshd going away (its connection drops) marks only
    /// its runs reconnecting; the other host's runs keep arriving meanwhile, and the first
    /// host's runs resume with what was written while it was away, exactly once.
    @Test func oneHostGoingDownLeavesTheOtherHostsRunsLiveAndItsOwnResume() throws {
        let down = try SSHServer(), up = try SSHServer()
        let names = ["lr=0.1", "lr=0.01"]
        var expected: [String: String] = [:]
        var feeds: [SSHHostFeed] = []
        func write(_ epoch: Int, hosts: [(String, SSHServer)]) {
            for (host, server) in hosts {
                for name in names {
                    let line = "Epoch \(epoch)/9 - loss: \(epoch) [\(host) \(name)]\n"
                    append(line, to: server.directory.file("runs/\(name)/train.log"))
                    expected["\(host):\(name)/train.log", default: ""] += line
                }
            }
        }
        let both = [("gpu1", down), ("gpu2", up)]
        for (host, server) in both {
            for name in names { try FileManager.default.createDirectory(atPath: server.directory.file("runs/\(name)"), withIntermediateDirectories: true) }
            var options = server.options()
            options.sshCommand = server.sshCommand() + " -o HostName=127.0.0.1"
            feeds.append(SSHHostFeed(host: SSHTarget(user: server.user, host: host, path: ""),
                                     roots: [.init(path: server.directory.file("runs") + "/", namePrefix: "\(host):")],
                                     options: options, pollInterval: 0.1, makeReader: { ChunkEchoReader() }))
        }
        write(1, hosts: both)
        let probe = FeedProbe(feeds[0])
        feeds[1].start(inbox: probe.inbox)
        defer { feeds.forEach { $0.stop() } }
        #expect(probe.wait { DiscoveryFeedTests.texts($0) == expected }, "\(DiscoveryFeedTests.texts(probe))")
        let before = probe.messages.count
        func said(_ id: String, _ matches: (SourceState) -> Bool) -> Bool {
            probe.messages.dropFirst(before).contains { if case .state(SourceID(id), let state) = $0 { return matches(state) } else { return false } }
        }
        func reconnecting(_ state: SourceState) -> Bool { if case .reconnecting = state { return true } else { return false } }

        down.kill()
        #expect(probe.wait { _ in names.allSatisfy { said("gpu1:\($0)/train.log", reconnecting) } }, "gpu1's runs say they are reconnecting")
        write(2, hosts: both)  // gpu1 is away: only gpu2's runs can deliver it
        let gpu2 = expected.filter { $0.key.hasPrefix("gpu2:") }
        #expect(probe.wait { probe in DiscoveryFeedTests.texts(probe).filter { $0.key.hasPrefix("gpu2:") } == gpu2 },
                "gpu2's runs go on while gpu1 is down")
        try down.start()
        write(3, hosts: both)
        #expect(probe.wait(timeout: 20) { DiscoveryFeedTests.texts($0) == expected }, "\(DiscoveryFeedTests.texts(probe))")
        for name in names {
            #expect(!said("gpu2:\(name)/train.log") { reconnecting($0) || $0 == .connecting }, "gpu2 kept its connection")
        }
        #expect(!probe.messages.contains { if case .state(_, .finished) = $0 { return true } else { return false } }, "no run finished")
    }

    @Test func aTruncatedRemoteFileStartsOverAndAMissingOneFailsAlone() throws {
        let server = try SSHServer()
        let log = server.directory.file("train.log")
        append("first run line\n", to: log)
        let missing = server.directory.file("nope.log")
        let (feed, probe) = follow([log, missing], on: server)
        defer { feed.stop() }
        let id = "\(server.user)@127.0.0.1:\(log)"
        #expect(probe.wait { DiscoveryFeedTests.texts($0)[id] == "first run line\n" })
        #expect(probe.wait { $0.messages.contains(.state(SourceID("\(server.user)@127.0.0.1:\(missing)"), .failed("no such file on 127.0.0.1: \(missing)"))) })
        try Data("new\n".utf8).write(to: URL(fileURLWithPath: log))
        #expect(probe.wait { DiscoveryFeedTests.texts($0)[id] == "first run line\nnew\n" }, "\(DiscoveryFeedTests.texts(probe))")
    }

    /// Binary event files travel intact, and a remote train/validation pair is one run with
    /// the same epochs the local loader reads.
    @Test func aRemoteTensorBoardPairIsOneRunWithEveryValidationValue() throws {
        let server = try SSHServer()
        let run = server.directory.file("tb/lr=0.1")
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        let fixture = DirectoryRunFeedTests.fixture.path
        for group in ["train", "validation"] { try FileManager.default.copyItem(atPath: "\(fixture)/\(group)", toPath: "\(run)/\(group)") }
        append("Epoch 1/1\n", to: server.directory.file("tb/notes.log"))
        let host = SSHTarget(user: server.user, host: "127.0.0.1", path: "")
        let feed = SSHHostFeed(host: host, roots: [.init(path: server.directory.file("tb") + "/")], options: server.options(),
                               pollInterval: 0.1, makeReader: { AutoReader() })
        let probe = FeedProbe(feed)
        defer { feed.stop() }
        let expected = RunSegment.segments(from: try LogLoader.events(at: fixture, format: nil)).first?.epochs ?? []
        #expect(expected.count == 20)
        func latest(_ probe: FeedProbe) -> [Int: EpochRecord] {
            var latest: [Int: EpochRecord] = [:]
            for message in probe.messages {
                if case .event(SourceID("lr=0.1"), .epochEnded(let record)) = message { latest[record.epoch] = record }
            }
            return latest
        }
        #expect(probe.wait(timeout: 20) { probe in
            let seen = latest(probe)
            return seen.count == 20 && (1...20).allSatisfy { seen[$0]?.metrics == expected[$0 - 1].metrics }
        }, "epochs seen: \(latest(probe).keys.sorted())")
        #expect(probe.messages.contains(.reading(SourceID("lr=0.1"), "lr=0.1 (TensorBoard: train, validation)")))
    }

    /// A remote glob is expanded by the remote shell and nothing else: matches are runs, a
    /// new match is found, and a root with spaces and shell syntax in it injects nothing.
    @Test func aRemoteGlobFollowsItsMatchesAndAStrangeRootInjectsNothing() throws {
        let server = try SSHServer()
        let marker = "fitwatch-injected-\(UUID().uuidString.prefix(8))"
        let folder = server.directory.file("my runs; touch \(marker) $(touch \(marker)2) `touch \(marker)3`")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        append("one\n", to: folder + "/slurm-1.out")
        append("two\n", to: folder + "/slurm-2.out")
        append("no\n", to: folder + "/other.out")
        let (feed, probe) = follow([folder + "/slurm-*.out"], on: server)
        defer { feed.stop() }
        #expect(probe.wait { DiscoveryFeedTests.texts($0) == ["slurm-1.out": "one\n", "slurm-2.out": "two\n"] },
                "\(DiscoveryFeedTests.texts(probe)) \(probe.states)")
        append("three\n", to: folder + "/slurm-3.out")
        #expect(probe.wait { DiscoveryFeedTests.texts($0)["slurm-3.out"] == "three\n" }, "\(DiscoveryFeedTests.texts(probe))")
        let home = String(cString: getpwuid(getuid()).pointee.pw_dir)
        for suffix in ["", "2", "3"] {
            for place in [home, server.directory.path, FileManager.default.currentDirectoryPath] {
                #expect(!FileManager.default.fileExists(atPath: place + "/" + marker + suffix), "the root ran a command")
            }
        }
    }

    @Test func stoppingLeavesNothingRunningOnTheRemoteSide() throws {
        let server = try SSHServer()
        let log = server.directory.file("train.log")
        append("x\n", to: log)
        let (feed, probe) = follow([server.directory.path + "/"], on: server)
        #expect(probe.wait { DiscoveryFeedTests.texts($0).values.contains("x\n") })
        #expect(!SSHServer.processes(containing: "fitwatch-remote-ready").isEmpty, "the remote loop runs while followed")
        feed.stop()
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, !SSHServer.processes(containing: "fitwatch-remote-ready").isEmpty { usleep(50_000) }
        #expect(SSHServer.processes(containing: "fitwatch-remote-ready").isEmpty, "the remote loop ended with the connection")
        #expect(sshClients(server) == 0)
    }
}
