import Testing
import Diagnostics
import Feeds
import TerminalCore
import TestSupport
import TrainingLog
import Widgets
@testable import Monitor

private func run(_ name: String = "k3_s1_seed_regression_accuracy", state sourceState: SourceState = .finished,
                 findings: [Finding]? = [], size: Size = Size(width: 80, height: 24)) throws -> MonitorState {
    RunFixtures.state(source: "run.log", events: try RunFixtures.epochEvents(csv: name), sourceState: sourceState,
                      size: size, findings: findings)
}

@Test func headerSaysReplayingAtItsSpeed() throws {
    let lines = MonitorView.render(try run(state: .replaying(speed: 20))).lines
    #expect(lines[0].contains("replaying at 20x"))
    #expect(lines.last?.contains("space pause") == true)
}

@Test func headerSaysWhyASourceIsReconnecting() throws {
    let lines = MonitorView.render(try run(state: .reconnecting(inSeconds: 4, reason: "connection refused"),
                                           size: Size(width: 120, height: 40))).lines
    #expect(lines[0].contains("reconnecting: connection refused; retrying in 4 s"))
}

@Test func newFindingLightsTheHeaderUntilTheFlashEnds() throws {
    var state = try run(findings: [RunFixtures.accuracyOnRegression])
    let flash = state.theme[.flash].background
    #expect(flash != state.theme[.headerBackground].background)
    #expect(MonitorView.render(state)[0, 0].style.background == flash)
    _ = state.tickSettled(state.clock + MonitorState.flashSeconds + 0.1)
    #expect(MonitorView.render(state)[0, 0].style.background != flash)
}

@Test func warningsViewListsFindingsAndEnterShowsTheFix() throws {
    var state = try run(findings: [RunFixtures.accuracyOnRegression])
    _ = state.perform(.warnings)
    var lines = MonitorView.render(state).lines
    #expect(lines.contains { $0.contains("error   accuracy-on-regression") })
    _ = state.perform(.details)
    lines = MonitorView.render(state).lines
    #expect(lines.contains { $0.contains("What Keras computed") })
    #expect(lines.contains { $0.contains("Use metrics=['mae']") })
}

@Test func helpOverlayListsEveryKeyOfTheKeyMap() throws {
    var state = try run(size: Size(width: 100, height: 30))
    _ = state.perform(.help)
    let text = MonitorView.render(state).lines.joined(separator: "\n")
    for binding in KeyMap.bindings { #expect(text.contains(binding.help), "help lacks \(binding.help)") }
}

@Test func severalSourcesGetARunBarAndArrowsSwitchRuns() throws {
    var state = try run()
    for event in try RunFixtures.epochEvents(csv: "k3_s4_multi_output_functional") {
        _ = state.update(.feed(.event(SourceID("two_heads.log"), event)))
    }
    _ = state.tickSettled(state.clock)
    var lines = MonitorView.render(state).lines
    #expect(lines[2].contains("1 run.log") && lines[2].contains("2 two_heads.log"))
    _ = state.perform(.previousPanel)
    #expect(state.focus == .runs)
    _ = state.update(.key(.character("l")))
    lines = MonitorView.render(state).lines
    #expect(lines[0].contains("two_heads.log"))
    #expect(lines.contains { $0.contains("out2_accuracy") })
}

@Test func asciiGlyphsWhenTheLocaleIsNotUTF8() throws {
    var events = try RunFixtures.epochEvents(csv: "k3_s1_seed_regression_accuracy")
    events.insert(.modelKnown(RunFixtures.bostonModel), at: 1)
    var state = RunFixtures.state(source: "boston.log", events: events)
    _ = state.perform(.down)
    state.unicode = false
    let text = MonitorView.render(state).lines.joined()
    #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
    #expect(text.contains("+-"))
    #expect(text.contains("binary_accuracy (p>0.5)==y"))
}

@Test func batchModeChartsTheRunningAveragesAsSteps() throws {
    var state = MonitorState(size: Size(width: 80, height: 24), diagnose: { _, _, _ in [] })
    let id = SourceID("live.log")
    _ = state.update(.feed(.event(id, .runStarted(RunStart(epochs: 3, format: .keras3)))))
    for step in 1...40 {
        _ = state.update(.feed(.event(id, .batchProgress(BatchProgress(epoch: 1, step: step, total: 40, metrics: ["loss": 1 / Double(step)])))))
    }
    _ = state.perform(.batchOrEpoch)
    let lines = MonitorView.render(state).lines
    #expect(lines.contains { $0.contains("step 40") })
    #expect(lines[1].contains("step 40/40"))
}

/// The header names the Keras that wrote the run when the format does not say it (issue 15):
/// a tf-keras `verbose=2` log is `keras-verbose2 · tf-keras`, a Keras 3 one `keras-verbose2 · keras3`.
@Test func headerNamesTheKerasThatWroteTheLog() throws {
    for (file, expected) in [("tfk_verbose2.pipe.log", "keras-verbose2 · tf-keras"),
                             ("k3_verbose2.pipe.log", "keras-verbose2 · keras3")] {
        let events = try LogLoader.events(at: Fixtures.url("keras-logs/\(file)").path, format: nil)
        let state = RunFixtures.state(source: "run.log", events: events, size: Size(width: 100, height: 30))
        #expect(MonitorView.render(state).lines[0].contains("run.log · \(expected) · finished"), "\(file)")
    }
}
