import TrainingLog
import KerasModel
import Diagnostics
import RunModel

/// What the monitor knows about one source: the run model every surface shares, plus what
/// only the screen needs (the log pane's lines, which findings the user has not looked at,
/// whether a diagnosis is on its way).
public struct RunState: Sendable {
    /// The run: history, status, timing, findings.
    public private(set) var run: Run
    /// The source is a paced replay (it reported `replaying` once), so it can seek to an
    /// epoch; live sources and `--instant` replays cannot.
    public private(set) var seekable = false
    /// The speed a replay last reported, kept while it is paused or finished, so `+` after
    /// the end doubles the speed it played at.
    public private(set) var replaySpeed: Double?
    /// What a directory source reads under it (`b/train.log`), shown in the header.
    public var reading: String?
    /// Ids of findings that appeared since the user last looked at the warnings panel.
    public var newFindingIDs: Set<String> = []
    /// The revision of a diagnosis asked for and not answered yet.
    public var diagnosisInFlight: Int?
    /// When the last diagnosis was asked for (clock seconds).
    public var diagnosedAt: Double?
    /// The last raw output lines (a wrapped command's own prints), for the log pane.
    public var output = OutputLog()
    /// Metric names in first-seen order, kept up to date event by event: the same list as
    /// `history.metricNames`, which walks every epoch (too slow to redo 30 times a second
    /// on a run with 100,000 epochs).
    public private(set) var metricNames: [String] = []
    private var knownNames: Set<String> = []

    /// A source not heard from yet.
    public init(source: SourceID, modelOverride: ModelGraph? = nil, hasBacklog: Bool = true) {
        run = Run(source: source, modelOverride: modelOverride, hasBacklog: hasBacklog)
    }

    /// The source plays again from its start: the run forgets what was read (its metric names
    /// too); a diagnosis in flight is of the old content and will be dropped when it arrives.
    public mutating func rewind() {
        run.rewind()
        metricNames = []
        knownNames = []
        diagnosisInFlight = nil
        diagnosedAt = nil
    }

    /// The source's file was last written at `time` (seconds since 1970).
    public mutating func noteWrite(at time: Double) { run.noteWrite(at: time) }

    /// The current `fit` segment as built from the source's events.
    public var history: RunHistory { run.history }
    /// The source's state, once it reported one.
    public var sourceState: SourceState? { run.sourceState }
    /// The current findings, most severe first.
    public var findings: [Finding] { run.findings.current }
    /// What each metric resolved to in Keras, by printed name, from the last diagnosis.
    public var resolvedMetrics: [String: ResolvedMetric] { run.resolvedMetrics }
    /// The Keras line of releases that produced the run.
    public var flavour: KerasFlavour? { run.flavour }

    /// Apply an event at clock time `now`, keeping `metricNames` in step with it.
    public mutating func apply(_ event: TrainingEvent, at now: Double?) {
        let segmentsBefore = run.archived.count
        var event = event
        // A wrapped command's output is all live (no backlog): an epoch it printed ended when
        // it arrived, which gives a printed Keras log the wall times it does not print.
        if !run.timing.hasBacklog, let now, case .epochEnded(var record) = event, record.wallTime == nil {
            record.wallTime = now
            event = .epochEnded(record)
        }
        run.apply(event, at: now)
        if run.archived.count != segmentsBefore {
            // A new `fit` segment starts with no epochs: its names start over.
            metricNames = []
            knownNames = []
        }
        switch event {
        case .epochEnded(let record): remember(record.metrics.keys)
        case .batchProgress(let progress): remember(progress.metrics.keys)
        default: break
        }
    }

    /// Apply a state the source reported.
    public mutating func apply(state: SourceState, at now: Double?) {
        if case .replaying(let speed) = state {
            seekable = true
            replaySpeed = speed
        }
        run.apply(state: state, at: now)
    }

    /// Take a diagnosis; the findings that are new to the user are returned.
    mutating func accept(_ result: DiagnosisResult) -> [Finding] {
        if diagnosisInFlight.map({ $0 <= result.revision }) ?? false { diagnosisInFlight = nil }
        let reportedBefore = run.findings.everReported
        guard let change = run.accept(result) else { return [] }
        let fresh = change.added.filter { !reportedBefore.contains($0.id) }
        newFindingIDs.formUnion(fresh.map(\.id))
        newFindingIDs.subtract(change.withdrawn.map(\.id))
        return fresh
    }

    private mutating func remember(_ names: some Sequence<String>) {
        for name in names where knownNames.insert(name).inserted { metricNames.append(name) }
    }

    /// The epoch running now or last finished, and the epochs requested.
    public var epochProgress: (epoch: Int?, of: Int?) {
        let epoch = history.currentEpoch ?? history.epochs.last?.epoch
        return (epoch, history.epochsRequested)
    }
}
