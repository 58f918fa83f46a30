import TerminalCore

/// Renders the whole screen from the state. Pure: same state, same buffer.
public enum MonitorView {
    /// The frame for `state`.
    public static func render(_ state: MonitorState) -> Buffer {
        var buffer = Buffer(size: state.size)
        guard state.fitsScreen else {
            TooSmallView(size: state.size).render(into: &buffer)
            return buffer
        }
        let layout = MonitorLayout(state: state)
        buffer.write("fitwatch", x: 0, y: layout.header.y)
        if let run = state.selectedRunState {
            var row = layout.metrics.y
            for family in state.families {
                let value = family.train.flatMap { run.history.values(of: $0).last }
                buffer.write("\(family.name) \(value.map { String($0) } ?? "-")", x: 1, y: row)
                row += 1
            }
        }
        buffer.write("q quit  ? help", x: 0, y: layout.status.y)
        return buffer
    }
}
