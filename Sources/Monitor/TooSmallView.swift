import TerminalCore
import Widgets

/// What a terminal under 80x24 shows instead of a squashed layout.
struct TooSmallView {
    var size: Size
    var theme: Theme

    func render(into buffer: inout Buffer) {
        let minimum = MonitorState.minimumSize
        let lines = [
            "terminal too small",
            "\(size.width)x\(size.height), need \(minimum.width)x\(minimum.height)",
            "enlarge the window or press q",
        ]
        let top = max(0, (size.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            // Cut to the width so even a 20-column terminal reads the first words.
            let text = String(line.prefix(max(size.width, 0)))
            buffer.write(text, x: max(0, (size.width - text.count) / 2), y: top + offset,
                         style: offset == 0 ? theme[.title] : theme[.text])
        }
    }
}
