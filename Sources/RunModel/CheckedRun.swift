import Diagnostics
import KerasModel
import TrainingLog

/// One `fit` segment of a source with its findings and status: what `fitwatch check` reports
/// per run, read from the same `Run` as every other surface.
public struct CheckedRun: Sendable, Equatable {
    /// The run as read.
    public var history: RunHistory
    /// Lines the reader kept as noise (searched for Keras errors that name a config problem).
    public var logLines: [String]
    /// The findings, ordered as `Diagnostics.findings` orders them.
    public var findings: [Finding]
    /// How the run ended; nil for a run spec checked without training.
    public var status: RunStatus?
    /// Which `fit` call of its source it is, counting from 1.
    public var fit: Int

    /// A run with its findings already computed (the spec check builds one directly).
    public init(history: RunHistory, logLines: [String], findings: [Finding], status: RunStatus? = nil, fit: Int = 1) {
        self.history = history
        self.logLines = logLines
        self.findings = findings
        self.status = status
        self.fit = fit
    }

    /// The run's name in `check`'s text and Markdown (`train.log (fit 2 of 2)`), as the exit
    /// summary names it; `runs` are its source's runs, in order.
    public func title(source: String, among runs: [CheckedRun]) -> String {
        Run.Report.title(source: source, fit: fit, of: runs.last?.fit ?? fit)
    }

    /// A report of a `Run`.
    public init(_ report: Run.Report) {
        self.init(history: report.segment.history, logLines: report.segment.noise, findings: report.findings,
                  status: report.status, fit: report.fit)
    }

    /// A whole source's events read to their end, as `check` reads a file: one entry per
    /// `fit` call that trained or evaluated (`Run.reports`). `model` is the one given by hand.
    public static func runs(events: [TrainingEvent], model: ModelGraph?) -> [CheckedRun] {
        var run = Run(source: SourceID("check"), modelOverride: model, keepsEverySegment: true)
        run.apply(events)
        run.apply(state: .finished)
        return run.reports().map(CheckedRun.init)
    }

    /// True when the events hold anything Keras printed: a run, a model, or a message.
    public static func hasTrainingOutput(_ events: [TrainingEvent]) -> Bool {
        events.contains(where: isTrainingOutput)
    }

    /// True for an event that only Keras training output produces.
    public static func isTrainingOutput(_ event: TrainingEvent) -> Bool {
        switch event {
        case .runStarted, .modelKnown, .epochEnded, .batchProgress, .evaluated: return true
        case .message(let message): return message.kind != .warning
        default: return false
        }
    }
}

extension CheckedRun {
    /// `3 runs checked: 1 error, 2 warnings, 0 info`: the last line `check` prints, as text or
    /// as Markdown.
    public static func totals(_ runs: [CheckedRun]) -> String {
        let all = runs.flatMap(\.findings)
        let counts = Severity.allCases.reversed().map { severity in
            let count = all.filter { $0.severity == severity }.count
            return "\(count) \(severity.rawValue)\(count == 1 || severity == .info ? "" : "s")"
        }
        return "\(runs.count) run\(runs.count == 1 ? "" : "s") checked: " + counts.joined(separator: ", ")
    }
}
