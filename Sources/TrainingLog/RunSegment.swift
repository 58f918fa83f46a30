import KerasModel

/// One `fit` segment of a source as `export` reports it: its epochs (a later final line for
/// the same epoch replaces an earlier one) and its messages, evaluations and ending, in order.
public struct RunSegment: Sendable, Equatable {
    /// One entry of a segment's `events` list.
    public enum Note: Sendable, Equatable {
        /// A callback or framework message.
        case message(CallbackMessage)
        /// `evaluate()` output.
        case evaluated(MetricValues)
        /// How the run ended.
        case ended(RunEnd)
    }

    /// The format the segment was read from.
    public var format: LogFormat
    /// The Keras that wrote the segment, when the source tells (`export`'s `keras_flavour`).
    public var flavour: KerasFlavour?
    /// `M` of `Epoch N/M`, when printed.
    public var epochsRequested: Int?
    /// True when the source began mid-run (no first `Epoch` header).
    public var startsMidRun: Bool
    /// Finished and cut-off epochs, in order.
    public var epochs: [EpochRecord] = []
    /// Messages, evaluations and the run's end, in order.
    public var notes: [Note] = []
    /// The model, when the source printed a summary table (or another source said).
    public var model: ModelGraph?

    /// An empty segment.
    public init(format: LogFormat, epochsRequested: Int? = nil, startsMidRun: Bool = false,
                flavour: KerasFlavour? = nil) {
        self.format = format
        self.flavour = flavour
        self.epochsRequested = epochsRequested
        self.startsMidRun = startsMidRun
    }

    /// Splits events into segments. Events before the first `runStarted` (a model summary, a
    /// warning) belong to the first segment; a source with no training output gives none.
    public static func segments(from events: [TrainingEvent]) -> [RunSegment] {
        var builder = Builder()
        builder.add(events)
        return builder.segments
    }

    /// Builds segments from events as they arrive (a streamed log), keeping only what a
    /// segment holds: a log's in-epoch updates are passed over, not stored.
    public struct Builder: Sendable {
        private var finished: [RunSegment] = []
        /// What comes before the first `runStarted` (a printed summary, a warning): only its
        /// notes and model are kept, for the first segment.
        private var preamble = RunSegment(format: .unknown)
        private var current: RunSegment?
        private var currentIndex = EpochIndex()
        private var preambleIndex = EpochIndex()
        private let keepsEpochs: Bool
        /// Whether each finished segment, and the current one, had an epoch (when epochs are
        /// not kept).
        private var finishedHadEpochs: [Bool] = []
        private var currentHadEpochs = false

        /// A builder; with `keepsEpochs: false` the segments' `epochs` stay empty (`export`
        /// takes them from the run model, which holds them already) and only whether a
        /// segment had any is kept.
        public init(keepsEpochs: Bool = true) {
            self.keepsEpochs = keepsEpochs
        }

        /// Adds the next events, in order.
        public mutating func add(_ events: [TrainingEvent]) {
            for event in events { add(event) }
        }

        /// Adds the next event.
        public mutating func add(_ event: TrainingEvent) {
            switch event {
            case .runStarted(let start):
                if let done = current {
                    finished.append(done)
                    finishedHadEpochs.append(currentHadEpochs)
                }
                currentHadEpochs = false
                var next = RunSegment(format: start.format, epochsRequested: start.epochs, startsMidRun: start.startsMidRun,
                                      flavour: start.flavour)
                if finished.isEmpty {
                    next.notes = preamble.notes
                    next.model = preamble.model
                }
                current = next
                currentIndex.removeAll()
            case .modelKnown(let graph):
                apply { segment in
                    if let known = segment.model, known.provenance.isExact, !graph.provenance.isExact { return }
                    segment.model = graph
                }
            case .epochBegan(_, let of):
                if let of { apply { $0.epochsRequested = of } }
            case .epochEnded(let record):
                if current != nil { currentHadEpochs = true }
                if !keepsEpochs { break }
                if current != nil {
                    currentIndex.upsert(record, into: &current!.epochs)
                } else {
                    preambleIndex.upsert(record, into: &preamble.epochs)
                }
            case .message(let message): apply { $0.notes.append(.message(message)) }
            case .evaluated(let values): apply { $0.notes.append(.evaluated(values)) }
            case .runEnded(let end): apply { $0.notes.append(.ended(end)) }
            case .flavourKnown(let flavour): apply { $0.flavour = flavour }
            case .batchProgress, .noise: break
            }
        }

        /// The segments so far that hold epochs or evaluations, in order.
        public var segments: [RunSegment] {
            var all = Array(zip(finished, finishedHadEpochs))
            if let current { all.append((current, currentHadEpochs)) }
            return all.filter { segment, hadEpochs in
                hadEpochs || !segment.epochs.isEmpty || segment.notes.contains { if case .evaluated = $0 { true } else { false } }
            }.map(\.0)
        }

        private mutating func apply(_ body: (inout RunSegment) -> Void) {
            if current != nil { body(&current!) } else { body(&preamble) }
        }
    }
}
