import TrainingLog

/// Wall-clock facts about a run, in clock seconds: when data first and last arrived, when it
/// ended, and how far it had got when the monitor first saw it (a log opened mid-run or after
/// the end arrives as one backlog whose wall time the monitor never saw).
public struct RunTiming: Sendable, Equatable {
    /// When the first training fact arrived.
    public private(set) var firstData: Double?
    /// When the last training fact arrived.
    public private(set) var lastData: Double?
    /// When the source's file was last written (its modification time), where the source can
    /// tell (a local file): a log written three days ago is quiet since then, however recently
    /// fitwatch read it.
    public private(set) var lastWrite: Double?
    /// Since when the run has been quiet as far as anyone can tell: its file's last write, else
    /// its last data.
    public var lastActivity: Double? { lastWrite ?? lastData }
    /// When the run or its source ended.
    public private(set) var endedAt: Double?
    /// Printed seconds of the epochs that arrived with the first data (the backlog).
    public private(set) var backlogSeconds = 0.0
    /// The longest printed epoch so far, for how long a silence is still normal.
    public private(set) var longestEpoch = 0.0
    /// When the current `fit` segment's first fact arrived, and its progress (0...1) then:
    /// the wall-clock rate of progress is measured from there.
    public private(set) var segmentFirstData: Double?
    public private(set) var progressAtSegmentStart: Double?

    /// Facts arriving within this long of the first count as the backlog a file already held.
    public static let backlogWindow = 0.5

    /// Whether facts that arrive at once when the source starts are a backlog (a file or log
    /// opened mid-run or after the end); false for a wrapped command, whose output is all live.
    public let hasBacklog: Bool

    public init(hasBacklog: Bool = true) {
        self.hasBacklog = hasBacklog
    }

    mutating func noteData(at time: Double, epoch: EpochRecord?, progress: Double?) {
        if firstData == nil { firstData = time }
        lastData = time
        if let seconds = epoch?.seconds {
            longestEpoch = max(longestEpoch, seconds)
            if hasBacklog, let first = firstData, time - first <= Self.backlogWindow { backlogSeconds += seconds }
        }
        if segmentFirstData == nil { segmentFirstData = time }
        if let first = segmentFirstData, time - first <= Self.backlogWindow { progressAtSegmentStart = progress }
    }

    mutating func noteState(_ state: SourceState, at time: Double) {
        switch state {
        case .finished, .failed: if endedAt == nil { endedAt = time }
        case .live:
            // The clock starts when the source does, even before its first epoch.
            if firstData == nil { firstData = time }
            endedAt = nil
            quietSince = nil
        case .replaying: endedAt = nil; quietSince = nil
        case .following, .paused, .reconnecting, .waiting:
            // The elapsed time stops where it stood when the source stopped being live; it
            // does not fall back to the last data (30 s earlier for `following`).
            if wasLive, quietSince == nil { quietSince = time }
        case .connecting: break
        }
        if case .live = state { wasLive = true } else if case .replaying = state { wasLive = false }
    }

    /// When a live source went quiet (following, paused, reconnecting), until it is live again.
    public private(set) var quietSince: Double?
    private var wasLive = false

    mutating func ended(at time: Double) { endedAt = time }

    mutating func noteWrite(at time: Double) { lastWrite = max(lastWrite ?? time, time) }

    mutating func segmentStarted() {
        segmentFirstData = nil
        progressAtSegmentStart = nil
        endedAt = nil
    }

    /// Progress per second of wall clock since the segment's first data, when it moved and
    /// at least a second passed; nil otherwise.
    func progressRate(now: Double, fraction: Double) -> Double? {
        guard let first = segmentFirstData, now - first >= 1 else { return nil }
        let moved = fraction - (progressAtSegmentStart ?? 0)
        guard moved > 0 else { return nil }
        return moved / (now - first)
    }

    /// How long a live source may stay silent before its run counts as stale: a minute, or
    /// twice the longest epoch printed (a `verbose=2` log prints once an epoch).
    public var staleAfter: Double { max(60, 2 * longestEpoch) }
}
