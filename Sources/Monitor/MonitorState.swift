import Synchronization
import TerminalCore
import TrainingLog
import Widgets
import KerasModel
import Diagnostics
import RunModel

/// The monitor's whole state. One writer: the main loop applies messages to it with
/// `update(_:)` and renders it with `MonitorView.render(_:)`; both are pure. Diagnosis is an
/// effect: `update` asks for it (`Effect.diagnose`) and the answer comes back as a message.
public struct MonitorState: Sendable {
    /// Diagnoses a snapshot of a run: `Diagnosis.run` unless a test injects other rules.
    public typealias Diagnose = @Sendable (DiagnosisRequest) -> DiagnosisResult
    /// Rules over a run's history, model and flavour (how tests fix the findings).
    public typealias Rules = @Sendable (_ history: RunHistory, _ model: ModelGraph?, _ flavour: KerasFlavour?) -> [Finding]

    /// The panels Tab moves between.
    public enum Panel: Sendable, Equatable {
        /// The run bar (only with several sources).
        case runs
        /// The metrics table.
        case metrics
        /// The big panel: chart, graph or warnings, by `mode`.
        case main
    }

    /// What the big panel shows.
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        case chart, graph, warnings
        /// Every metric family as a small chart at once (`a`).
        case grid
    }

    /// What the chart's x axis counts (`x` cycles them).
    public enum XAxis: String, Sendable, Equatable, CaseIterable {
        /// Keras's epoch number (the default).
        case epoch
        /// The run's real step: epoch × steps (+ step, per batch).
        case step
        /// Time since the first epoch shown began, from the epochs' recorded seconds.
        case relativeTime = "time"
        /// The time of day each epoch ended, where the source recorded it.
        case wallTime = "wall"
    }

    /// How the chart draws the selected metric.
    public struct ChartOptions: Sendable, Equatable {
        /// Plot log10 of the values.
        public var logScale = false
        /// Fit the y axis to the bulk of the points (TensorBoard's 5th-95th percentile rule),
        /// outliers drawn on the edge; off: the full range of every point.
        public var robust = true
        /// Stretch the y axis to include 0.
        public var includeZero = false
        /// TensorBoard's smoothing weight, 0 for none.
        public var smoothing = 0.0
        /// Per batch (running averages as printed) instead of per epoch.
        public var perBatch = false
        /// Show only the last N epochs (or batches); nil for all.
        public var zoom: Int?
        /// What the x axis counts.
        public var xAxis = XAxis.epoch
        /// The defaults: linear, robust, raw, per epoch, all epochs.
        public init() {}
    }

    /// The smoothing weights `s` cycles through; 0.6 is TensorBoard's default, 0.95 its
    /// heaviest commonly used setting.
    public static let smoothingSteps: [Double] = [0, 0.6, 0.8, 0.9, 0.95]
    /// The zoom windows `[` steps through, in epochs (nil: everything).
    public static let zoomSteps: [Int?] = [nil, 200, 100, 50, 20, 10]
    /// How long a new finding lights the header: long enough to catch the eye at the
    /// ~1 s idle tick, short enough to count as one flash.
    public static let flashSeconds = 1.5
    /// The shortest time between two diagnoses of a run: 0.25 s shows a new finding well
    /// within a second, yet caps the rules (which walk the whole history) at 4 passes a second.
    public static let diagnosisInterval = 0.25
    /// The smallest screen fitwatch lays out; smaller gets a "terminal too small" message.
    public static let minimumSize = Size(width: 80, height: 24)

    /// Runs by source.
    public var runs: [SourceID: RunState] = [:]
    /// Sources in the order they were given (or first heard from).
    public var sourceOrder: [SourceID] = []
    /// Index into `sourceOrder` of the run shown.
    public var selectedRun = 0
    /// The user picked the run shown (run bar, runs table): a source that reports later and
    /// takes an earlier place does not take its place on screen.
    var runChosen = false
    /// The panel arrows act on.
    public var focus: Panel = .metrics
    /// What the main panel shows.
    public var mode: Mode = .chart
    /// Index into the selected run's metric families.
    public var selectedMetric = 0
    /// In the graph: 0 is the total loss, 1... the outputs' losses.
    public var selectedLoss = 0
    /// Index into the selected run's findings.
    public var selectedFinding = 0
    /// How the chart draws.
    public var chart = ChartOptions()
    /// The value cursor's x on the chart (`v`): a value index, 0-based (epoch - 1, or the
    /// printed update in per-batch view); nil when it is off. ←→ move it while it is on.
    public var cursor: Int?
    /// The help overlay is open.
    public var helpVisible = false
    /// Metric families whose small chart in the grid is on a log scale (each cell has its own
    /// `l`), by family name.
    public var gridLog: Set<String> = []
    /// The chart was opened full size from the grid (Enter): `Esc` and `a` go back to it.
    public var gridReturn = false
    /// The metric filter in force: a regular expression (case-insensitive) the metrics panel
    /// and the grid match family names against; nil shows every family. While the prompt is
    /// open it follows the text as typed, whenever that is a valid expression.
    public var metricFilter: String?
    /// The text typed after `/` while the metric filter prompt is open; nil when it is closed.
    public var metricFilterEntry: String?
    /// Why the text in the prompt is not a valid expression (the last valid one stays in force).
    public var metricFilterError: String?
    /// The local time zone's offset from UTC in seconds, for wall-time axes (the edge sets it).
    public var utcOffset = 0
    /// The chart overlays the selected metric of every run (`O`), with several sources.
    public var overlay = false
    /// The runs table (`t`): its sort, filter, cursor and the runs selected for the overlay.
    public var table = RunsTableState()
    /// The runs table's memo of per-run summaries, shared by copies of the state.
    public let tableCache = RunsTable.Cache()
    /// The grid's y scales by what they were computed from (`GridScaleCache`).
    public let gridScales = GridScaleCache()
    /// The selected run's metric rows by what they were computed from (`FamilyCache`).
    let familyCache = FamilyCache()
    /// The digits typed after `:` while the seek prompt is open; nil when it is closed.
    public var seekEntry: String?
    /// Digits the seek prompt takes: 9 covers any epoch count and cannot overflow an Int.
    public static let seekDigits = 9
    /// The log pane shows a source's own output (`o` toggles it); on by default, and drawn
    /// only for a run that printed something.
    public var logPaneVisible = true
    /// Sources that are a wrapped command (`fitwatch run`): `q` asks before it stops one that
    /// still runs.
    public var wrappedCommands: Set<SourceID> = []
    /// `q` asked whether to stop a running wrapped command; the status line shows the question.
    public var quitPrompt = false
    /// The selected finding's explanation and fix are open.
    public var detailOpen = false {
        didSet { if detailOpen != oldValue { detailScroll = 0 } }
    }
    /// The first line of the open explanation shown (↑↓, PgUp PgDn and the wheel scroll it).
    public var detailScroll = 0
    /// The header is lit until this clock time (a new finding arrived).
    public var flashUntil: Double?
    /// Ring the bell on a new finding (`--bell`).
    public var bellOnNewFinding = false
    /// `--notify` / `--on-event`: what was announced, and an `--on-event` problem to show.
    public var alerts = AlertState()
    /// A model given with `--model`, used where a run has no exactly known model and nothing
    /// in its log contradicts it (`ModelChoice`).
    public var modelOverride: ModelGraph?
    /// The terminal size the frame is laid out for.
    public var size: Size
    /// The clock, in seconds, as of the last tick or `.clock` message.
    public var clock: Double = 0
    /// The clock at the last tick: the elapsed time on screen is redrawn when its second changes.
    var lastTick: Double = 0
    /// Draw Unicode glyphs (false when the locale is not UTF-8).
    public var unicode = true
    /// The colours, already degraded to what the terminal shows.
    public var theme: Theme = .dark
    /// Bumped whenever something visible changed; the loop redraws only then.
    public private(set) var revision = 0
    /// Diagnoses a run's snapshot; the main loop calls it off the main thread.
    public var diagnose: Diagnose

    /// An empty monitor of `size` whose findings come from `Diagnosis.run`.
    public init(size: Size = Size(width: 80, height: 24)) {
        self.size = size
        self.diagnose = Diagnosis.run
    }

    /// An empty monitor whose findings come from `rules` (tests fix the findings this way).
    public init(size: Size = Size(width: 80, height: 24), diagnose rules: @escaping Rules) {
        self.size = size
        self.diagnose = { request in
            let history = request.segment.history
            let choice = request.choice
            let flavour = Diagnostics.flavour(history: history, model: choice.model)
            return DiagnosisResult(revision: request.revision, findings: Diagnostics.ordered(rules(history, choice.model, flavour)),
                                   resolvedMetrics: Diagnostics.resolvedMetrics(history: history, model: choice.model, flavour: flavour),
                                   choice: choice)
        }
    }

    // MARK: derived

    /// The glyph set for the locale.
    public var glyphs: Glyphs { unicode ? .unicode : .ascii }

    /// The source shown now.
    public var selectedSource: SourceID? {
        sourceOrder.indices.contains(selectedRun) ? sourceOrder[selectedRun] : nil
    }

    /// The run shown now.
    public var selectedRunState: RunState? { selectedSource.flatMap { runs[$0] } }

    /// The model to show and diagnose for a run: an exact one the source reported, else
    /// `--model` when it matches the run, else whatever the log printed (`ModelChoice`).
    public func model(of run: RunState) -> ModelGraph? { run.run.modelChoice.model }

    /// The selected run's metric rows that the metric filter lets through.
    public var families: [MetricFamily] { familyRows.filtered }

    /// Every metric row of the selected run, filter or not.
    public var allFamilies: [MetricFamily] { familyRows.all }

    /// The selected run's rows, all and filtered: computed when the run's metric names, its
    /// model's outputs or the filter change (a frame asks from several panels, and a new epoch
    /// rarely brings a new metric), not once per question.
    private var familyRows: (all: [MetricFamily], filtered: [MetricFamily]) {
        guard let run = selectedRunState else { return ([], []) }
        let outputs = model(of: run)?.outputs.map(\.name) ?? []
        var names = run.metricNames
        if chart.perBatch { for name in run.history.batchSeries.keys where !names.contains(name) { names.append(name) } }
        let key = FamilyCache.Key(names: names, outputs: outputs, filter: metricFilter)
        if let rows = familyCache.rows(for: key) { return rows }
        let all = MetricFamily.families(metricNames: names, outputs: outputs)
        let filtered = metricFilter.map { MetricFilter(pattern: $0)?.filter(all) ?? all } ?? all
        familyCache.store((all, filtered), for: key)
        return (all, filtered)
    }

    /// The selected metric row, if any.
    public var selectedFamily: MetricFamily? {
        let all = families
        return all.isEmpty ? nil : all[min(selectedMetric, all.count - 1)]
    }

    /// Whether the chart shows every run's line for the selected metric: asked for, and
    /// there is more than one run to compare.
    public var showsOverlay: Bool { overlay && sourceOrder.count > 1 }

    /// The runs the overlay draws, with their 0-based place in command-line order: those
    /// selected in the runs table, else every run.
    public var overlayNumberedSources: [(Int, SourceID)] {
        let numbered = Array(sourceOrder.enumerated())
        return table.selected.isEmpty ? numbered : numbered.filter { table.selected.contains($0.element) }
    }

    /// The runs the overlay draws, in command-line order.
    public var overlaySources: [SourceID] { overlayNumberedSources.map(\.1) }

    /// Whether the log pane is on screen: switched on and the selected run printed lines.
    public var showsLogPane: Bool { logPaneVisible && !(selectedRunState?.output.isEmpty ?? true) }

    /// Whether the screen is big enough to lay out.
    public var fitsScreen: Bool { size.width >= Self.minimumSize.width && size.height >= Self.minimumSize.height }

    /// Panels Tab visits, in order.
    public var panels: [Panel] {
        // The grid takes the metrics table's place.
        let own: [Panel] = mode == .grid ? [.main] : [.metrics, .main]
        return sourceOrder.count > 1 ? [.runs] + own : own
    }

    /// Whether anything on screen moves with the clock (a live source's elapsed time, a
    /// flash that must end); the loop ticks on time only then.
    public var needsClock: Bool {
        if flashUntil != nil { return true }
        // The runs table shows the time since each run's last write, and turns quiet runs stale.
        if table.visible, !runs.isEmpty { return true }
        return runs.values.contains { run in
            // Only a live source's elapsed time moves (and its status may turn stale); the
            // reconnect countdown is reported by the source as new states.
            if case .live? = run.sourceState { return !run.run.status(now: clock).isOver }
            return false
        }
    }

    /// When a run whose history moved may be diagnosed again (nil: none waits); the loop
    /// wakes for it so a finding never waits for the next key or the idle timeout.
    public var nextDiagnosis: Double? {
        runs.values.compactMap { run in
            guard run.run.needsDiagnosis, run.diagnosisInFlight == nil else { return nil }
            return (run.diagnosedAt ?? clock) + diagnosisInterval(for: run.run.source)
        }.min()
    }

    /// How often a run whose history moved is diagnosed (`DiagnosisPace`): the selected run
    /// every `diagnosisInterval`, the others slower when a sweep has many; their finding counts
    /// in the runs table lag by that much.
    public func diagnosisInterval(for id: SourceID) -> Double {
        DiagnosisPace.interval(base: Self.diagnosisInterval, runs: runs.count, focused: id == selectedSource)
    }

    /// Whether a wrapped command is still running: it has not reported that it finished or failed.
    public var commandRunning: Bool {
        wrappedCommands.contains { id in
            switch runs[id]?.sourceState {
            case .finished?, .failed?: return false
            default: return true
            }
        }
    }

    mutating func markChanged() { revision &+= 1 }

    /// The order sources were given in (`register(sources:)`): a source takes its place in
    /// `sourceOrder` by it when it first reports, whichever answers first, so the run bar and
    /// the runs table list runs in command-line order. Sources not given (runs a directory or
    /// a glob discovers) follow in the order they appear.
    public private(set) var givenOrder: [SourceID: Int] = [:]

    /// Say the order the sources were given in; runs are listed in it as they report.
    public mutating func register(sources: [SourceID]) {
        for (index, id) in sources.enumerated() where givenOrder[id] == nil { givenOrder[id] = index }
    }

    /// Where a source heard from for the first time goes in `sourceOrder`.
    func insertionIndex(of id: SourceID) -> Int {
        guard let rank = givenOrder[id] else { return sourceOrder.count }
        return sourceOrder.firstIndex { (givenOrder[$0] ?? Int.max) > rank } ?? sourceOrder.count
    }
}

/// The last metric rows `MonitorState.families` computed and what from: the metric names (the
/// run's, with its per-batch series' when those are shown), the model's outputs and the filter.
/// Shared by copies of the state, like `GridScaleCache`.
final class FamilyCache: Sendable {
    struct Key: Hashable {
        var names: [String]
        var outputs: [String]
        var filter: String?
    }

    private let last = Mutex<(key: Key, rows: (all: [MetricFamily], filtered: [MetricFamily]))?>(nil)

    func rows(for key: Key) -> (all: [MetricFamily], filtered: [MetricFamily])? {
        last.withLock { $0?.key == key ? $0?.rows : nil }
    }

    func store(_ rows: (all: [MetricFamily], filtered: [MetricFamily]), for key: Key) {
        last.withLock { $0 = (key, rows) }
    }
}
