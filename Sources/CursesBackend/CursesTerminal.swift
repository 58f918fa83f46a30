import CNcursesw
import TerminalCore

/// The only ncurses caller. Implementation lands with the monitor issue (5).
public enum CursesTerminal {
    /// The ncurses version this binary links, for `--version` and bug reports.
    public static var ncursesVersion: String { String(cString: curses_version()) }
}
