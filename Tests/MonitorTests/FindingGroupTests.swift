import Testing
import Diagnostics
import Feeds
import TerminalCore
import TrainingLog
@testable import Monitor

/// The warnings view across runs: each finding once, with the runs that have it.
@Suite struct FindingGroupTests {
    static let stuck = Finding(id: "stuck-metric", severity: .warning, confidence: .certain, epoch: 2,
                               title: "accuracy does not move while the loss does", evidence: [],
                               explanation: "The metric is flat.", fix: "Check what the metric measures.", metrics: ["accuracy"])

    /// Five runs: 1, 3 and 4 have 'accuracy' on a regression (an error); 2 and 3 a stuck metric;
    /// 5 nothing. The rules are fixed by the run's name.
    static func fiveRuns(size: Size = Size(width: 100, height: 30)) -> MonitorState {
        var state = MonitorState(size: size, diagnose: { history, _, _ in
            let name = history.format == .keras3 ? "regression" : "other"
            let epochs = history.epochs.count
            var findings: [Finding] = []
            if name == "regression", epochs != 4 { findings.append(RunFixtures.accuracyOnRegression) }
            if epochs == 2 || epochs == 3 { findings.append(stuck) }
            return findings
        })
        _ = state.tickSettled(1_000_000)
        for number in 1...5 {
            let id = SourceID("sweep/run\(number).log")
            // Runs 1, 3, 4 are keras3 regressions; run n has n epochs.
            let format: LogFormat = [1, 3, 4].contains(number) ? .keras3 : .csvLogger
            _ = state.update(.feed(.state(id, .finished)))
            _ = state.update(.feed(.event(id, .runStarted(RunStart(epochs: number, format: format)))))
            for epoch in 1...number {
                _ = state.update(.feed(.event(id, .epochEnded(EpochRecord(epoch: epoch, of: number, metrics: ["loss": 1.0 / Double(epoch)])))))
            }
        }
        _ = state.tickSettled(1_000_001)
        return state
    }

    @Test func theSameFindingAcrossRunsIsOneGroupWithItsRuns() {
        let state = Self.fiveRuns()
        let groups = FindingGroup.groups(state)
        // Run 4 (4 epochs) is a regression without the finding in this fixed rule set.
        #expect(groups.map(\.finding.id) == ["accuracy-on-regression", "stuck-metric"])
        #expect(groups[0].runs.map(\.number) == [1, 3])
        #expect(groups[1].runs.map(\.number) == [2, 3])
    }

    @Test func theWarningsViewListsEachGroupAndEnterExplainsIt() {
        var state = Self.fiveRuns()
        _ = state.update(.key(.character("w")))
        let lines = MonitorView.render(state).lines
        #expect(lines.contains { $0.contains("accuracy-on-regression:") && $0.contains("2 runs") })
        #expect(lines.contains { $0.contains("1 sweep/run1.log, 3 sweep/run3.log") })
        #expect(lines.contains { $0.contains("Warnings · 5 runs") && $0.contains("3 with findings") })
        SnapshotAssertion.check(lines, named: ScreenSnapshotTests.name("warnings-grouped", state.size))
        // ↓ moves to the second group; Enter opens its explanation; Esc closes it.
        _ = state.update(.key(.down))
        #expect(state.selectedFinding == 1)
        _ = state.update(.key(.down))
        #expect(state.selectedFinding == 1)
        _ = state.update(.key(.enter))
        #expect(state.detailOpen)
        #expect(MonitorView.render(state).lines.contains { $0.contains("warning stuck-metric") })
        _ = state.update(.key(.escape))
        #expect(!state.detailOpen)
    }

    @Test func aLongRunListEndsWithHowManyMore() {
        let runs = (1...40).map { (number: $0, id: SourceID("runs/lr=0.\($0)/train.log")) }
        let text = WarningsPanelView.runList(runs, width: 60, ellipsis: "…")
        #expect(text.count <= 60)
        #expect(text.hasPrefix("1 runs/lr=0.1/train.log, 2 runs/lr=0.2/train.log"))
        #expect(text.range(of: #", \+3\d more$"#, options: .regularExpression) != nil)
    }
}
