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
    public enum Mode: Sendable, Equatable {
        case chart, graph, warnings
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
    /// The chart overlays the selected metric of every run (`O`), with several sources.
    public var overlay = false
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

    /// The selected run's metric rows.
    public var families: [MetricFamily] {
        guard let run = selectedRunState else { return [] }
        let outputs = model(of: run)?.outputs.map(\.name) ?? []
        var names = run.metricNames
        if chart.perBatch { for name in run.history.batchSeries.keys where !names.contains(name) { names.append(name) } }
        return MetricFamily.families(metricNames: names, outputs: outputs)
    }

    /// The selected metric row, if any.
    public var selectedFamily: MetricFamily? {
        let all = families
        return all.isEmpty ? nil : all[min(selectedMetric, all.count - 1)]
    }

    /// Whether the chart shows every run's line for the selected metric: asked for, and
    /// there is more than one run to compare.
    public var showsOverlay: Bool { overlay && sourceOrder.count > 1 }

    /// Whether the log pane is on screen: switched on and the selected run printed lines.
    public var showsLogPane: Bool { logPaneVisible && !(selectedRunState?.output.isEmpty ?? true) }

    /// Whether the screen is big enough to lay out.
    public var fitsScreen: Bool { size.width >= Self.minimumSize.width && size.height >= Self.minimumSize.height }

    /// Panels Tab visits, in order.
    public var panels: [Panel] { sourceOrder.count > 1 ? [.runs, .metrics, .main] : [.metrics, .main] }

    /// Whether anything on screen moves with the clock (a live source's elapsed time, a
    /// flash that must end); the loop ticks on time only then.
    public var needsClock: Bool {
        if flashUntil != nil { return true }
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
            return (run.diagnosedAt ?? clock) + Self.diagnosisInterval
        }.min()
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
}
