import Testing
@testable import Sharing

/// The bytes `--notify` writes for each kind of terminal: the sequence that terminal turns
/// into a desktop notification, or the bell.
@Suite struct TerminalNotificationTests {
    static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\u{1b}", with: "⎋").replacingOccurrences(of: "\u{07}", with: "␇")
    }

    @Test func eachTerminalGetsItsSequence() {
        let cases: [([String: String], TerminalNotification.Kind)] = [
            (["TERM_PROGRAM": "iTerm.app", "TERM": "xterm-256color"], .osc9),
            (["LC_TERMINAL": "iTerm2"], .osc9),
            (["TERM_PROGRAM": "WezTerm"], .osc9),
            (["TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"], .osc99),
            (["TERM_PROGRAM": "ghostty", "TERM": "xterm-ghostty"], .osc777),
            (["TERM": "foot"], .osc777),
            (["TERM": "rxvt-unicode-256color"], .osc777),
            (["TERM": "xterm-256color", "VTE_VERSION": "7600"], .osc777),
            (["TERM": "xterm-256color"], .bell),
            (["TERM": "linux"], .bell),
            (["TERM_PROGRAM": "vscode", "TERM": "xterm-256color"], .bell),
            ([:], .bell),
        ]
        for (environment, kind) in cases {
            #expect(TerminalNotification.choose(environment: environment) == TerminalNotification(kind: kind), "\(environment)")
        }
    }

    @Test func theBytesOfEachKind() {
        let title = "fitwatch: train.log finished", body = "early-stopped at epoch 40"
        #expect(Self.text(TerminalNotification(kind: .osc9).bytes(title: title, body: body))
                == "⎋]9;fitwatch: train.log finished: early-stopped at epoch 40␇")
        #expect(Self.text(TerminalNotification(kind: .osc777).bytes(title: title, body: body))
                == "⎋]777;notify;fitwatch: train.log finished;early-stopped at epoch 40␇")
        #expect(Self.text(TerminalNotification(kind: .osc99).bytes(title: title, body: body))
                == "⎋]99;;fitwatch: train.log finished: early-stopped at epoch 40⎋\\")
        #expect(TerminalNotification(kind: .bell).bytes(title: title, body: body) == [0x07])
        #expect(TerminalNotification(kind: .off).bytes(title: title, body: body).isEmpty)
    }

    @Test func insideTmuxAKnownOuterTerminalGetsThePassthroughElseTheBell() {
        // tmux's own TERM and TERM_PROGRAM say nothing about the terminal outside it.
        let tmux = ["TMUX": "/tmp/tmux-0/default,1,0", "TERM": "tmux-256color", "TERM_PROGRAM": "tmux"]
        #expect(TerminalNotification.choose(environment: tmux) == TerminalNotification(kind: .bell))
        var iterm = tmux
        iterm["LC_TERMINAL"] = "iTerm2"
        let chosen = TerminalNotification.choose(environment: iterm)
        #expect(chosen == TerminalNotification(kind: .osc9, tmuxPassthrough: true))
        // Every ESC of the sequence doubled inside `ESC P tmux; … ESC \`.
        #expect(Self.text(chosen.bytes(title: "t", body: "b")) == "⎋Ptmux;⎋⎋]9;t: b␇⎋\\")
        // tmux said allow-passthrough is off: it would drop the sequence, so the bell.
        #expect(TerminalNotification.choose(environment: iterm, tmuxAllowsPassthrough: false) == TerminalNotification(kind: .bell))
        #expect(TerminalNotification.choose(environment: ["STY": "1234.pts-0", "LC_TERMINAL": "iTerm2"]) == TerminalNotification(kind: .bell))
    }

    @Test func theEnvironmentOverrideWins() {
        #expect(TerminalNotification.choose(environment: ["FITWATCH_NOTIFY": "osc777", "TERM": "linux"]).kind == .osc777)
        #expect(TerminalNotification.choose(environment: ["FITWATCH_NOTIFY": "off", "TERM_PROGRAM": "iTerm.app"]).kind == .off)
        #expect(TerminalNotification.choose(environment: ["FITWATCH_NOTIFY": "bell", "TERM_PROGRAM": "iTerm.app"]).kind == .bell)
    }

    @Test func nothingInTheTextCanEndTheSequenceEarly() {
        let bytes = TerminalNotification(kind: .osc777).bytes(title: "a;b\u{07}c", body: "x\u{1b}]0;evil\u{07}y\u{9c}z")
        // Exactly one ESC (the start) and one BEL (the end); the title keeps no `;`.
        #expect(bytes.filter { $0 == 0x1b }.count == 1)
        #expect(bytes.filter { $0 == 0x07 }.count == 1)
        #expect(bytes.last == 0x07)
        #expect(Self.text(bytes).hasPrefix("⎋]777;notify;a,b c;x ]0;evil y"))
        // OSC 9 never starts with a digit (ConEmu would read `9;4;…` as progress).
        let osc9 = Self.text(TerminalNotification(kind: .osc9).bytes(title: "4", body: "x"))
        #expect(osc9 == "⎋]9;fitwatch: 4: x␇")
    }
}
