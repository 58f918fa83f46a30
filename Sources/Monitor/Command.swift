import TerminalCore

/// What a key asks for, independent of which key it was: the key map, the status line
/// and the help overlay all read the one table in `KeyMap`.
public enum Command: Sendable, Equatable, CaseIterable {
    case quit, help, nextPanel, previousPanel
    case up, down, left, right, pageUp, pageDown, details, back
    case graph, warnings, chart, outputLog, overlay, cursor, grid, metricFilterPrompt, xAxis, table
    case logScale, robustScale, includeZero, smoothing, batchOrEpoch, zoomIn, zoomOut
    case pause, step, faster, slower, seekFirst, seekLast, seekPrompt
}

/// The keys, once: which input means which command, and how help and the status line name it.
public enum KeyMap {
    /// One line of help: the keys as shown and what they do.
    public struct Binding: Sendable, Equatable {
        /// The keys as help shows them (`↑↓ jk`).
        public var keys: String
        /// What they do.
        public var command: Command
        /// The help text.
        public var help: String
    }

    /// Every binding in help order.
    public static let bindings: [Binding] = [
        Binding(keys: "q", command: .quit, help: "quit"),
        Binding(keys: "? /", command: .help, help: "help / filter metrics by a regex (Enter keeps, Esc clears)"),
        Binding(keys: "Tab/S-Tab", command: .nextPanel, help: "next/previous panel"),
        Binding(keys: "↑↓ jk", command: .down, help: "select metric, output, finding, run; PgUp PgDn scroll details"),
        Binding(keys: "←→ h", command: .right, help: "select run (l too while the run bar has focus)"),
        Binding(keys: "Enter", command: .details, help: "open details (finding: explanation and fix)"),
        Binding(keys: "Esc", command: .back, help: "close help or details"),
        // One line for the chart and the grid: help must fit its bindings in 24 rows.
        Binding(keys: "c a", command: .chart, help: "chart of the selected metric / grid of all metrics"),
        Binding(keys: "v", command: .cursor, help: "value cursor on/off: ←→ or a click on the chart move it, Esc hides it"),
        // One line for the overlay and the runs table: help must fit 20 bindings in 24 rows.
        Binding(keys: "O t", command: .overlay, help: "overlay the metric of every run / runs table (< > sort, / filter)"),
        Binding(keys: "g", command: .graph, help: "graph of outputs and loss paths"),
        Binding(keys: "w", command: .warnings, help: "warnings"),
        Binding(keys: "o", command: .outputLog, help: "log pane of the command's output on/off"),
        // One line for the three scale keys: help must fit 20 bindings in 24 rows.
        Binding(keys: "l r z", command: .logScale, help: "log scale / robust (outliers clipped) or full range / include 0"),
        Binding(keys: "s", command: .smoothing, help: "smoothing (EMA 0, 0.6, 0.8, 0.9, 0.95)"),
        Binding(keys: "b x", command: .batchOrEpoch, help: "per batch / per epoch; x axis: epoch, step, time, wall time"),
        Binding(keys: "[ ]", command: .zoomIn, help: "zoom to the last N epochs / zoom out"),
        // One line for pause and step: help must fit 20 bindings in 24 rows.
        Binding(keys: "space n", command: .pause, help: "pause or resume / one more epoch while paused (replay, training)"),
        Binding(keys: "+ -", command: .faster, help: "replay faster / slower"),
        // One line for the three seek keys.
        Binding(keys: ": Home End", command: .seekPrompt, help: "replay: seek to epoch (: N Enter) / first / last"),
    ]

    /// The command an input event means, if any. `l` is both "right" in hjkl and "log
    /// scale" in the key list: it moves right only where right means something on its own
    /// (the run bar), and toggles the log scale everywhere else.
    public static func command(for event: InputEvent, runBarFocused: Bool = false) -> Command? {
        if runBarFocused, event == .character("l") { return .right }
        switch event {
        case .character(let character):
            switch character {
            case "q", "Q": return .quit
            case "?": return .help
            case "j": return .down
            case "k": return .up
            case "h": return .left
            case "l": return .logScale
            case "r": return .robustScale
            case "z": return .includeZero
            case "g": return .graph
            case "w": return .warnings
            case "c": return .chart
            case "a": return .grid
            case "/": return .metricFilterPrompt
            case "x": return .xAxis
            case "v": return .cursor
            case "o": return .outputLog
            case "O": return .overlay
            case "t": return .table
            case "s": return .smoothing
            case "b": return .batchOrEpoch
            case "[": return .zoomIn
            case "]": return .zoomOut
            case " ": return .pause
            case "n": return .step
            case "+", "=": return .faster
            case "-", "_": return .slower
            case ":": return .seekPrompt
            default: return nil
            }
        case .up: return .up
        case .down: return .down
        case .left: return .left
        case .right: return .right
        case .enter: return .details
        case .escape, .backspace: return .back
        case .pageUp: return .pageUp
        case .pageDown: return .pageDown
        case .home: return .seekFirst
        case .end: return .seekLast
        case .tab: return .nextPanel
        case .backTab: return .previousPanel
        case .interrupt: return .quit
        default: return nil
        }
    }
}
