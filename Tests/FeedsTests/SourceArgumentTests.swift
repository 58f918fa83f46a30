import Testing
import Foundation
@testable import Feeds

/// How a command-line argument becomes a source, and what the remote side is asked to run.
@Suite struct SourceArgumentTests {
    @Test func readsScpStyleAndSSHURLs() throws {
        #expect(try SSHTarget.parse("gpu1:/runs/b.log") == SSHTarget(host: "gpu1", path: "/runs/b.log"))
        #expect(try SSHTarget.parse("me@gpu1:runs/b.log") == SSHTarget(user: "me", host: "gpu1", path: "runs/b.log"))
        #expect(try SSHTarget.parse("ssh://me@gpu2:2222/runs/my%20run.log")
                == SSHTarget(user: "me", host: "gpu2", port: 2222, path: "/runs/my run.log"))
        #expect(try SSHTarget.parse("ssh://[::1]:22/x.log") == SSHTarget(host: "::1", port: 22, path: "/x.log"))
        // scp-style IPv6: the host in brackets, the first `:` outside them ends it.
        #expect(try SSHTarget.parse("me@[::1]:/runs/x.log") == SSHTarget(user: "me", host: "::1", path: "/runs/x.log"))
        #expect(try SSHTarget.parse("[fe80::1%eth0]:logs/a.log") == SSHTarget(host: "fe80::1%eth0", path: "logs/a.log"))
        #expect(try SSHTarget.parse("me@[::1]:/runs/x.log")?.displayName == "me@[::1]:/runs/x.log")
        #expect(try SSHTarget.parse("ssh://[::1]:2222/x.log")?.displayName == "ssh://[::1]:2222/x.log")
        #expect(try SSHTarget.parse("runs/[a:b]/x.log") == nil)
        #expect(try SSHTarget.parse("[::1]") == nil)
        #expect(try SSHTarget.parse("./runs/a:b.log") == nil)
        #expect(try SSHTarget.parse("/tmp/a:b.log") == nil)
        #expect(try SSHTarget.parse("train.log") == nil)
    }

    @Test func rejectsRemoteArgumentsMissingAPartWithAOneLineReason() {
        #expect(throws: FeedFactory.BadSource.self) { try SSHTarget.parse("ssh://host") }
        #expect(throws: FeedFactory.BadSource.self) { try SSHTarget.parse("ssh://host:99999/x") }
        #expect(throws: FeedFactory.BadSource.self) { try SSHTarget.parse("host:") }
        #expect(throws: FeedFactory.BadSource.self) { try FeedFactory.format("keras9") }
    }

    @Test func classifiesArgumentsAsStdinFilesDirectoriesAndHosts() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        #expect(try FeedFactory.kind(of: "gpu:3.log") == .remote(SSHTarget(host: "gpu", path: "3.log")))
        #expect(try FeedFactory.kind(of: directory.path) == .directory(directory.path))
        #expect(try FeedFactory.kind(of: "-") == .standardInput)
        #expect(try FeedFactory.kind(of: "not-yet.log") == .file("not-yet.log"))
    }

    @Test func quotesTheRemotePathOnceAndKeepsTheScriptConstant() {
        let target = SSHTarget(host: "h", path: "/r/it's $(x) `y`; z.log")
        let command = target.remoteCommand(offset: 41)
        #expect(command.hasSuffix(" fitwatch '/r/it'\\''s $(x) `y`; z.log' 42"))
        #expect(command.hasPrefix("exec sh -c '"))
        // The path appears only in its quoted argument.
        #expect(command.components(separatedBy: "$(x)").count == 2)
    }

    @Test func runsTheUsersSSHCommandLikeGitSSHCommand() {
        var options = SSHFeed.Options(sshCommand: "ssh -p 2222 -i 'my key'")
        options.firstDelay = 1
        let feed = SSHFeed(target: SSHTarget(user: "me", host: "gpu", path: "/x.log"), options: options, makeReader: { ChunkEchoReader() })
        let arguments = feed.arguments()
        #expect(Array(arguments.prefix(4)) == ["/bin/sh", "-c", "ssh -p 2222 -i 'my key' \"$@\"", "fitwatch-ssh"])
        #expect(arguments.contains("BatchMode=yes"))
        #expect(arguments.suffix(2).first == "me@gpu")
        let plain = SSHFeed(target: SSHTarget(host: "gpu", port: 2200, path: "/x.log"), options: SSHFeed.Options(sshCommand: nil),
                            makeReader: { ChunkEchoReader() }).arguments()
        #expect(plain.first == "ssh")
        #expect(plain.contains("2200"))
    }

    @Test func explainsSSHFailuresWithTheirRealReason() {
        let target = SSHTarget(user: "me", host: "gpu", path: "/runs/a.log")
        #expect(SSHFeed.classify(status: 255, messages: ["me@gpu: Permission denied (publickey)."], target: target, wasLive: false)
                == .failed("authentication failed for me@gpu: me@gpu: Permission denied (publickey)."))
        #expect(SSHFeed.classify(status: 66, messages: ["fitwatch: no such file: /runs/a.log"], target: target, wasLive: false)
                == .failed("no such file on gpu: /runs/a.log"))
        #expect(SSHFeed.classify(status: 255, messages: ["ssh: Could not resolve hostname gpu: Name or service not known"],
                                 target: target, wasLive: false)
                == .failed("host unreachable: ssh: Could not resolve hostname gpu: Name or service not known"))
        #expect(SSHFeed.classify(status: 255, messages: ["ssh: connect to host gpu port 22: Connection refused"], target: target, wasLive: false)
                == .retry("host unreachable: ssh: connect to host gpu port 22: Connection refused"))
        #expect(SSHFeed.classify(status: 255, messages: ["Timeout, server gpu not responding."], target: target, wasLive: true)
                == .retry("connection lost: Timeout, server gpu not responding."))
    }

    @Test func showsLinesAsATerminalWould() {
        var buffer = LineBuffer()
        let bytes = Array("12/81 [==>...] - ETA: 3s\r81/81 [====] - 1s\u{1b}[0m\nplain\npart".utf8)
        #expect(buffer.append(bytes) == ["81/81 [====] - 1s", "plain"])
        #expect(buffer.finish() == ["part"])
        var keras2 = LineBuffer()
        #expect(keras2.append(Array("━━x\u{8}\u{8}ok\n".utf8)) == ["━ok"])
    }
}
