import Diagnostics
import RunModel

/// One finding across runs: the warnings view, with several runs, lists each finding id once
/// with the runs it was found in ("accuracy-on-regression: 12 runs").
public struct FindingGroup: Sendable {
    /// The finding as one run states it: the selected run's when it has it, else the first's.
    public var finding: Finding
    /// The runs that have it, with their 1-based command-line numbers, in that order.
    public var runs: [(number: Int, id: SourceID)]
    /// Whether any of them has not been looked at yet.
    public var isNew: Bool

    /// The findings of every run grouped by id: the most severe first, then the most common,
    /// then in the order they first appear.
    public static func groups(_ state: MonitorState) -> [FindingGroup] {
        var groups: [FindingGroup] = []
        var index: [String: Int] = [:]
        for (position, id) in state.sourceOrder.enumerated() {
            guard let run = state.runs[id] else { continue }
            for finding in run.findings {
                let new = run.newFindingIDs.contains(finding.id)
                if let at = index[finding.id] {
                    groups[at].runs.append((position + 1, id))
                    groups[at].isNew = groups[at].isNew || new
                    if id == state.selectedSource { groups[at].finding = finding }
                } else {
                    index[finding.id] = groups.count
                    groups.append(FindingGroup(finding: finding, runs: [(position + 1, id)], isNew: new))
                }
            }
        }
        return groups.enumerated().sorted { a, b in
            if a.element.finding.severity != b.element.finding.severity { return a.element.finding.severity > b.element.finding.severity }
            if a.element.runs.count != b.element.runs.count { return a.element.runs.count > b.element.runs.count }
            return a.offset < b.offset
        }.map(\.element)
    }
}

extension MonitorState {
    /// The warnings view groups findings across runs: there are several runs.
    public var groupsFindings: Bool { sourceOrder.count > 1 }

    /// What the warnings view lists, one entry per row the selection moves over: a finding
    /// per id across runs with several runs, else the selected run's findings.
    public var warningsEntries: [Finding] {
        groupsFindings ? FindingGroup.groups(self).map(\.finding) : selectedRunState?.findings ?? []
    }
}
