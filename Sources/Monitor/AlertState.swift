import Diagnostics
import RunModel

/// `--notify` and `--on-event` on the screen: which run events were announced, decided from
/// the run model as `--jsonl` decides its records (a finding when a diagnosis adds it, a
/// run's end once per `fit` by `RunEventTracker`), and the last problem an `--on-event`
/// command reported, shown in the status line until the next key.
public struct AlertState: Sendable {
    /// Announce events (`Effect.announce`): set when `--notify` or `--on-event` is given.
    public var enabled = false
    /// Each run's end, said once.
    var ends: [SourceID: RunEventTracker] = [:]
    /// What went wrong with an `--on-event` command (`Message.notice`).
    public var notice: String?

    public init(enabled: Bool = false) {
        self.enabled = enabled
    }
}

extension MonitorState {
    /// The runs that ended since the last tick, once their last diagnosis is in (so a run's
    /// findings are announced before its end, as `--jsonl` prints them).
    mutating func announceEnds() -> [Effect] {
        guard alerts.enabled else { return [] }
        var effects: [Effect] = []
        for id in sourceOrder {
            guard let run = runs[id], !run.run.needsDiagnosis, run.diagnosisInFlight == nil else { continue }
            if let status = alerts.ends[id, default: RunEventTracker()].end(of: run.run, now: clock) {
                effects.append(.announce(id, .ended(status), fit: run.run.fitNumber))
            }
        }
        return effects
    }

    /// Findings a diagnosis added (by id, as the run's `FindingLedger` counts them).
    func announcements(of findings: [Finding], before: [Finding], run: RunState, id: SourceID) -> [Effect] {
        guard alerts.enabled else { return [] }
        let known = Set(before.map(\.id))
        return findings.filter { !known.contains($0.id) }.map { finding in
            .announce(id, .finding(finding, provisional: run.run.findings.provisional.contains(finding.id)), fit: run.run.fitNumber)
        }
    }
}
