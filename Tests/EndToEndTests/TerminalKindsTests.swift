import Foundation
import Testing
import TestSupport

/// Terminals as they are: an eight-colour `TERM=xterm` draws every text readable, and a
/// terminal ncurses cannot drive (`TERM=dumb`) gets a one-line note and the line output,
/// never a blank screen.
@Suite(.enabled(if: TmuxSession.available, "tmux is not installed"))
struct TerminalKindsTests {
    /// A visible character drawn in its own background colour, from `capture-pane -e`.
    struct Invisible: CustomStringConvertible {
        var row: Int
        var text: String
        var description: String { "row \(row): \(text)" }
    }

    /// Visible characters whose foreground colour is their background colour, in a capture
    /// with escapes. Reads the SGR codes tmux writes: 30-37/90-97/38;5;N for the foreground,
    /// 40-47/100-107/48;5;N for the background, 39/49/0 for the defaults.
    static func invisibleText(_ styled: String) -> [Invisible] {
        var found: [Invisible] = []
        for (row, line) in styled.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var foreground: Int?
            var background: Int?
            var run = ""
            let characters = Array(line)
            var index = 0
            func flush() {
                if !run.trimmingCharacters(in: .whitespaces).isEmpty { found.append(Invisible(row: row, text: run)) }
                run = ""
            }
            while index < characters.count {
                if characters[index] == "\u{1B}", index + 1 < characters.count, characters[index + 1] == "[" {
                    var end = index + 2
                    while end < characters.count, !characters[end].isLetter { end += 1 }
                    if end < characters.count, characters[end] == "m" {
                        let codes = String(characters[(index + 2)..<end]).split(separator: ";", omittingEmptySubsequences: false)
                            .map { Int($0) ?? 0 }
                        var position = 0
                        while position < codes.count {
                            let code = codes[position]
                            switch code {
                            case 0: foreground = nil; background = nil
                            case 30...37: foreground = code - 30
                            case 90...97: foreground = code - 90 + 8
                            case 39: foreground = nil
                            case 40...47: background = code - 40
                            case 100...107: background = code - 100 + 8
                            case 49: background = nil
                            case 38, 48:
                                if position + 2 < codes.count, codes[position + 1] == 5 {
                                    if code == 38 { foreground = codes[position + 2] } else { background = codes[position + 2] }
                                    position += 2
                                }
                            default: break
                            }
                            position += 1
                        }
                    }
                    flush()
                    index = end + 1
                    continue
                }
                if let foreground, foreground == background { run.append(characters[index]) } else { flush() }
                index += 1
            }
            flush()
        }
        return found
    }

    @Test func eightColourTerminalDrawsNoTextInItsBackgroundColour() throws {
        // An empty NO_COLOR means "not set" (https://no-color.org), whatever the test runner set.
        let session = try TmuxSession(arguments: [], environment: ["TERM": "xterm", "NO_COLOR": ""])
        defer { session.kill() }
        let drawn = session.waitFor { $0.contains("Metrics") && $0.contains("best@epoch") && $0.contains("accuracy-on-regression") }
        #expect(drawn.ok, "\(drawn.screen)")
        // Let the demo draw a few more frames with every panel, then read the colours.
        usleep(500_000)
        let styled = session.captureStyled()
        // Colours are on (NO_COLOR is emptied above: the test runner may set it).
        #expect(styled.contains("\u{1B}[34m") || styled.contains("\u{1B}[37m"), "no colours drawn:\n\(styled)")
        let invisible = Self.invisibleText(styled)
        #expect(invisible.isEmpty, "text drawn in its own background colour under TERM=xterm:\n\(invisible.prefix(12).map(\.description).joined(separator: "\n"))")
        session.send("q")
        MonitorEndToEndTests.expectRestored(session, exit: "0")
    }

    @Test func dumbTerminalGetsANoteAndTheLineOutput() throws {
        let log = Fixtures.url("keras-logs/keras122_verbose2.log").path
        let session = try TmuxSession(arguments: ["replay", "--instant", log], environment: ["TERM": "dumb"])
        defer { session.kill() }
        let done = session.waitFor { $0.contains("EXIT=") }
        #expect(done.ok, "\(done.screen)")
        #expect(done.screen.contains("fitwatch: TERM=dumb cannot move the cursor, so no full screen: printing lines instead"), "\(done.screen)")
        #expect(done.screen.contains("epoch 3/3"), "no line output:\n\(done.screen)")
        #expect(done.screen.contains("EXIT=0"), "\(done.screen)")
    }

    @Test func unknownTerminalGetsANoteAndTheLineOutput() throws {
        let log = Fixtures.url("keras-logs/keras122_verbose2.log").path
        let session = try TmuxSession(arguments: ["replay", "--instant", log], environment: ["TERM": "no-such-terminal"])
        defer { session.kill() }
        let done = session.waitFor { $0.contains("EXIT=") }
        #expect(done.ok, "\(done.screen)")
        #expect(done.screen.contains("TERM=no-such-terminal is not in the terminfo database"), "\(done.screen)")
        #expect(done.screen.contains("epoch 3/3"), "no line output:\n\(done.screen)")
    }
}
