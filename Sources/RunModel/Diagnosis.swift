import Diagnostics
import KerasModel
import TrainingLog

/// What the rules need to diagnose a run, as a snapshot: it can cross to another thread, and
/// the answer carries the revision it was taken at so an answer older than the run's findings
/// is dropped.
public struct DiagnosisRequest: Sendable, Equatable {
    /// The segment to diagnose.
    public var segment: Run.Segment
    /// The model given by hand (`--model`), which the diagnosis accepts or rejects.
    public var modelOverride: ModelGraph?
    /// The run's revision when the snapshot was taken.
    public var revision: Int

    public init(segment: Run.Segment, modelOverride: ModelGraph?, revision: Int) {
        self.segment = segment
        self.modelOverride = modelOverride
        self.revision = revision
    }

    /// Which model the segment is diagnosed with (`ModelChoice`): checking a model given by
    /// hand walks every epoch, so it is made here, with the rules, off the main thread.
    public var choice: ModelChoice { ModelChoice(history: segment.history, override: modelOverride) }
}

/// The findings for a `DiagnosisRequest`.
public struct DiagnosisResult: Sendable, Equatable {
    /// The revision of the snapshot diagnosed.
    public var revision: Int
    /// The findings, ordered (`Diagnostics.ordered`).
    public var findings: [Finding]
    /// What each printed metric resolved to.
    public var resolvedMetrics: [String: ResolvedMetric]
    /// The model the diagnosis used (nil: not said; the run keeps the one it had).
    public var choice: ModelChoice?

    public init(revision: Int, findings: [Finding], resolvedMetrics: [String: ResolvedMetric], choice: ModelChoice? = nil) {
        self.revision = revision
        self.findings = findings
        self.resolvedMetrics = resolvedMetrics
        self.choice = choice
    }
}

/// The one way a run is diagnosed, on every surface: the same model choice, the same flavour
/// rule, the same noise lines. Pure; the monitor runs it off the main thread.
public enum Diagnosis {
    /// The id of the finding that says a model given by hand was not used.
    public static let modelMismatchID = "model-mismatch"

    /// Diagnose a snapshot.
    public static func run(_ request: DiagnosisRequest) -> DiagnosisResult {
        let history = request.segment.history
        let choice = request.choice
        let model = choice.model
        let flavour = Diagnostics.flavour(history: history, model: model)
        var findings = Diagnostics.findings(history: history, model: model, flavour: flavour,
                                            logLines: request.segment.noise)
        if let why = choice.rejection {
            findings.append(Finding(
                id: modelMismatchID, severity: .warning, confidence: .certain, epoch: nil,
                title: "The model given with --model does not match this run; it is not used",
                evidence: [why],
                explanation: "A model file describes one run: its outputs, layers, losses and metrics. Used for another run it would make fitwatch explain metrics that run never computed and hide problems it has, so it is set aside and the run is diagnosed from its log alone.",
                fix: "Give the model file saved by this run (model.save(...) or model.to_json() of the model that wrote this log), or leave out --model."))
            findings = Diagnostics.ordered(findings)
        }
        return DiagnosisResult(revision: request.revision, findings: findings,
                               resolvedMetrics: Diagnostics.resolvedMetrics(history: history, model: model, flavour: flavour),
                               choice: choice)
    }
}
