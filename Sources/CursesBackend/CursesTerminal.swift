import CNcursesw
import Foundation
import TerminalCore

/// The only ncurses caller: starts a curses session on the user's terminal, draws changed
/// cells, decodes keys and mouse, and restores the terminal exactly once (`end()`, also on
/// deinit and, for traps and faults, from a crash handler in the shim).
public final class CursesTerminal: TerminalBackend {
    /// A one-line reason the terminal could not be used.
    public struct SetupError: Error, CustomStringConvertible {
        /// The message, naming what failed.
        public var description: String
    }

    /// The ncurses version this binary links, for `--version` and bug reports.
    public static var ncursesVersion: String { String(cString: curses_version()) }

    /// What colours the session shows.
    public let colorCapability: ColorCapability
    /// Whether the locale is UTF-8, so Unicode glyphs print; ASCII glyphs otherwise.
    public let unicode: Bool
    /// The descriptor keys arrive on (the terminal, `/dev/tty` when stdin is a pipe).
    public let inputDescriptor: Int32

    private let screen: OpaquePointer
    private let input: UnsafeMutablePointer<FILE>
    private let output: UnsafeMutablePointer<FILE>
    private let mapper: ColorMapper
    private var renditions: [Style: (attributes: attr_t, pair: Int32)] = [:]
    private var ended = false

    /// Why the terminal `TERM` names cannot draw the full screen, or nil when it can: a
    /// terminal type without cursor addressing (`dumb`, an editor's shell buffer) or one the
    /// terminfo database does not know. Loads the terminfo entry only; starts no screen.
    public static func unusableReason(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let term = environment["TERM"] ?? ""
        guard !term.isEmpty else { return "TERM is not set" }
        switch fw_terminal_can_address(term) {
        case 1: return nil
        case 0: return "TERM=\(term) cannot move the cursor"
        default: return "TERM=\(term) is not in the terminfo database"
        }
    }

    /// Start a session. Reads keys from stdin when it is a terminal, else from `/dev/tty`
    /// (`python train.py | fitwatch -` keeps stdin for the log).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        unicode = CursesTerminal.selectLocale()
        guard isatty(STDOUT_FILENO) != 0, let output = fdopen(STDOUT_FILENO, "w") else {
            throw SetupError(description: "fitwatch: stdout is not a terminal (use --headless)")
        }
        let input: UnsafeMutablePointer<FILE>
        if isatty(STDIN_FILENO) != 0, let stdinFile = fdopen(dup(STDIN_FILENO), "r") {
            input = stdinFile
        } else if let tty = fopen("/dev/tty", "r") {
            input = tty
        } else {
            throw SetupError(description: "fitwatch: no terminal to read keys from (/dev/tty cannot be opened)")
        }
        _ = fcntl(fileno(input), F_SETFD, FD_CLOEXEC)
        fw_capture_termios(STDOUT_FILENO)
        guard let screen = newterm(nil, output, input) else {
            fclose(input)
            let term = environment["TERM"] ?? "(unset)"
            throw SetupError(description: "fitwatch: cannot start the screen for TERM=\(term)")
        }
        self.screen = screen
        self.input = input
        self.output = output
        self.inputDescriptor = fileno(input)
        _ = set_term(screen)

        _ = cbreak()
        _ = noecho()
        _ = nonl()
        _ = keypad(fw_stdscr(), true)
        _ = nodelay(fw_stdscr(), true)
        _ = curs_set(0)
        // 25 ms tells a lone Esc from an escape sequence on any local or ssh terminal;
        // ncurses's default of 1000 ms makes Esc feel broken.
        _ = set_escdelay(25)
        _ = mousemask(fw_mouse_mask(), nil)
        _ = mouseinterval(0)

        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        var capability = ColorMapper.capability(colors: 0, hasColors: false, noColor: true)
        if !noColor, has_colors() {
            _ = start_color()
            _ = use_default_colors()
            capability = ColorMapper.capability(colors: Int(fw_colors()), hasColors: true, noColor: false)
        }
        colorCapability = capability
        mapper = ColorMapper(capability: capability, colors: Int(fw_colors()))

        // Leaving curses mode by hand, for the crash handler: end the alternate screen, show
        // the cursor, reset attributes, stop mouse reporting (1000/1002/1006 cover xterm's modes).
        let reset = [fw_tigetstr("rmcup"), fw_tigetstr("cnorm"), fw_tigetstr("sgr0")]
            .map { String(cString: $0!) }.joined() + "\u{1B}[?1000l\u{1B}[?1002l\u{1B}[?1006l\r\n"
        let bytes = Array(reset.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                fw_arm_crash_restore($0, bytes.count)
            }
        }
        _ = erase()
        _ = refresh()
    }

    deinit { end() }

    /// Leave curses mode and restore the terminal. Idempotent.
    public func end() {
        guard !ended else { return }
        ended = true
        _ = mousemask(0, nil)
        _ = curs_set(1)
        _ = endwin()
        fw_disarm_crash_restore()
        fflush(output)
        delscreen(screen)
        fclose(input)
    }

    /// The terminal size now (ncurses updates it on a resize).
    public var size: Size { Size(width: Int(fw_cols()), height: Int(fw_lines())) }

    /// Draw the changed cells and refresh once.
    public func draw(_ changes: [(x: Int, y: Int, cell: Cell)]) {
        guard !ended else { return }
        var cchar = cchar_t()
        var text: [wchar_t] = Array(repeating: 0, count: 6)
        for change in changes {
            let rendition = self.rendition(for: change.cell.style)
            var count = 0
            for scalar in glyph(change.cell.character).unicodeScalars where count < 5 {
                text[count] = wchar_t(bitPattern: scalar.value)
                count += 1
            }
            text[count] = 0
            _ = fw_setcchar_pair(&cchar, text, rendition.attributes, rendition.pair)
            _ = fw_mvadd_wch(Int32(change.y), Int32(change.x), &cchar)
        }
        _ = refresh()
    }

    /// Forget what is on the screen so the next draw repaints everything (after a resize).
    public func invalidate() {
        _ = clearok(fw_stdscr(), true)
    }

    /// One decoded input event, or nil when none is waiting. Never blocks: the loop waits
    /// in poll() on `inputDescriptor`.
    public func readInput(timeout: Double?) -> InputEvent? {
        var character: wint_t = 0
        let result = get_wch(&character)
        if result == fw_err() { return nil }
        if result == fw_key_code_yes() { return decode(key: Int32(character)) }
        switch character {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 3: return .interrupt
        default:
            guard let scalar = Unicode.Scalar(UInt32(character)) else { return nil }
            return .character(Character(scalar))
        }
    }

    /// Ring the terminal bell.
    public func bell() { _ = beep() }

    // MARK: private

    private func decode(key: Int32) -> InputEvent? {
        switch key {
        case fw_key_up(): return .up
        case fw_key_down(): return .down
        case fw_key_left(): return .left
        case fw_key_right(): return .right
        case fw_key_enter(): return .enter
        case fw_key_btab(): return .backTab
        case fw_key_backspace(): return .backspace
        case fw_key_home(): return .home
        case fw_key_end(): return .end
        case fw_key_ppage(): return .pageUp
        case fw_key_npage(): return .pageDown
        case fw_key_resize(): return .resize(size)
        case fw_key_mouse():
            var event = MEVENT()
            guard getmouse(&event) == fw_ok() else { return nil }
            let x = Int(event.x), y = Int(event.y)
            if event.bstate & fw_wheel_up() != 0 { return .mouseWheel(up: true, x: x, y: y) }
            if fw_wheel_down() != 0, event.bstate & fw_wheel_down() != 0 { return .mouseWheel(up: false, x: x, y: y) }
            if event.bstate & fw_click_mask() != 0 { return .mouseClick(x: x, y: y) }
            return nil
        default: return nil
        }
    }

    private func rendition(for style: Style) -> (attributes: attr_t, pair: Int32) {
        if let known = renditions[style] { return known }
        var attributes = fw_a_normal()
        if style.attributes.contains(.bold) { attributes |= fw_a_bold() }
        if style.attributes.contains(.dim) { attributes |= fw_a_dim() }
        if style.attributes.contains(.underline) { attributes |= fw_a_underline() }
        if style.attributes.contains(.reverse) { attributes |= fw_a_reverse() }
        if style.attributes.contains(.italic) { attributes |= fw_a_italic() }
        var pair: Int32 = 0
        if let foreground = mapper.number(for: style.foreground), let background = mapper.number(for: style.background),
           foreground != -1 || background != -1 {
            // alloc_pair reuses a pair with the same colours and recycles the least recently
            // used one when all COLOR_PAIRS are taken.
            let allocated = alloc_pair(Int32(foreground), Int32(background))
            pair = allocated < 0 ? 0 : allocated
        }
        let rendition = (attributes, pair)
        renditions[style] = rendition
        return rendition
    }

    /// What to draw for `character`: itself, or `?` for a non-ASCII character on a terminal
    /// whose locale cannot print it (the monitor already draws ASCII then; this is the guard).
    private func glyph(_ character: Character) -> Character {
        unicode || character.isASCII ? character : "?"
    }

    /// Use the user's locale; if it is not UTF-8 try C.UTF-8 (present on every Debian and
    /// Ubuntu) so wide glyphs print. Returns whether the locale ends up UTF-8.
    static func selectLocale() -> Bool {
        defer {
            // Numbers stay in the C locale whatever the user's: a German locale must not turn
            // `%.4g` into `0,0463` on the screen.
            _ = setlocale(LC_NUMERIC, "C")
        }
        _ = setlocale(LC_ALL, "")
        if isUTF8() { return true }
        if setlocale(LC_ALL, "C.UTF-8") != nil, isUTF8() { return true }
        _ = setlocale(LC_ALL, "")
        return false
    }

    private static func isUTF8() -> Bool {
        guard let codeset = fw_codeset() else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }
}
