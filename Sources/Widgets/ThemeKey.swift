import TerminalCore

/// A semantic style slot of a theme: colours are named by meaning, never by number, so a
/// theme file is a list of `key = style` lines (btop-style) and widgets ask for meanings.
public enum ThemeKey: String, Sendable, CaseIterable, Hashable {
    /// The screen's background fill; its foreground is the default text colour.
    case background
    /// Ordinary text: values, labels, list rows.
    case text
    /// Secondary text: units, hints, inactive series.
    case dimText = "dim_text"
    /// Panel titles.
    case title
    /// Panel borders of unfocused panels.
    case border
    /// The border of the focused panel.
    case borderFocused = "border_focused"
    /// The selected row of a list.
    case selection
    /// The header bar.
    case headerBackground = "header_bg"
    /// The status line at the bottom.
    case statusBackground = "status_bg"
    /// Key names in the status line and help overlay.
    case key
    /// The header when it flashes once for a new finding.
    case flash
    /// Chart and sparkline of training values.
    case trainLine = "train_line"
    /// Chart and sparkline of validation values.
    case valLine = "val_line"
    /// The unsmoothed training line kept visible under smoothing.
    case trainRaw = "train_raw"
    /// The unsmoothed validation line kept visible under smoothing.
    case valRaw = "val_raw"
    /// Chart axes and tick labels.
    case axis
    /// Default sparkline colour.
    case spark
    /// Markers for NaN, infinite or unplottable values.
    case nanMarker = "nan_marker"
    /// A value improving, a best value.
    case good
    /// A value getting worse.
    case bad
    /// Findings of severity warning.
    case warning
    /// Findings of severity error; failed sources.
    case error
    /// Findings of severity info; neutral notices.
    case info
    /// Layer boxes of the graph diagram.
    case node
    /// Loss and total boxes of the graph diagram.
    case lossNode = "loss_node"
    /// Layers (and edges) reached by the selected output's loss.
    case highlightPath = "highlight_path"
    /// The filled part of a progress bar.
    case progress
    /// A centred overlay box such as the help screen.
    case overlay

    /// What this key's meaning needs when no colour is available (NO_COLOR, `monochrome`, a
    /// terminal without colours): the attributes added when a theme degrades to `.none`, so a
    /// selection stays visible as reverse video and the highlighted loss path as bold.
    public var monochromeAttributes: Attributes {
        switch self {
        case .background, .text, .trainLine, .spark, .node, .border, .axis, .info, .good: []
        case .dimText, .trainRaw, .valRaw: .dim
        case .title, .borderFocused, .key, .warning, .lossNode, .valLine, .bad: .bold
        case .selection, .headerBackground, .statusBackground, .flash, .progress: .reverse
        case .error, .nanMarker: [.bold, .underline]
        case .highlightPath: [.bold, .reverse]
        case .overlay: []
        }
    }
}
