import Testing
import Foundation
@testable import Feeds

/// The wrapped command (`fitwatch run -- ...`): a terminal for the command, its exit status,
/// Ctrl-C, and `--tee`.
@Suite struct CommandFeedTests {
    private func run(_ script: String, tee: String? = nil) -> (CommandFeed, FeedProbe) {
        let feed = CommandFeed(arguments: ["/bin/sh", "-c", script], tee: tee, size: (rows: 40, columns: 120),
                               makeReader: { ChunkEchoReader() })
        return (feed, FeedProbe(feed))
    }

    private func ended(_ probe: FeedProbe) -> Bool {
        probe.states.contains { $0 == .finished || $0.word == "failed" }
    }

    @Test func runsTheCommandUnderATerminalOfTheGivenSize() {
        let (feed, probe) = run("[ -t 1 ] && echo stdout-is-a-tty; stty size")
        defer { feed.stop() }
        #expect(probe.wait(until: ended))
        #expect(probe.outputLines.contains("stdout-is-a-tty"))
        #expect(probe.outputLines.contains("40 120"))
        #expect(feed.exitStatus == 0)
        #expect(probe.states.last == .finished)
    }

    @Test func reportsTheCommandsExitStatus() {
        let (feed, probe) = run("echo failing; exit 3")
        defer { feed.stop() }
        #expect(probe.wait(until: ended))
        #expect(feed.exitStatus == 3)
        #expect(probe.states.last == .failed("exited with status 3"))
        #expect(probe.outputLines == ["failing"])
    }

    @Test func forwardsCtrlCToTheCommandsProcessGroup() {
        // The shell's foreground child must get SIGINT too: the whole group is interrupted,
        // as a terminal's Ctrl-C would.
        let (feed, probe) = run("""
            trap 'echo shell-got-int; exit 130' INT
            sh -c 'trap "echo child-got-int; exit 1" INT; echo ready; while :; do sleep 0.05; done'
            """)
        defer { feed.stop() }
        #expect(probe.wait { $0.outputLines.contains("ready") })
        #expect(feed.interrupt())
        #expect(probe.wait(until: ended))
        #expect(feed.exitStatus == 130)
        #expect(probe.outputLines.contains("shell-got-int"))
        #expect(probe.outputLines.contains("child-got-int"))
    }

    @Test func copiesRawOutputToTheTeeFile() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let tee = directory.file("run.log")
        let (feed, probe) = run("printf 'Epoch 1/2\\rdone\\n'", tee: tee)
        defer { feed.stop() }
        #expect(probe.wait(until: ended))
        // The pty turns \n into \r\n; the tee keeps exactly what the terminal received.
        #expect(try String(contentsOfFile: tee, encoding: .utf8) == "Epoch 1/2\rdone\r\n")
        #expect(probe.text == "Epoch 1/2\rdone\r\n")
        #expect(probe.outputLines == ["done"])
    }

    @Test func theRunIsNamedByItsCommandAsAShellWouldTakeItBack() {
        // The header showed `sh -c sleep 300` for `fitwatch run -- sh -c 'sleep 300'`.
        #expect(CommandFeed(arguments: ["sh", "-c", "sleep 300"], makeReader: { ChunkEchoReader() }).id.rawValue == "sh -c 'sleep 300'")
        #expect(CommandFeed(arguments: ["python", "train.py", "--lr=0.01"], makeReader: { ChunkEchoReader() }).id.rawValue == "python train.py --lr=0.01")
        #expect(CommandFeed(arguments: ["echo", "it's", ""], makeReader: { ChunkEchoReader() }).id.rawValue == #"echo 'it'\''s' ''"#)
    }

    @Test func aMissingCommandFailsWithTheReason() {
        let feed = CommandFeed(arguments: ["fitwatch-no-such-command-xyz"], makeReader: { ChunkEchoReader() })
        let probe = FeedProbe(feed)
        defer { feed.stop() }
        #expect(probe.wait(until: ended))
        #expect(feed.exitStatus == 127)
        #expect(probe.states.last?.reason?.contains("fitwatch-no-such-command-xyz") == true)
    }

    @Test func stoppingEndsTheCommandAndEverythingItStarted() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let pidFile = directory.file("child.pid")
        let (feed, probe) = run("sleep 60 & echo $! > '\(pidFile)'; echo started; wait")
        #expect(probe.wait { $0.outputLines.contains("started") })
        let childPID = try #require(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        feed.stop()
        #expect(probe.wait(until: ended))
        // The grandchild is gone too (kill(pid, 0) fails once it was reaped or is a zombie
        // reparented to init and reaped there).
        let deadline = Date().addingTimeInterval(5)
        while kill(childPID, 0) == 0 && Date() < deadline { usleep(20_000) }
        #expect(kill(childPID, 0) != 0)
    }
}
