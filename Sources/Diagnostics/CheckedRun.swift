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
        var segments: [(history: RunHistory, lines: [String])] = []
        var history = RunHistory()
        var lines: [String] = []
        var started = false
        var lastModel: ModelGraph?
        for event in events {
            if case .runStarted = event, started {
                segments.append((history, lines))
                history = RunHistory()
                lines = []
                if let lastModel { history.apply(.modelKnown(lastModel)) }
            }
            switch event {
            case .runStarted: started = true
            case .modelKnown(let graph): lastModel = graph
            case .noise(let text): lines.append(text)
            default: break
            }
            history.apply(event)
        }
        segments.append((history, lines))
        return segments.map { segment in
            CheckedRun(history: segment.history, logLines: segment.lines,
                       findings: Diagnostics.findings(history: segment.history, model: model ?? segment.history.model,
                                                      flavour: flavour, logLines: segment.lines))
        }
    }

    /// True when the events hold anything Keras printed: a run, a model, or a message.
    public static func hasTrainingOutput(_ events: [TrainingEvent]) -> Bool {
        events.contains { event in
            switch event {
            case .runStarted, .modelKnown, .epochEnded, .batchProgress, .evaluated: return true
            case .message(let message): return message.kind != .warning
            default: return false
            }
        }
    }
}
