/// How bad a finding is.
public enum Severity: String, Sendable, Equatable, Codable, Comparable, CaseIterable {
    /// Worth knowing; `check` exits 0.
    case info
    /// A number that misleads or a run going wrong; `check` exits 1.
    case warning
    /// The run cannot learn or its numbers mean nothing; `check` exits 1.
    case error

    private var rank: Int {
        switch self {
        case .info: return 0
        case .warning: return 1
        case .error: return 2
        }
    }
    /// Info < warning < error.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// Whether the model and compile config were known or the finding is inferred from a log.
public enum Confidence: String, Sendable, Equatable, Codable {
    /// From the exact model and compile config, or from the logged numbers themselves.
    case certain
    /// Inferred from a log or a printed summary; the evidence says from what.
    case suspected
}

/// One thing fitwatch wants the user to know about a run.
public struct Finding: Sendable, Equatable, Codable, Identifiable {
    /// Stable id (`accuracy-on-regression`); scripts match on it.
    public var id: String
    /// How bad it is.
    public var severity: Severity
    /// Whether the config was known or the finding is inferred from the log.
    public var confidence: Confidence
    /// The first (1-based) epoch it holds from; nil when it is about the config alone.
    public var epoch: Int?
    /// A one-line title.
    public var title: String
    /// The numbers or config that show it.
    public var evidence: [String]
    /// What Keras actually computes, for which versions, and why the number misleads.
    public var explanation: String
    /// What to change.
    public var fix: String
    /// Metric names this finding is about (the monitor marks them).
    public var metrics: [String]

    /// A finding; `metrics` names the printed metrics it is about.
    public init(id: String, severity: Severity, confidence: Confidence, epoch: Int?, title: String,
                evidence: [String], explanation: String, fix: String, metrics: [String] = []) {
        self.id = id
        self.severity = severity
        self.confidence = confidence
        self.epoch = epoch
        self.title = title
        self.evidence = evidence
        self.explanation = explanation
        self.fix = fix
        self.metrics = metrics
    }
}
