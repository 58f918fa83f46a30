/// What the monitor keeps between two starts on the same sources: the theme, smoothing,
/// scale mode (robust or full range, include 0, log, the grid cells' log toggles), x axis and
/// the last view. Pure: the text it encodes to and decodes from is read and written at the
/// edge (`fitwatch`'s state store), one file per source set under the XDG state directory.
///
/// ```
/// fitwatch-state 1
/// theme = solarized-dark
/// smoothing = 0.6
/// robust = true
/// include_zero = false
/// log = false
/// x_axis = time
/// view = grid
/// grid_log = out1_mae
/// ```
public struct PersistedState: Sendable, Equatable {
    /// The first line of every state file; a file without it is not one.
    public static let header = "fitwatch-state 1"

    /// The theme as given with `--theme` (a name or a file), when one was.
    public var theme: String?
    public var smoothing = 0.0
    public var robust = true
    public var includeZero = false
    public var logScale = false
    public var xAxis = MonitorState.XAxis.epoch
    public var view = MonitorState.Mode.chart
    /// Grid cells on a log scale, by family name.
    public var gridLog: Set<String> = []

    /// The defaults (what `--fresh` starts with).
    public init() {}

    /// What `state` shows now, with the theme it was started with.
    public init(state: MonitorState, theme: String?) {
        self.theme = theme
        smoothing = state.chart.smoothing
        robust = state.chart.robust
        includeZero = state.chart.includeZero
        logScale = state.chart.logScale
        xAxis = state.chart.xAxis
        // A chart opened from the grid was still the grid's.
        view = state.mode == .chart && state.gridReturn ? .grid : state.mode
        gridLog = state.gridLog
    }

    /// Put the saved options and view into `state` (the theme is the caller's: it must be
    /// loaded and degraded to the terminal).
    public func apply(to state: inout MonitorState) {
        state.chart.smoothing = smoothing
        state.chart.robust = robust
        state.chart.includeZero = includeZero
        state.chart.logScale = logScale
        state.chart.xAxis = xAxis
        state.gridLog = gridLog
        state.mode = view
        // The graph, warnings and grid views are the main panel's: it has the keys.
        if view != .chart { state.focus = .main }
    }

    /// The file's text.
    public func encoded() -> String {
        var lines = [Self.header]
        if let theme { lines.append("theme = \(theme)") }
        lines.append("smoothing = \(smoothing)")
        lines.append("robust = \(robust)")
        lines.append("include_zero = \(includeZero)")
        lines.append("log = \(logScale)")
        lines.append("x_axis = \(xAxis.rawValue)")
        lines.append("view = \(view.rawValue)")
        for name in gridLog.sorted() { lines.append("grid_log = \(name)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Why a state file's text was not used.
    public struct DecodingError: Error, Equatable, CustomStringConvertible {
        /// 1-based line, 0 for the file as a whole.
        public var line: Int
        public var reason: String
        public var description: String { line == 0 ? reason : "line \(line): \(reason)" }
    }

    /// The state in `text`; a text that is not exactly what `encoded()` writes (another
    /// header, a line without `=`, a value out of range, a key it does not know) throws.
    public init(decoding text: String) throws(DecodingError) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard lines.first == Self.header else { throw DecodingError(line: 0, reason: "not a fitwatch state file (first line is not '\(Self.header)')") }
        self.init()
        for (offset, line) in lines.enumerated().dropFirst() {
            let number = offset + 1
            guard let equals = line.range(of: " = ") else { throw DecodingError(line: number, reason: "expected 'key = value'") }
            let key = String(line[..<equals.lowerBound]), value = String(line[equals.upperBound...])
            func flag() throws(DecodingError) -> Bool {
                switch value {
                case "true": return true
                case "false": return false
                default: throw DecodingError(line: number, reason: "\(key) must be true or false, not '\(value)'")
                }
            }
            switch key {
            case "theme":
                guard !value.isEmpty else { throw DecodingError(line: number, reason: "empty theme") }
                theme = value
            case "smoothing":
                guard let weight = Double(value), MonitorState.smoothingSteps.contains(weight) else {
                    throw DecodingError(line: number, reason: "smoothing must be one of \(MonitorState.smoothingSteps), not '\(value)'")
                }
                smoothing = weight
            case "robust": robust = try flag()
            case "include_zero": includeZero = try flag()
            case "log": logScale = try flag()
            case "x_axis":
                guard let axis = MonitorState.XAxis(rawValue: value) else { throw DecodingError(line: number, reason: "unknown x axis '\(value)'") }
                xAxis = axis
            case "view":
                guard let mode = MonitorState.Mode(rawValue: value) else { throw DecodingError(line: number, reason: "unknown view '\(value)'") }
                view = mode
            case "grid_log":
                guard !value.isEmpty else { throw DecodingError(line: number, reason: "empty metric name") }
                gridLog.insert(value)
            default:
                throw DecodingError(line: number, reason: "unknown key '\(key)'")
            }
        }
    }

    /// The file name of a source set: a stable 64-bit FNV-1a hash of the normalised source
    /// arguments (sorted, so the order they were given in does not matter), in hex.
    public static func fileName(sources: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for source in sources.sorted() {
            for byte in source.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            // A separator no argument contains, so ["ab"] and ["a", "b"] differ.
            hash ^= 0xff
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + ".state"
    }
}
