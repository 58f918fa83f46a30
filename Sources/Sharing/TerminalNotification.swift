/// A desktop notification sent through the terminal (`--notify`): the escape sequence the
/// terminal turns into a system notification, or the bell where none is known to work.
///
/// Which one, from the environment (the first rule that matches):
/// - `FITWATCH_NOTIFY=osc9|osc777|osc99|bell|off` decides outright.
/// - iTerm2 (`TERM_PROGRAM=iTerm.app`, `LC_TERMINAL=iTerm2`, `ITERM_SESSION_ID`), WezTerm
///   (`TERM_PROGRAM=WezTerm`, `WEZTERM_PANE`) and ConEmu (`ConEmuPID`) are OSC 9 terminals:
///   `ESC ] 9 ; text BEL`.
/// - kitty (`TERM=xterm-kitty`, `KITTY_WINDOW_ID`) documents its own OSC 99 and is sent that:
///   `ESC ] 99 ; ; text ESC \`.
/// - Ghostty (`TERM_PROGRAM=ghostty`, `TERM=xterm-ghostty`, `GHOSTTY_RESOURCES_DIR`), foot
///   (`TERM=foot…`), rxvt-unicode (`TERM=rxvt-unicode…`, with its notify extension) and VTE
///   terminals (`VTE_VERSION`: GNOME Terminal, Tilix, whose distribution builds carry the
///   notify patch) take OSC 777, which has a title: `ESC ] 777 ; notify ; title ; body BEL`.
/// - Anything else (Windows Terminal and VS Code, which use OSC 9 for progress or ignore
///   it, xterm, the Linux console, an unknown terminal) gets the bell (`BEL`).
///
/// Inside tmux (`TMUX`) the terminal outside is named only by variables tmux inherited
/// (`TERM` and `TERM_PROGRAM` are tmux's own): a known outer terminal gets the sequence wrapped
/// in tmux's DCS passthrough (`ESC P tmux ; …, every ESC doubled, ESC \`), which tmux 3.3+
/// forwards only with `set -g allow-passthrough on`; when tmux says passthrough is off, or the
/// outer terminal is unknown, it is the bell (tmux shows it as the window's bell flag). GNU
/// screen (`STY`) always gets the bell.
public struct TerminalNotification: Sendable, Equatable {
    /// How the terminal is told.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case osc9, osc777, osc99, bell, off
    }

    /// The sequence to send.
    public var kind: Kind
    /// Wrap it in tmux's DCS passthrough.
    public var tmuxPassthrough: Bool

    public init(kind: Kind, tmuxPassthrough: Bool = false) {
        self.kind = kind
        self.tmuxPassthrough = tmuxPassthrough
    }

    /// What to send for this environment. `tmuxAllowsPassthrough`: what
    /// `tmux show-options -gv allow-passthrough` said (nil: not asked or no answer, taken as yes).
    public static func choose(environment: [String: String], tmuxAllowsPassthrough: Bool? = nil) -> TerminalNotification {
        func value(_ key: String) -> String { environment[key] ?? "" }
        if let forced = Kind(rawValue: value("FITWATCH_NOTIFY").lowercased()) {
            let inTmux = !value("TMUX").isEmpty && forced != .bell && forced != .off
            return TerminalNotification(kind: forced, tmuxPassthrough: inTmux)
        }
        if !value("STY").isEmpty { return TerminalNotification(kind: .bell) }
        let inTmux = !value("TMUX").isEmpty
        // Inside tmux, TERM and TERM_PROGRAM describe tmux, not the terminal around it.
        let term = inTmux ? "" : value("TERM")
        let program = inTmux ? "" : value("TERM_PROGRAM")
        let kind: Kind
        if program == "iTerm.app" || value("LC_TERMINAL") == "iTerm2" || !value("ITERM_SESSION_ID").isEmpty
            || program == "WezTerm" || !value("WEZTERM_PANE").isEmpty || !value("ConEmuPID").isEmpty {
            kind = .osc9
        } else if term == "xterm-kitty" || !value("KITTY_WINDOW_ID").isEmpty {
            kind = .osc99
        } else if program == "ghostty" || term == "xterm-ghostty" || !value("GHOSTTY_RESOURCES_DIR").isEmpty
                    || term.hasPrefix("foot") || term.hasPrefix("rxvt-unicode") || !value("VTE_VERSION").isEmpty {
            kind = .osc777
        } else {
            kind = .bell
        }
        if inTmux, kind != .bell {
            return tmuxAllowsPassthrough == false ? TerminalNotification(kind: .bell) : TerminalNotification(kind: kind, tmuxPassthrough: true)
        }
        return TerminalNotification(kind: kind)
    }

    /// The bytes to write to the terminal for a notification; empty for `off`.
    public func bytes(title: String, body: String) -> [UInt8] {
        let escape: UInt8 = 0x1b, bel: UInt8 = 0x07
        var sequence: [UInt8]
        switch kind {
        case .off: return []
        case .bell: return [bel]
        case .osc9:
            // One text. It never starts with a digit: ConEmu and Windows Terminal read
            // `9;4;…` as a progress report and `9;1;…` as a sleep.
            var text = Self.clean("\(title): \(body)", limit: 240)
            if text.first?.isNumber == true { text = "fitwatch: " + text }
            sequence = [escape] + Array("]9;".utf8) + Array(text.utf8) + [bel]
        case .osc777:
            // Title and body are separated by `;`, so the title has none.
            let cleanTitle = Self.clean(title, limit: 80).replacingSemicolons()
            sequence = [escape] + Array("]777;notify;\(cleanTitle);\(Self.clean(body, limit: 240))".utf8) + [bel]
        case .osc99:
            // kitty's protocol, simplest form: no metadata, the payload is the title; ended by ST.
            sequence = [escape] + Array("]99;;".utf8) + Array(Self.clean("\(title): \(body)", limit: 240).utf8)
                + [escape, UInt8(ascii: "\\")]
        }
        guard tmuxPassthrough else { return sequence }
        var wrapped: [UInt8] = [escape] + Array("Ptmux;".utf8)
        for byte in sequence {
            if byte == escape { wrapped.append(escape) }
            wrapped.append(byte)
        }
        return wrapped + [escape, UInt8(ascii: "\\")]
    }

    /// `text` with every control character (C0, DEL, C1) made a space, so nothing in a
    /// finding or a path can end the sequence early, and at most `limit` characters.
    static func clean(_ text: String, limit: Int) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let value = scalar.value
            out.append(value < 0x20 || (0x7f...0x9f).contains(value) ? " " : scalar)
        }
        let cleaned = String(out)
        return cleaned.count <= limit ? cleaned : String(cleaned.prefix(limit - 1)) + "…"
    }
}

private extension String {
    func replacingSemicolons() -> String { String(map { $0 == ";" ? "," : $0 }) }
}
