import Diagnostics

/// A run's current findings and how they change: each diagnosis replaces the whole list, and
/// the ledger says which findings appeared and which were withdrawn (true a moment ago, not
/// any more: a metric that looked stuck moved on, a restore followed an early stop). Findings
/// about the curve, whose evidence can still change, are provisional until the run ends.
public struct FindingLedger: Sendable, Equatable {
    /// What one diagnosis changed.
    public struct Change: Sendable, Equatable {
        /// Findings not in the previous list (by id).
        public var added: [Finding] = []
        /// Findings of the previous list that are gone.
        public var withdrawn: [Finding] = []
    }

    /// Ids of rules that read the logged numbers: their findings can come and go as epochs
    /// arrive, so they are provisional while the run goes on (so is any `suspected` finding).
    public static let curveRuleIDs: Set<String> = [
        "stuck-metric", "constant-loss", "overfitting", "diverging", "nan-loss",
        "early-stopping-without-restore", "loss-weight-dominance", "total-loss-mismatch",
    ]

    /// The findings, most severe first (`Diagnostics.ordered`).
    public private(set) var current: [Finding] = []
    /// The run revision they were computed from.
    public private(set) var revision = 0
    /// Ids of current findings whose evidence can still change (the run has not ended).
    public private(set) var provisional: Set<String> = []
    /// Every id ever reported: a finding that comes back after being withdrawn is not new.
    public private(set) var everReported: Set<String> = []

    public init() {}

    /// No findings, as of `revision` (the source started again); what was ever reported is
    /// remembered.
    mutating func clear(revision: Int) {
        current = []
        provisional = []
        self.revision = revision
    }

    /// Replace the findings with a new diagnosis made at `revision`.
    mutating func replace(with findings: [Finding], revision: Int, provisional runGoesOn: Bool) -> Change {
        var change = Change()
        let before = Set(current.map(\.id))
        let after = Set(findings.map(\.id))
        change.added = findings.filter { !before.contains($0.id) }
        change.withdrawn = current.filter { !after.contains($0.id) }
        current = findings
        self.revision = revision
        // Curve findings, and any finding inferred from the logged numbers (suspected), can
        // still change while the run goes on.
        provisional = runGoesOn
            ? Set(findings.filter { Self.curveRuleIDs.contains($0.id) || $0.confidence == .suspected }.map(\.id)) : []
        everReported.formUnion(after)
        return change
    }
}
