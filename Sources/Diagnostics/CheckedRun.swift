import KerasModel
import TrainingLog

/// One `fit` segment of a source with its findings: what `fitwatch check` reports per run.
public struct CheckedRun: Sendable, Equatable {
    /// The run as read.
    public var history: RunHistory
    /// Lines the reader kept as noise (searched for Keras errors that name a config problem).
    public var logLines: [String]
    /// The findings, ordered as `Diagnostics.findings` orders them.
    public var findings: [Finding]

    /// A run with its findings already computed (the spec check builds one directly).
    public init(history: RunHistory, logLines: [String], findings: [Finding]) {
        self.history = history
        self.logLines = logLines
        self.findings = findings
    }

    /// Split a source's events at each `runStarted` (events before the first belong to it, as
    /// a printed summary or an early warning does) and diagnose each segment. A model given
    /// explicitly (`--model`) replaces what the log implied; a model printed once applies to
    /// later segments of the same source too. A source without any `runStarted` (a crash
    /// before training) is one segment.
    public static func runs(events: [TrainingEvent], model: ModelGraph?, flavour: KerasFlavour?) -> [CheckedRun] {
        var builder = Builder()
        builder.add(events)
        return builder.runs(model: model, flavour: flavour)
    }

    /// Splits events into runs as they arrive (a streamed log), as `runs(events:model:flavour:)`
    /// does, holding each run's `RunHistory` (bounded per-batch series) rather than its events.
    public struct Builder: Sendable {
        private var segments: [(history: RunHistory, lines: [String])] = []
        private var history = RunHistory()
        private var lines: [String] = []
        private var started = false
        private var lastModel: ModelGraph?
        /// True once an event showed Keras training output (see `hasTrainingOutput`).
        public private(set) var sawTrainingOutput = false

        public init() {}

        /// Adds the next events, in order.
        public mutating func add(_ events: [TrainingEvent]) {
            for event in events { add(event) }
        }

        /// Adds the next event.
        public mutating func add(_ event: TrainingEvent) {
            if case .runStarted = event, started {
                segments.append((history, lines))
                history = RunHistory()
                lines = []
                if let lastModel { history.apply(.modelKnown(lastModel)) }
            }
            switch event {
            case .runStarted: started = true
            case .modelKnown(let graph): lastModel = graph
            case .noise(let text):
                lines.append(text)
                // Bounded on any input (a gigabyte of noise): the first and the newest lines stay.
                if lines.count > 4096 { lines.removeSubrange(1024..<(lines.count - 1024)) }
            default: break
            }
            if !sawTrainingOutput, CheckedRun.isTrainingOutput(event) { sawTrainingOutput = true }
            history.apply(event)
        }

        /// Each run so far, diagnosed.
        public func runs(model: ModelGraph?, flavour: KerasFlavour?) -> [CheckedRun] {
            (segments + [(history, lines)]).map { segment in
                CheckedRun(history: segment.history, logLines: segment.lines,
                           findings: Diagnostics.findings(history: segment.history, model: model ?? segment.history.model,
                                                          flavour: flavour, logLines: segment.lines))
            }
        }
    }

    /// True when the events hold anything Keras printed: a run, a model, or a message.
    public static func hasTrainingOutput(_ events: [TrainingEvent]) -> Bool {
        events.contains(where: isTrainingOutput)
    }

    /// True for an event that only Keras training output produces.
    static func isTrainingOutput(_ event: TrainingEvent) -> Bool {
        switch event {
        case .runStarted, .modelKnown, .epochEnded, .batchProgress, .evaluated: return true
        case .message(let message): return message.kind != .warning
        default: return false
        }
    }
}
