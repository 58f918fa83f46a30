import Foundation
import Testing
import TestSupport

/// The real binary in a real terminal (tmux): it starts, draws, answers keys, survives
/// resizes and always gives the terminal back. Each runs the built-in demo (the training
/// core on the Boston "accuracy with mse" spec), which needs no file and shows a warning.
@Suite(.enabled(if: TmuxSession.available, "tmux is not installed"))
struct MonitorEndToEndTests {
    /// The demo's warning: Keras's `accuracy` on a regression output.
    static let warningID = "accuracy-on-regression"

    /// Any sparkline level glyph.
    static func hasSparkline(_ screen: String) -> Bool { screen.contains { "▁▂▃▄▅▆▇█".contains($0) } }

    /// The terminal is back to normal: the alternate screen is off and `stty` shows echo on.
    static func expectRestored(_ session: TmuxSession, exit status: String) {
        // Wait for `stty -a`'s own lines (`speed ... baud`), not just the word "echo": after a
        // crash the shell's "Aborted ... sh -c 'echo $$ ...'" line contains it before stty ran.
        let done = session.waitFor { $0.contains("EXIT=") && $0.contains(" baud") && ($0.contains(" echo ") || $0.contains("-echo ")) }
        #expect(done.ok, "fitwatch did not exit:\n\(done.screen)")
        #expect(done.screen.contains("EXIT=\(status)"), "\(done.screen)")
        #expect(done.screen.contains(" echo "), "echo is not back on:\n\(done.screen)")
        #expect(!done.screen.contains("-echo "), "echo is still off:\n\(done.screen)")
        #expect(session.display("#{alternate_on}") == "0")
    }

    @Test func demoShowsSparklinesAndTheWarningIdThenQuitsOnQ() throws {
        let session = try TmuxSession(arguments: [])
        defer { session.kill() }
        let drawn = session.waitFor { Self.hasSparkline($0) && $0.contains(Self.warningID) }
        #expect(drawn.ok, "no sparklines or warning on screen:\n\(drawn.screen)")
        #expect(drawn.screen.contains("binary_accuracy (ŷ>0.5)==y"), "\(drawn.screen)")
        #expect(session.display("#{alternate_on}") == "1")
        session.send("q")
        Self.expectRestored(session, exit: "0")
    }

    @Test func answersKeysForHelpWarningsDetailsAndGraph() throws {
        let session = try TmuxSession(arguments: [])
        defer { session.kill() }
        #expect(session.waitFor { $0.contains(Self.warningID) }.ok)
        session.send("?")
        let help = session.waitFor { $0.contains("fitwatch keys") }
        #expect(help.ok, "\(help.screen)")
        session.send("Escape")
        #expect(session.waitFor { !$0.contains("fitwatch keys") }.ok)
        session.send("w")
        let warnings = session.waitFor { $0.contains("─ Warnings ") }
        #expect(warnings.ok, "\(warnings.screen)")
        session.send("Enter")
        let detail = session.waitFor { $0.contains("What Keras computed") && $0.contains("Fix") }
        #expect(detail.ok, "\(detail.screen)")
        session.send("Escape")
        session.send("g")
        let graph = session.waitFor { $0.contains("Graph · ") }
        #expect(graph.ok, "\(graph.screen)")
        session.send("q")
        Self.expectRestored(session, exit: "0")
    }

    @Test func survivesResizeAndSaysWhenTooSmall() throws {
        let session = try TmuxSession(arguments: [])
        defer { session.kill() }
        #expect(session.waitFor { Self.hasSparkline($0) }.ok)
        session.resize(width: 60, height: 20)
        let small = session.waitFor { $0.contains("terminal too small") }
        #expect(small.ok, "\(small.screen)")
        session.resize(width: 120, height: 40)
        let big = session.waitFor { !$0.contains("terminal too small") && Self.hasSparkline($0) }
        #expect(big.ok, "\(big.screen)")
        let rows = big.screen.split(separator: "\n", omittingEmptySubsequences: false)
        // The status line is drawn on the last of the 40 rows, the border reaches column 120.
        #expect(rows.count >= 40)
        #expect(rows.contains { $0.count == 120 && $0.hasSuffix("┐") })
        session.send("q")
        Self.expectRestored(session, exit: "0")
    }

    @Test func sigtermRestoresTheTerminal() throws {
        let session = try TmuxSession(arguments: [])
        defer { session.kill() }
        #expect(session.waitFor { Self.hasSparkline($0) }.ok)
        let pid = try #require(session.fitwatchPID)
        #expect(kill(pid, SIGTERM) == 0)
        Self.expectRestored(session, exit: "143")
    }

    @Test func ctrlCRestoresTheTerminal() throws {
        let session = try TmuxSession(arguments: [])
        defer { session.kill() }
        #expect(session.waitFor { Self.hasSparkline($0) }.ok)
        session.send("C-c")
        Self.expectRestored(session, exit: "130")
    }

    @Test func sighupRestoresTheTerminal() throws {
        let session = try TmuxSession(arguments: [])
        defer { session.kill() }
        #expect(session.waitFor { Self.hasSparkline($0) }.ok)
        let pid = try #require(session.fitwatchPID)
        #expect(kill(pid, SIGHUP) == 0)
        Self.expectRestored(session, exit: "129")
    }

    /// Issue 14: Ctrl-\ (SIGQUIT) went to Swift's crash backtracer, which printed over the UI
    /// and waited 30 s for a key with the terminal in the alternate screen and mouse mode. It
    /// now ends the monitor like SIGTERM: terminal restored, exit 128 + 3.
    @Test func ctrlBackslashRestoresTheTerminalWithoutABacktrace() throws {
        let session = try TmuxSession(arguments: [])
        defer { session.kill() }
        #expect(session.waitFor { Self.hasSparkline($0) }.ok)
        #expect(session.display("#{mouse_any_flag}") == "1", "the monitor asks for mouse events")
        session.send("C-\\")
        Self.expectRestored(session, exit: "131")
        let screen = session.capture()
        #expect(!screen.contains("Backtracing") && !screen.contains("Program crashed"), "\(screen)")
        #expect(session.display("#{mouse_any_flag}") == "0", "mouse reporting is still on")
    }

    /// A fault or a failed precondition never reaches the loop: the shim's crash handler
    /// restores the terminal, then the signal's default action ends the process (sh reports
    /// 128 + 6 for SIGABRT, the signal a Swift trap raises on some platforms).
    @Test func crashRestoresTheTerminal() throws {
        let session = try TmuxSession(arguments: [])
        defer { session.kill() }
        #expect(session.waitFor { Self.hasSparkline($0) }.ok)
        let pid = try #require(session.fitwatchPID)
        #expect(kill(pid, SIGABRT) == 0)
        Self.expectRestored(session, exit: "134")
    }

    /// `fitwatch run -- CMD`: what the command prints appears in the log pane, and `o` hides it.
    @Test func wrappedCommandsOutputShowsInTheLogPaneAndOHidesIt() throws {
        // The printed text (`printed 42`) differs from the command line the header shows.
        let session = try TmuxSession(arguments: ["run", "--", "sh", "-c", "echo printed $((40 + 2)); sleep 30"])
        defer { session.kill() }
        let drawn = session.waitFor { $0.contains("Output") && $0.contains("printed 42") }
        #expect(drawn.ok, "no log pane:\n\(drawn.screen)")
        session.send("o")
        let hidden = session.waitFor { !$0.contains("printed 42") && $0.contains("o log") }
        #expect(hidden.ok, "o did not hide the log pane:\n\(hidden.screen)")
        // Quitting interrupts the still-running command (after asking); `run` exits with its status (130).
        session.send("q")
        #expect(session.waitFor { $0.contains("stop the command and quit?") }.ok)
        session.send("y")
        Self.expectRestored(session, exit: "130")
    }

    /// `q` while the wrapped command runs asks first: `n` keeps watching, `y` stops it.
    @Test func quittingARunningCommandAsksFirst() throws {
        let session = try TmuxSession(arguments: ["run", "--", "sh", "-c", "echo started $((6 * 7)); sleep 30; echo never"])
        defer { session.kill() }
        #expect(session.waitFor { $0.contains("started 42") }.ok)
        session.send("q")
        let asked = session.waitFor { $0.contains("stop the command and quit?") && $0.contains("y stop it and quit") }
        #expect(asked.ok, "q did not ask:\n\(asked.screen)")
        #expect(!asked.screen.contains("EXIT="))
        session.send("n")
        let kept = session.waitFor { !$0.contains("stop the command and quit?") && $0.contains("started 42") }
        #expect(kept.ok, "n did not keep watching:\n\(kept.screen)")
        usleep(300_000)
        #expect(!session.capture().contains("EXIT="), "n quit anyway")
        session.send("q")
        #expect(session.waitFor { $0.contains("stop the command and quit?") }.ok)
        session.send("y")
        Self.expectRestored(session, exit: "130")
    }

    /// Once the wrapped command ended there is nothing to stop: `q` quits at once.
    @Test func quittingAfterTheCommandEndedDoesNotAsk() throws {
        let session = try TmuxSession(arguments: ["run", "--", "sh", "-c", "echo all $((40 + 2)) done"])
        defer { session.kill() }
        #expect(session.waitFor { $0.contains("all 42 done") && $0.contains("finished") }.ok)
        session.send("q")
        Self.expectRestored(session, exit: "0")
    }

    /// `python train.py | fitwatch -`: the log arrives on stdin, the keys through /dev/tty.
    @Test func readsTheLogFromStdinAndKeysFromTheTerminal() throws {
        let log = Fixtures.url("monitor/k3_s1_seed_regression_accuracy.csvlogger.csv").path
        let session = try TmuxSession(arguments: ["-", "--format", "csvlogger"], stdin: log)
        defer { session.kill() }
        let drawn = session.waitFor { $0.contains("stdin") && Self.hasSparkline($0) }
        #expect(drawn.ok, "\(drawn.screen)")
        session.send("q")
        Self.expectRestored(session, exit: "0")
    }
}
