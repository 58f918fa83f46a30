import Diagnostics
import KerasModel
import TrainingLog

/// Everything every surface says about one source, folded from its events and states: the
/// screen, headless and `--jsonl` output, `check` and `export` all read this one type, so for
/// the same input they cannot disagree.
///
/// Pure: times come in with the facts (`at:`, clock seconds; nil where there is no clock, as in
/// `check` and `export`), and findings come in as `DiagnosisResult`s for a `DiagnosisRequest`
/// the run hands out. Each `fit` call is a segment of its own; the segment running now is
/// `history`, earlier ones are `archived`.
public struct Run: Sendable {
    /// One `fit` call: its history and the lines the reader kept as noise while it ran.
    public struct Segment: Sendable, Equatable {
        /// The segment as built from its events.
        public var history = RunHistory()
        /// The newest noise lines (tracebacks, warnings): at least the newest `noiseLimit` and at
        /// most twice that; a rule searches them for Keras errors that name a config problem.
        public var noise: [String] = []
        /// An empty segment.
        public init() {}
    }

    /// Noise lines kept per segment: a full Python traceback without growing with the log.
    public static let noiseLimit = 200
    /// Earlier `fit` calls a live run keeps (the screen and headless output show the current
    /// one): memory stays bounded for a log of endless one-epoch fits. `check` and `export`,
    /// which report every fit, keep all (`keepsEverySegment`).
    public static let archiveLimit = 64

    /// Whether every earlier segment is kept (for `check` and `export`).
    public let keepsEverySegment: Bool

    /// The source's name.
    public let source: SourceID
    /// Finished earlier `fit` calls of this source, in order.
    public private(set) var archived: [Segment] = []
    /// The `fit` call running now (or the last one).
    public private(set) var current = Segment()
    /// The state the source last reported.
    public private(set) var sourceState: SourceState?
    /// A model given by hand (`--model`); used only when it matches the run (see `modelChoice`).
    public private(set) var modelOverride: ModelGraph?
    /// Bumped on every applied fact; a diagnosis is tagged with the revision it saw.
    public private(set) var revision = 0
    /// The findings as last diagnosed, with what came and went.
    public private(set) var findings = FindingLedger()
    /// What each printed metric resolved to in Keras, from the last diagnosis.
    public private(set) var resolvedMetrics: [String: ResolvedMetric] = [:]
    /// Whether any event showed Keras training output (not only noise).
    public private(set) var sawTrainingOutput = false
    /// Wall-clock facts about the run.
    public private(set) var timing = RunTiming()

    private var started = false
    private var lastModel: ModelGraph?

    /// A source not heard from yet.
    public init(source: SourceID, modelOverride: ModelGraph? = nil, hasBacklog: Bool = true,
                keepsEverySegment: Bool = false) {
        self.source = source
        self.keepsEverySegment = keepsEverySegment
        self.modelOverride = modelOverride
        timing = RunTiming(hasBacklog: hasBacklog)
    }

    /// The current segment's history.
    public var history: RunHistory { current.history }

    /// Every segment kept, earliest first (the current one last).
    public var segments: [Segment] { archived + [current] }
    /// Earlier segments a live run let go of (`archiveLimit`).
    public private(set) var droppedSegments = 0
    /// The current `fit`'s number in the source, counting from 1.
    public var fitNumber: Int { droppedSegments + archived.count + 1 }

    // MARK: folding

    /// Apply one event; `time` is the clock when it arrived (nil without a clock).
    public mutating func apply(_ event: TrainingEvent, at time: Double? = nil) {
        revision &+= 1
        if case .runStarted = event, started {
            // A new `fit` call: the last one is kept as it was; a model printed once stays known.
            archived.append(current)
            if !keepsEverySegment, archived.count > 2 * Self.archiveLimit {
                droppedSegments += archived.count - Self.archiveLimit
                archived.removeFirst(archived.count - Self.archiveLimit)
            }
            current = Segment()
            if let lastModel { current.history.apply(.modelKnown(lastModel)) }
            timing.segmentStarted()
        }
        switch event {
        case .runStarted: started = true
        case .modelKnown(let graph):
            if let known = lastModel, known.provenance.isExact, !graph.provenance.isExact {} else { lastModel = graph }
        case .noise(let line):
            current.noise.append(line)
            // Trimmed in batches, so a gigabyte of noise costs O(1) a line.
            if current.noise.count > 2 * Self.noiseLimit { current.noise.removeFirst(current.noise.count - Self.noiseLimit) }
        default: break
        }
        if !sawTrainingOutput, CheckedRun.isTrainingOutput(event) { sawTrainingOutput = true }
        current.history.apply(event)
        if let time {
            switch event {
            case .noise: break
            case .epochEnded(let record): timing.noteData(at: time, epoch: record, progress: progressFraction)
            case .runEnded: timing.noteData(at: time, epoch: nil, progress: progressFraction); timing.ended(at: time)
            default: timing.noteData(at: time, epoch: nil, progress: progressFraction)
            }
        }
    }

    /// The source plays again from its start (a replay sought backwards): what was read is
    /// forgotten, so the run is one `fit` again rather than a finished one plus a new one.
    /// Revisions keep counting, so a diagnosis of the old content that arrives late is dropped;
    /// the source's state stays, and a finding reported before is not announced as new again.
    public mutating func rewind() {
        var fresh = Run(source: source, modelOverride: modelOverride, hasBacklog: timing.hasBacklog,
                        keepsEverySegment: keepsEverySegment)
        fresh.revision = revision &+ 1
        fresh.sourceState = sourceState
        fresh.findings = findings
        fresh.findings.clear(revision: fresh.revision)
        self = fresh
    }

    /// Apply events in order, without a clock (a file read to its end by `check` or `export`).
    public mutating func apply(_ events: [TrainingEvent]) {
        for event in events { apply(event) }
    }

    /// The source's file was last written at `time` (`FeedMessage.wrote`).
    public mutating func noteWrite(at time: Double) {
        revision &+= 1
        timing.noteWrite(at: time)
    }

    /// Apply a state the source reported.
    public mutating func apply(state: SourceState, at time: Double? = nil) {
        revision &+= 1
        sourceState = state
        if let time {
            timing.noteState(state, at: time)
        }
    }

    // MARK: status and time

    /// What the run is doing or how it ended, as of `now` (nil: no clock, so never stale).
    public func status(now: Double? = nil) -> RunStatus {
        RunStatus(run: self, now: now)
    }

    /// Epochs done plus the running epoch's share of steps, over the epochs requested.
    public var progressFraction: Double? {
        let history = current.history
        guard let total = history.epochsRequested, total > 0 else { return nil }
        // Only the last epoch can be cut off: counting is O(1), however long the run.
        var done = Double(history.epochs.count - (history.epochs.last.map { $0.complete ? 0 : 1 } ?? 0))
        if let progress = history.lastProgress, let steps = progress.total, steps > 0 {
            done += Double(progress.step) / Double(steps)
        }
        return min(1, done / Double(total))
    }

    /// Seconds the run has been going: the wall clock since the monitor first saw data, plus
    /// the printed time of epochs that were already in the log then (a backlog has no wall
    /// time of its own). Counts on only while the source is live; nil when nothing is known.
    public func elapsed(now: Double?) -> Double? {
        guard let first = timing.firstData, let now else {
            // No clock (`check`, `export`): the epoch times Keras printed.
            let printed = current.history.epochs.printedSeconds
            return printed.isEmpty ? nil : printed.reduce(0, +)
        }
        let until: Double
        if let end = timing.endedAt { until = end }
        else if case .live? = sourceState { until = now }
        else if let quiet = timing.quietSince { until = max(quiet, timing.lastData ?? first) }
        else { until = timing.lastData ?? first }
        return timing.backlogSeconds + max(0, until - first)
    }

    /// Seconds left: from the wall-clock rate of progress since the monitor first saw data
    /// when it moved, else the current epoch's ETA plus the remaining epochs at the mean
    /// printed epoch time. Nil once the run ended or when nothing tells.
    public func eta(now: Double?) -> Double? {
        let history = current.history
        let status = status(now: now)
        guard history.end == nil, !status.isOver, status != .paused else { return nil }
        if let now, let fraction = progressFraction, let rate = timing.progressRate(now: now, fraction: fraction), rate > 0 {
            return (1 - fraction) / rate
        }
        guard let requested = history.epochsRequested else { return nil }
        let done = history.epochs.count
        guard done < requested else { return nil }
        let times = history.epochs.printedSeconds.filter { $0 > 0 }
        let mean = times.isEmpty ? nil : times.reduce(0, +) / Double(times.count)
        let currentETA = history.lastProgress?.eta
        let remainingWhole = requested - done - (history.lastProgress == nil ? 0 : 1)
        guard let mean else { return remainingWhole == 0 ? currentETA : nil }
        return (currentETA ?? 0) + Double(max(0, remainingWhole)) * mean
    }

    // MARK: model and diagnosis

    /// Which model the run is diagnosed and drawn with, and why (see `ModelChoice`): the last
    /// diagnosis's choice, since checking a model given by hand against the log walks every
    /// epoch (too slow for every frame); before the first, the run's own model.
    public var modelChoice: ModelChoice { chosen ?? ModelChoice(history: current.history, override: nil) }
    private var chosen: ModelChoice?

    /// The Keras line of releases that produced the run.
    public var flavour: KerasFlavour? { Diagnostics.flavour(history: current.history, model: modelChoice.model) }

    /// A snapshot of what the rules need, tagged with the revision it was taken at. It can be
    /// diagnosed on any thread (`Diagnosis.run`).
    public var diagnosisRequest: DiagnosisRequest { DiagnosisRequest(segment: current, modelOverride: modelOverride, revision: revision) }

    /// Whether the findings are older than the facts.
    public var needsDiagnosis: Bool { findings.revision != revision }

    /// Take a diagnosis. One made from an older snapshot than the findings already held is
    /// dropped (nil); otherwise the findings are replaced and what came and went is returned.
    @discardableResult
    public mutating func accept(_ result: DiagnosisResult) -> FindingLedger.Change? {
        guard result.revision >= findings.revision else { return nil }
        resolvedMetrics = result.resolvedMetrics
        if let choice = result.choice { chosen = choice }
        return findings.replace(with: result.findings, revision: result.revision, provisional: !status().isOver)
    }

    /// Diagnose now, on this thread (headless output, `check`, `export`, tests).
    @discardableResult
    public mutating func diagnose() -> FindingLedger.Change? {
        accept(Diagnosis.run(diagnosisRequest))
    }

    /// One `fit` call as `check` and `export` report it.
    public struct Report: Sendable {
        /// The segment.
        public var segment: Segment
        /// Its findings, from the same rules and model choice as the current segment's.
        public var findings: [Finding]
        /// The model it was diagnosed with.
        public var model: ModelGraph?
        /// How it ended (or what it is doing, for the current segment).
        public var status: RunStatus
        /// Which `fit` call of the source it is, counting from 1 (`"fit"` in every output).
        public var fit: Int

        /// A report's name where a person reads it (the exit summary, `check`'s text and
        /// Markdown): the source, and when it holds several `fit` calls which one
        /// (`train.log (fit 2 of 2)`, as the screen's header says it). `fits` is the last
        /// reported fit's number.
        public static func title(source: String, fit: Int, of fits: Int) -> String {
            fits > 1 ? "\(source) (fit \(fit) of \(fits))" : source
        }
    }

    /// The segments `check` and `export` report, each diagnosed: those that trained or
    /// evaluated (as `RunSegment.Builder` keeps them), or the last one when none did (a log
    /// that failed before training still has its findings).
    public func reports(now: Double? = nil) -> [Report] {
        var indexed = segments.enumerated().filter { _, segment in
            !segment.history.epochs.isEmpty || !segment.history.evaluations.isEmpty
        }
        if indexed.isEmpty { indexed = [(archived.count, current)] }
        return indexed.map { index, segment in
            let fit = droppedSegments + index + 1
            let isCurrent = index == archived.count
            let status = isCurrent ? status(now: now)
                : RunStatus(history: segment.history, sourceState: .finished, timing: timing, now: nil)
            if isCurrent, findings.revision == revision, revision > 0, let chosen {
                return Report(segment: segment, findings: findings.current, model: chosen.model, status: status, fit: fit)
            }
            let result = Diagnosis.run(DiagnosisRequest(segment: segment, modelOverride: modelOverride, revision: revision))
            return Report(segment: segment, findings: result.findings, model: result.choice?.model, status: status, fit: fit)
        }
    }
}
