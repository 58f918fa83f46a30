import Foundation
import Testing
import Diagnostics
import Feeds
import TerminalCore
import TrainingLog
@testable import Monitor

private func bostonState(findings: [Finding] = [], sourceState: SourceState = .finished) throws -> MonitorState {
    RunFixtures.state(source: "boston.log", events: try RunFixtures.epochEvents(csv: "k3_s1_seed_regression_accuracy"),
                      sourceState: sourceState, findings: findings)
}

@Test func qQuitsAndCtrlCDeliveredAsAKeyQuitsToo() throws {
    var state = try bostonState()
    #expect(state.update(.key(.character("q"))) == [.quit])
    #expect(state.update(.key(.interrupt)) == [.quit])
}

@Test func tabCyclesPanelsAndIncludesTheRunBarOnlyWithSeveralSources() throws {
    var state = try bostonState()
    #expect(state.focus == .metrics)
    _ = state.update(.key(.tab))
    #expect(state.focus == .main)
    _ = state.update(.key(.tab))
    #expect(state.focus == .metrics)
    _ = state.update(.feed(.state(SourceID("iris.log"), .following)))
    _ = state.update(.key(.backTab))
    #expect(state.focus == .runs)
}

@Test func arrowsAndJKMoveTheMetricSelectionWithinBounds() throws {
    var state = try bostonState()
    #expect(state.families.map(\.name) == ["loss", "accuracy"])
    _ = state.update(.key(.character("j")))
    #expect(state.selectedFamily?.name == "accuracy")
    _ = state.update(.key(.down))
    #expect(state.selectedMetric == 1)
    _ = state.update(.key(.character("k")))
    #expect(state.selectedFamily?.name == "loss")
}

@Test func newFindingFlashesTheHeaderOnceAndRingsOnlyWithBell() throws {
    var state = try bostonState()
    #expect(state.flashUntil == nil)

    var lit = MonitorState(diagnose: { _, _, _ in [RunFixtures.accuracyOnRegression] })
    lit.bellOnNewFinding = true
    _ = lit.tickSettled(100)
    _ = lit.update(.feed(.event(SourceID("boston.log"), .epochEnded(EpochRecord(epoch: 1, metrics: ["loss": 4156, "accuracy": 0])))))
    #expect(lit.tickSettled(100.5) == [.bell])
    #expect(lit.flashUntil == 100.5 + MonitorState.flashSeconds)
    #expect(lit.selectedRunState?.newFindingIDs == ["accuracy-on-regression"])
    // The same finding on the next epoch is not new: no second flash, no second bell.
    _ = lit.update(.feed(.event(SourceID("boston.log"), .epochEnded(EpochRecord(epoch: 2, metrics: ["loss": 1101, "accuracy": 0])))))
    #expect(lit.tickSettled(103) == [])
    #expect(lit.flashUntil == nil)

    state.bellOnNewFinding = false
    var quiet = MonitorState(diagnose: { _, _, _ in [RunFixtures.accuracyOnRegression] })
    _ = quiet.update(.feed(.event(SourceID("a"), .epochEnded(EpochRecord(epoch: 1, metrics: ["loss": 1])))))
    #expect(quiet.tickSettled(1) == [])
    #expect(quiet.flashUntil != nil)
}

@Test func openingWarningsMarksFindingsSeenAndEnterOpensTheExplanation() throws {
    var state = try bostonState(findings: [RunFixtures.accuracyOnRegression])
    #expect(state.selectedRunState?.newFindingIDs.isEmpty == false)
    _ = state.update(.key(.character("w")))
    #expect(state.mode == .warnings)
    #expect(state.focus == .main)
    #expect(state.selectedRunState?.newFindingIDs.isEmpty == true)
    _ = state.update(.key(.enter))
    #expect(state.detailOpen)
    _ = state.update(.key(.escape))
    #expect(!state.detailOpen)
    _ = state.update(.key(.character("w")))
    #expect(state.mode == .chart)
}

@Test func chartKeysToggleLogScaleSmoothingBatchAndZoom() throws {
    var state = try bostonState()
    _ = state.update(.key(.character("l")))
    #expect(state.chart.logScale)
    _ = state.update(.key(.character("s")))
    #expect(state.chart.smoothing == 0.6)
    _ = state.update(.key(.character("b")))
    #expect(state.chart.perBatch)
    _ = state.update(.key(.character("[")))
    _ = state.update(.key(.character("[")))
    #expect(state.chart.zoom == 100)
    _ = state.update(.key(.character("]")))
    #expect(state.chart.zoom == 200)
}

@Test func spaceAndPlusControlTheReplayOfTheSelectedSource() throws {
    var state = try bostonState(sourceState: .replaying(speed: 20))
    let id = SourceID("boston.log")
    #expect(state.update(.key(.character(" "))) == [.control(id, .togglePause)])
    #expect(state.update(.key(.character("n"))) == [.control(id, .step)])
    #expect(state.update(.key(.character("+"))) == [.control(id, .speed(40))])
    #expect(state.update(.key(.character("-"))) == [.control(id, .speed(10))])
}

@Test func helpIsModalAndClosesOnTheNextKey() throws {
    var state = try bostonState()
    _ = state.update(.key(.character("?")))
    #expect(state.helpVisible)
    _ = state.update(.key(.character("g")))
    #expect(!state.helpVisible)
    #expect(state.mode == .chart)
    // "any key closes this": keys bound to nothing too (they left help open).
    for key in ["%", "Z", "7"] {
        _ = state.update(.key(.character("?")))
        #expect(state.update(.key(.character(Character(key)))) == [])
        #expect(!state.helpVisible, "\(key) closes help")
    }
}

@Test func resizeBelowTheMinimumSaysTheTerminalIsTooSmall() throws {
    var state = try bostonState()
    let before = state.revision
    _ = state.update(.resize(Size(width: 60, height: 20)))
    #expect(state.revision != before)
    let lines = MonitorView.render(state).lines
    #expect(lines.contains { $0.contains("terminal too small") })
    #expect(lines.contains { $0.contains("60x20, need 80x24") })
}

@Test func idleTicksDoNotRedrawAFinishedRun() throws {
    var state = try bostonState()
    let before = state.revision
    _ = state.tickSettled(1_000_001)
    _ = state.tickSettled(1_000_002)
    #expect(state.revision == before)
    #expect(!state.needsClock)
}

@Test func clickOnAMetricRowSelectsIt() throws {
    var state = try bostonState()
    let layout = MonitorLayout(state: state)
    // Row layout: border, column headings, then one row per family.
    let accuracyRow = (0..<state.size.height).first { layout.familyIndex(atRow: $0, state: state) == 1 }
    let row = try #require(accuracyRow)
    _ = state.update(.key(.mouseClick(x: layout.metrics.x + 3, y: row)))
    #expect(state.selectedFamily?.name == "accuracy")
}

@Test func elapsedCountsOnOnlyWhileTheSourceIsLive() throws {
    var state = MonitorState(diagnose: { _, _, _ in [] })
    let id = SourceID("train.log")
    _ = state.tickSettled(100)
    _ = state.update(.feed(.state(id, .live)))
    _ = state.update(.feed(.event(id, .epochEnded(EpochRecord(epoch: 1, seconds: 5, metrics: ["loss": 1])))))
    _ = state.tickSettled(130)
    #expect(state.runs[id]?.run.elapsed(now: 130) == 35)
    #expect(state.needsClock)
    // The file stopped growing: the run may be over; the clock stops where it stood (it used
    // to fall back to 0:05 from 0:35, an elapsed time going backwards on screen).
    _ = state.update(.feed(.state(id, .following)))
    #expect(state.runs[id]?.run.elapsed(now: 200) == 35)
    #expect(!state.needsClock)
}

@Test func metricNamesKeptEventByEventMatchTheHistorysAcrossSegments() throws {
    var run = RunState(source: SourceID("two.log"))
    for event in try RunFixtures.epochEvents(csv: "k3_s4_multi_output_functional") { run.apply(event, at: nil) }
    #expect(run.metricNames == run.history.metricNames)
    for event in try RunFixtures.epochEvents(csv: "k3_s1_seed_regression_accuracy") { run.apply(event, at: nil) }
    #expect(run.metricNames == run.history.metricNames)
    #expect(run.metricNames.contains("accuracy") && !run.metricNames.contains("out1_loss"))
}

@Test func diagnosesAtMostFourTimesASecondButCatchesUpAfterABurst() throws {
    let calls = Counter()
    var state = MonitorState(diagnose: { _, _, _ in calls.increment(); return [] })
    let id = SourceID("burst.log")
    _ = state.tickSettled(10)
    for epoch in 1...5 {
        _ = state.update(.feed(.event(id, .epochEnded(EpochRecord(epoch: epoch, metrics: ["loss": 1])))))
        _ = state.tickSettled(10 + Double(epoch) * 0.01)
    }
    #expect(calls.value == 1)
    #expect(state.nextDiagnosis == 10.01 + MonitorState.diagnosisInterval)
    _ = state.tickSettled(10.3)
    #expect(calls.value == 2)
    #expect(state.nextDiagnosis == nil)
}

/// A thread-safe counter for the `@Sendable` diagnose closure.
final class Counter: @unchecked Sendable {
    private var count = 0
    private let lock = NSLock()
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

/// `q` while a wrapped command runs asks "stop the command and quit?" in the status line:
/// `n` and Esc keep watching, other keys answer nothing, `y` quits (which stops it); Ctrl-C
/// quits at once as before; once the command finished, `q` quits without asking.
@Test func quittingARunningWrappedCommandAsksFirst() throws {
    var state = try bostonState(sourceState: .live)
    state.wrappedCommands = [SourceID("boston.log")]
    #expect(state.update(.key(.character("q"))).isEmpty)
    #expect(state.quitPrompt)
    let status = MonitorView.render(state).lines.last ?? ""
    #expect(status.contains("stop the command and quit?") && status.contains("y stop it and quit") && status.contains("n keep watching"), "\(status)")
    #expect(state.update(.key(.character("w"))).isEmpty, "a stray key answers nothing")
    #expect(state.mode == .chart && state.quitPrompt)
    #expect(state.update(.key(.character("n"))).isEmpty)
    #expect(!state.quitPrompt)
    _ = state.update(.key(.character("q")))
    #expect(state.update(.key(.escape)).isEmpty && !state.quitPrompt)
    _ = state.update(.key(.character("q")))
    #expect(state.update(.key(.character("y"))) == [.quit])
    #expect(state.update(.key(.interrupt)) == [.quit], "Ctrl-C never asks")

    _ = state.update(.feed(.state(SourceID("boston.log"), .failed("exited with status 3"))))
    #expect(state.update(.key(.character("q"))) == [.quit], "nothing left to stop")
}

/// Discovered runs appear at any time: a message for a source never seen makes its run (in
/// arrival order, after the first); a run whose file was deleted keeps its epochs and says
/// waiting, not finished; the screen still draws.
@Test func aRunThatAppearsLaterGetsItsOwnRunAndADeletedOneIsMarkedNotFinished() throws {
    var state = try bostonState(sourceState: .live)
    let late = SourceID("lr=0.01,bs=32/train.log")
    _ = state.update(.feed(.reading(late, "lr=0.01,bs=32/train.log")))
    _ = state.update(.feed(.event(late, .epochEnded(EpochRecord(epoch: 1, of: 3, metrics: ["loss": 0.5])))))
    #expect(state.sourceOrder.last == late)
    #expect(state.runs[late]?.history.epochs.count == 1)
    _ = state.update(.feed(.state(late, .waiting("runs/lr=0.01,bs=32/train.log was deleted; waiting for it to come back"))))
    let run = try #require(state.runs[late]?.run)
    #expect(run.status().word == "waiting")
    #expect(!run.status().isOver, "a deleted run is not finished")
    #expect(run.history.epochs.count == 1, "its epochs stay")
    state.selectedRun = state.sourceOrder.count - 1
    let frame = MonitorView.render(state)
    #expect(frame.lines.contains { $0.contains("lr=0.01,bs=32/train.log") })
}

/// A sweep of hundreds of followed runs: every run diagnosed four times a second took most of
/// a core (issue 13's benchmark: 49-77 % of a core following 500 runs). The run on screen keeps
/// its pace; the others are diagnosed in proportion to how many there are.
@Test func withManyRunsOnlyTheSelectedOneIsDiagnosedAtFullPace() throws {
    var state = MonitorState(diagnose: { _, _, _ in [] })
    for n in 1...500 { _ = state.update(.feed(.state(SourceID("run\(n).log"), .live))) }
    let selected = try #require(state.selectedSource)
    #expect(state.diagnosisInterval(for: selected) == MonitorState.diagnosisInterval)
    let other = try #require(state.sourceOrder.first { $0 != selected })
    #expect(state.diagnosisInterval(for: other) == MonitorState.diagnosisInterval * 25)
    // Every run's history moves; one tick asks for every run's first diagnosis, the next
    // ones only for the selected run until the others' interval has passed.
    for id in state.sourceOrder {
        _ = state.update(.feed(.event(id, .epochEnded(EpochRecord(epoch: 1, metrics: ["loss": 1])))))
    }
    let first = state.update(.tick(1000))
    #expect(first.count == 500)
    _ = state.settle(first)
    for id in state.sourceOrder {
        _ = state.update(.feed(.event(id, .epochEnded(EpochRecord(epoch: 2, metrics: ["loss": 0.5])))))
    }
    let soon = state.update(.tick(1000.3))
    #expect(soon.count == 1)
    #expect(soon.first.map { if case .diagnose(let id, _) = $0 { return id == selected } else { return false } } == true)
    _ = state.settle(soon)
    // Once their interval passed, the 499 others are asked for.
    #expect(state.update(.tick(1000 + MonitorState.diagnosisInterval * 25 + 0.01)).count == 499)
    // Twenty runs or fewer: all at full pace, as before.
    var few = MonitorState(diagnose: { _, _, _ in [] })
    for n in 1...20 { _ = few.update(.feed(.state(SourceID("run\(n).log"), .live))) }
    #expect(few.sourceOrder.allSatisfy { few.diagnosisInterval(for: $0) == MonitorState.diagnosisInterval })
}
