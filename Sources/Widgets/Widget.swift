import TerminalCore

/// Something that draws itself into a rectangle of a buffer, ratatui-style: a widget is a
/// value, draws only inside `area`, and never knows the terminal.
public protocol Widget {
    /// Draw into `buffer`, touching no cell outside `area`.
    func render(into buffer: inout Buffer, area: Rect)
}
