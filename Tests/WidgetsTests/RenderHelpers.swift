import TerminalCore
@testable import Widgets

/// Render `widget` into a `width` x `height` buffer pre-filled with `x`, so untouched cells
/// show in the expected lines (ratatui's habit).
func render(_ widget: some Widget, width: Int, height: Int = 1, sentinel: Character = "x") -> [String] {
    renderBuffer(widget, width: width, height: height, sentinel: sentinel).lines
}

/// The whole buffer, for checking styles.
func renderBuffer(_ widget: some Widget, width: Int, height: Int = 1, sentinel: Character = "x") -> Buffer {
    var buffer = Buffer(size: Size(width: width, height: height), filling: Cell(sentinel))
    widget.render(into: &buffer, area: buffer.area)
    return buffer
}
