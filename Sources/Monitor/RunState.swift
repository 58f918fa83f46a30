import TrainingLog
import KerasModel
import Diagnostics
import Feeds

/// What the monitor knows about one source: its run, its state, its findings.
public struct RunState: Sendable {
    /// The run as built from the source's events.
    public var history = RunHistory()
    /// The source's state, once it reported one.
    public var sourceState: SourceState? {
        didSet {
            if case .replaying(let speed)? = sourceState {
                seekable = true
                replaySpeed = speed
            }
        }
    }
    /// The speed a replay last reported, kept while it is paused or finished, so `+` after
    /// the end doubles the speed it played at.
    public private(set) var replaySpeed: Double?
    /// The source is a paced replay (it reported `replaying` once), so it can seek to an
    /// epoch; live sources and `--instant` replays cannot.
    public private(set) var seekable = false
    /// The current findings, most severe first.
    public var findings: [Finding] = []
    /// Ids of findings that appeared since the user last looked at the warnings panel.
    public var newFindingIDs: Set<String> = []
    /// Every finding id ever reported, so a finding that comes back is not new again.
    public var seenFindingIDs: Set<String> = []
    /// What each metric resolved to in Keras, by printed name (`accuracy`, `val_out2_accuracy`),
    /// recomputed with the findings.
    public var resolvedMetrics: [String: ResolvedMetric] = [:]
    /// The history revision the findings were computed from.
    public var diagnosedRevision: Int?
    /// When the monitor first heard from the source (clock seconds).
    public var firstSeen: Double?
    /// When the last epoch ended, by the monitor's clock; the elapsed time of a live run
    /// counts on from it.
    public var lastEpochSeen: Double?
    /// What a directory source reads under it (`b/train.log`), shown in the header.
    public var reading: String?
    /// The last raw output lines (a wrapped command's own prints), for the log pane.
    public var output = OutputLog()
    /// Metric names in first-seen order, kept up to date event by event: the same list as
    /// `history.metricNames`, which walks every epoch (too slow to redo 30 times a second
    /// on a run with 100,000 epochs).
    public private(set) var metricNames: [String] = []
    private var knownNames: Set<String> = []
    /// When the findings were last computed (clock seconds).
    public var diagnosedAt: Double?

    /// A source not heard from yet.
    public init() {}

    /// Apply an event to the history and keep `metricNames` in step with it.
    public mutating func apply(_ event: TrainingEvent) {
        let segmentBefore = history.previousSegments.count
        history.apply(event)
        if history.previousSegments.count != segmentBefore {
            // A new `fit` segment starts with no epochs: its names start over, as in RunHistory.
            metricNames = []
            knownNames = []
        }
        switch event {
        case .epochEnded(let record): remember(record.metrics.keys)
        case .batchProgress(let progress): remember(progress.metrics.keys)
        default: break
        }
    }

    private mutating func remember(_ names: some Sequence<String>) {
        for name in names where knownNames.insert(name).inserted { metricNames.append(name) }
    }

    /// The Keras line of releases that produced the run, from the model or the log format;
    /// nil when neither says (the diagnostics then assume what they document).
    public var flavour: KerasFlavour? { Diagnostics.flavour(history: history, model: history.model) }

    /// The epoch running now or last finished, and the epochs requested.
    public var epochProgress: (epoch: Int?, of: Int?) {
        let epoch = history.currentEpoch ?? history.epochs.last?.epoch
        return (epoch, history.epochsRequested)
    }

    /// Seconds of training so far: the epoch times Keras printed, plus the time since the
    /// last epoch while the source is live (data arriving). A followed file that stopped
    /// growing does not count on: nobody knows whether its run is still going. Nil when
    /// nothing printed a time and the source is not live.
    public func elapsed(now: Double) -> Double? {
        let printed = history.epochs.compactMap(\.seconds)
        var total = printed.isEmpty ? nil : printed.reduce(0, +)
        if history.end == nil, sourceState == .live, let since = lastEpochSeen ?? firstSeen {
            total = (total ?? 0) + max(0, now - since)
        }
        return total
    }

    /// Seconds left: the current epoch's ETA plus the remaining epochs at the mean epoch time.
    public var eta: Double? {
        guard history.end == nil, let requested = history.epochsRequested else { return nil }
        let done = history.epochs.count
        guard done < requested else { return nil }
        let times = history.epochs.compactMap(\.seconds)
        let mean = times.isEmpty ? nil : times.reduce(0, +) / Double(times.count)
        let current = history.lastProgress?.eta
        let remainingWhole = requested - done - (history.lastProgress == nil ? 0 : 1)
        guard let mean else { return remainingWhole == 0 ? current : nil }
        return (current ?? 0) + Double(max(0, remainingWhole)) * mean
    }
}
