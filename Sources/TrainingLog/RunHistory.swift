import Collections
import KerasModel

/// Everything known about one run, built by applying events in order. Pure value type:
/// the monitor, the diagnostics and `export` all read it, none of them cares about the source.
public struct RunHistory: Sendable, Equatable {
    /// The format of the data, from the first `runStarted`.
    public var format: LogFormat = .unknown
    /// The Keras that wrote the current segment (`RunStart.flavour`, then `flavourKnown`); nil
    /// when the source cannot tell.
    public var flavour: KerasFlavour?
    /// Epochs requested in the current segment.
    public var epochsRequested: Int?
    /// True when the log began mid-run.
    public var startsMidRun = false
    /// Hyper-parameters the current segment's start stated (`RunStart.parameters`).
    public var parameters: OrderedDictionary<String, String> = [:]
    /// Finished (and finally cut-off) epochs of the current segment, in order (read like an
    /// array; kept in columns once long, see `EpochList`).
    public var epochs = EpochList()
    /// The epoch currently running and its latest update.
    public var currentEpoch: Int?
    public var lastProgress: BatchProgress?
    /// Callback messages, in order.
    public var messages: [CallbackMessage] = []
    /// Results of `evaluate()` calls.
    public var evaluations: [MetricValues] = []
    /// The model, when known.
    public var model: ModelGraph?
    /// Set once the run ended.
    public var end: RunEnd?
    /// Earlier `fit` segments in the same source (a file with several `fit` calls).
    public var previousSegments: [EpochList] = []
    /// Per-batch values of each metric (running averages as printed), bounded.
    public var batchSeries: OrderedDictionary<String, Series> = [:]
    /// Bumped on every applied event; the monitor redraws when it changes.
    public private(set) var revision = 0

    public init() {}

    /// Earlier `fit` segments kept: at most this many (the newest).
    public static let segmentsKept = 64
    /// Messages (and evaluations) kept: past this many, the first half and the newest quarter
    /// stay (the first warnings are what the diagnostics read; a flood of one message repeated
    /// must not grow without bound).
    public static let messagesKept = 4096

    /// Metric names in first-seen order.
    public var metricNames: [String] {
        var names = OrderedSet<String>(epochs.metricNames)
        if let progress = lastProgress { names.append(contentsOf: progress.metrics.keys) }
        return Array(names)
    }

    /// Per-epoch values of one metric (NaN where a finished epoch lacks it). An epoch cut off
    /// before Keras measured the metric (no `val_*` yet) has no value, not a NaN one.
    public func values(of metric: String) -> [Double] {
        // From the columns, without building a record per epoch: the metrics panel reads
        // every metric of every epoch each frame.
        var values = epochs.values(of: metric)
        if let last = epochs.indices.last, !epochs.isComplete(at: last), epochs.value(of: metric, at: last) == nil { values.removeLast() }
        return values
    }

    /// `values(of:)` of each of `metrics` (the grid view draws 40 metrics a frame): each read
    /// from its column of the epoch store, without building a record per epoch.
    public func values(of metrics: [String]) -> [[Double]] {
        metrics.map { values(of: $0) }
    }

    /// Apply one event.
    public mutating func apply(_ event: TrainingEvent) {
        revision &+= 1
        switch event {
        case .runStarted(let start):
            if !epochs.isEmpty {
                previousSegments.append(epochs)
                if previousSegments.count > Self.segmentsKept {
                    // Bounded on any input (a log of a million one-epoch `fit` calls): the
                    // older half goes. The count still changes with every new segment.
                    previousSegments.removeFirst(previousSegments.count / 2)
                }
                epochs = []
                batchSeries = [:]
            }
            format = start.format
            flavour = start.flavour
            epochsRequested = start.epochs
            startsMidRun = start.startsMidRun
            parameters = start.parameters
            end = nil
        case .modelKnown(let graph):
            // An exact model never gives way to one inferred from a printed summary.
            if let current = model, current.provenance.isExact, !graph.provenance.isExact { break }
            model = graph
        case .epochBegan(let epoch, let of):
            currentEpoch = epoch
            if let of { epochsRequested = of }
        case .batchProgress(let progress):
            currentEpoch = progress.epoch
            lastProgress = progress
            // Where the update sits in the run: its epoch, and its step counted from the run's
            // start (epoch × steps + step) when the steps per epoch are printed.
            let position = Series.Position(epoch: progress.epoch,
                                           step: progress.total.map { (progress.epoch - 1) * $0 + progress.step })
            progress.forEachMetric { name, value in
                batchSeries[name, default: Series()].append(value, at: position)
            }
        case .epochEnded(let record):
            appendFinalUpdate(of: record)
            epochs.upsert(record)
            if let of = record.of { epochsRequested = of }
            lastProgress = nil
        case .message(let message):
            messages.append(message)
            if messages.count > Self.messagesKept { messages.removeSubrange((Self.messagesKept / 2)..<(messages.count - Self.messagesKept / 4)) }
        case .evaluated(let values):
            evaluations.append(values)
            if evaluations.count > Self.messagesKept { evaluations.removeFirst(evaluations.count / 2) }
        case .runEnded(let end):
            self.end = end
        case .flavourKnown(let known):
            flavour = known
        case .noise:
            break
        }
    }
}

extension RunHistory {
    /// The epoch's last step is printed as the epoch's own line (Keras) or not reported as an
    /// update at all (the training core), so the per-batch series would end one update short
    /// of each epoch: the chart at step 8,020 of 8,100. The epoch's training values are the
    /// running averages at its last step, so they are that step's update.
    fileprivate mutating func appendFinalUpdate(of record: EpochRecord) {
        guard record.complete, let steps = record.steps, let progress = lastProgress,
              progress.epoch == record.epoch, progress.step < steps else { return }
        let position = Series.Position(epoch: record.epoch, step: (record.epoch - 1) * steps + steps)
        for (name, value) in record.metrics where batchSeries[name] != nil {
            batchSeries[name]?.append(value, at: position)
        }
    }
}

/// A bounded series of samples. When full it halves its resolution by merging neighbour
/// pairs into whichever of the two is further from their mean's neighbourhood (the extreme),
/// so spikes, NaNs and the last value survive any number of appends.
public struct Series: Sendable, Equatable {
    /// Where a sample was taken: its epoch and, when known, its step from the run's start.
    public struct Position: Sendable, Equatable {
        /// Keras's 1-based epoch (0 when not given).
        public var epoch: Int
        /// (epoch - 1) × steps per epoch + step, when the steps per epoch are known.
        public var step: Int?

        public init(epoch: Int, step: Int?) {
            self.epoch = epoch
            self.step = step
        }

        /// No position given.
        public static let unknown = Position(epoch: 0, step: nil)
    }

    /// Upper bound on stored samples; 4096 keeps a 300-column braille chart (600 dots) exact
    /// for the last ~600 points even after many halvings, at 32 KiB per series.
    public static let defaultCapacity = 4096

    public private(set) var values: [Double] = []
    /// Where each stored value was taken (the kept sample's position after merging).
    public private(set) var positions: [Position] = []
    /// How many raw samples each stored value stands for.
    public private(set) var stride = 1
    /// Raw samples appended in total.
    public private(set) var count = 0
    private var pending: Double?
    private var pendingPosition = Position.unknown
    private var pendingCount = 0
    public let capacity: Int

    public init(capacity: Int = Series.defaultCapacity) {
        self.capacity = max(capacity, 4)
    }

    /// The last raw value appended.
    public private(set) var last: Double?
    /// Where the last raw value was taken.
    public private(set) var lastPosition = Position.unknown

    public mutating func append(_ value: Double, at position: Position = .unknown) {
        count += 1
        last = value
        lastPosition = position
        if stride == 1 {
            values.append(value)
            positions.append(position)
        } else {
            if let kept = pending, !Series.keepsSecond(kept, value) {
                // The pending sample stays.
            } else {
                pending = value
                pendingPosition = position
            }
            pendingCount += 1
            if pendingCount == stride {
                values.append(pending!)
                positions.append(pendingPosition)
                pending = nil
                pendingCount = 0
            }
        }
        if values.count >= capacity { compact() }
    }

    /// Stored values plus the partially merged bucket, so the latest value is always shown.
    public var samples: [Double] {
        if let last, pending != nil { return values + [last] }
        return values
    }

    /// Where each of `samples` was taken.
    public var samplePositions: [Position] {
        if pending != nil { return positions + [lastPosition] }
        return positions
    }

    private mutating func compact() {
        var merged: [Double] = []
        var mergedPositions: [Position] = []
        merged.reserveCapacity(values.count / 2 + 1)
        mergedPositions.reserveCapacity(values.count / 2 + 1)
        var index = 0
        while index + 1 < values.count {
            let second = Series.keepsSecond(values[index], values[index + 1])
            merged.append(values[index + (second ? 1 : 0)])
            mergedPositions.append(positions[index + (second ? 1 : 0)])
            index += 2
        }
        if index < values.count {
            merged.append(values[index])
            mergedPositions.append(positions[index])
        }
        values = merged
        positions = mergedPositions
        stride *= 2
    }

    /// Whether `extreme(a, b)` keeps `b`.
    static func keepsSecond(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN { return false }
        if b.isNaN { return true }
        if !a.isFinite { return false }
        if !b.isFinite { return true }
        return abs(b) > abs(a)
    }

    /// Of two samples, the one to keep: NaN first (a gap must stay visible), then the one
    /// with the larger magnitude of change, approximated by the larger absolute value.
    static func extreme(_ a: Double, _ b: Double) -> Double {
        if a.isNaN { return a }
        if b.isNaN { return b }
        if !a.isFinite { return a }
        if !b.isFinite { return b }
        return abs(b) > abs(a) ? b : a
    }
}
