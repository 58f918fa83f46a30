import Testing
import Feeds
import TerminalCore
import TrainingLog
import Widgets
@testable import Monitor

/// Seeking a replay to an epoch: `:` then digits then Enter, Home and End.
@Suite struct SeekTests {
    static let id = SourceID("boston.log")

    static func replay(_ sourceState: SourceState = .replaying(speed: 20)) throws -> MonitorState {
        RunFixtures.state(source: id.rawValue, events: try RunFixtures.epochEvents(csv: "k3_s1_seed_regression_accuracy"),
                          sourceState: sourceState)
    }

    static func type(_ text: String, into state: inout MonitorState) -> [Effect] {
        var effects: [Effect] = []
        for character in text { effects += state.update(.key(.character(character))) }
        return effects
    }

    @Test func colonDigitsEnterSeeksTheReplayToThatEpoch() throws {
        var state = try Self.replay()
        #expect(Self.type(":42", into: &state) == [])
        #expect(state.seekEntry == "42")
        #expect(StatusLineView(state: state).entries.first.map { "\($0.0) \($0.1)" } == "seek to epoch: 42_")
        #expect(MonitorView.render(state).lines.last?.contains("seek to epoch: 42_") == true)
        #expect(state.update(.key(.enter)) == [.control(Self.id, .seek(epoch: 42))])
        #expect(state.seekEntry == nil)
    }

    @Test func lettersUnderThePromptDoNotSwitchViewsAndEscapeCancels() throws {
        var state = try Self.replay()
        _ = Self.type(":1g0q", into: &state)
        #expect(state.seekEntry == "10")
        #expect(state.mode == .chart)
        _ = state.update(.key(.backspace))
        #expect(state.seekEntry == "1")
        #expect(state.update(.key(.escape)) == [])
        #expect(state.seekEntry == nil)
        // Enter on an empty prompt seeks nowhere.
        _ = Self.type(":", into: &state)
        #expect(state.update(.key(.enter)) == [])
        // Ctrl-C still quits from the prompt.
        _ = Self.type(":7", into: &state)
        #expect(state.update(.key(.interrupt)) == [.quit])
    }

    @Test func homeAndEndSeekToTheFirstAndPastTheLastEpoch() throws {
        var state = try Self.replay(.paused)
        // `.paused` after `.replaying`: still a replay.
        _ = state.update(.feed(.state(Self.id, .replaying(speed: 1))))
        _ = state.update(.feed(.state(Self.id, .paused)))
        #expect(state.update(.key(.home)) == [.control(Self.id, .seek(epoch: 1))])
        #expect(state.update(.key(.end)) == [.control(Self.id, .seek(epoch: Int.max))])
    }

    @Test func aSourceThatIsNotAReplayOpensNoPrompt() throws {
        var state = try Self.replay(.following)
        _ = Self.type(":", into: &state)
        #expect(state.seekEntry == nil)
        #expect(state.update(.key(.end)) == [])
        #expect(!StatusLineView(state: state).entries.contains { $0.0 == ":" })
    }

    @Test func helpListsTheSeekKeysAndStillFitsAt80x24() throws {
        var state = try Self.replay()
        _ = state.update(.key(.character("?")))
        let screen = MonitorView.render(state).lines.joined(separator: "\n")
        #expect(screen.contains("Home End"))
        #expect(screen.contains("seek to epoch"))
        // The last binding and the footer are both on screen.
        #expect(screen.contains("any key closes this"))
    }
}

/// After a replay finished (or while paused) `+` and `-` still start from the speed it played
/// at, and the seek keys still seek.
@Test func speedAndSeekKeysWorkAfterTheReplayEnded() throws {
    var state = try SeekTests.replay(.replaying(speed: 20))
    _ = state.update(.feed(.state(SeekTests.id, .finished)))
    #expect(state.update(.key(.character("+"))) == [.control(SeekTests.id, .speed(40))])
    #expect(state.update(.key(.character("-"))) == [.control(SeekTests.id, .speed(10))])
    #expect(state.update(.key(.home)) == [.control(SeekTests.id, .seek(epoch: 1))])
    _ = SeekTests.type(":7", into: &state)
    #expect(state.update(.key(.enter)) == [.control(SeekTests.id, .seek(epoch: 7))])
}

/// Seeking back: the screen shows one run of the log, not a finished one and a second fit.
@Suite struct RewindTests {
    @Test func aRewoundReplayIsOneFitFromItsStart() throws {
        let id = SeekTests.id
        let events = try RunFixtures.epochEvents(csv: "k3_s1_seed_regression_accuracy")
        var state = try SeekTests.replay()
        #expect(state.runs[id]?.history.epochs.count == 100)
        _ = state.update(.feed(.rewound(id)))
        let firstTen = events.prefix { event in
            if case .epochEnded(let record) = event { return record.epoch <= 10 }
            return true
        }
        for event in firstTen { _ = state.update(.feed(.event(id, event))) }
        let run = try #require(state.runs[id])
        #expect(run.run.fitNumber == 1)
        #expect(run.history.epochs.map(\.epoch) == Array(1...10))
        let screen = MonitorView.render(state).lines.joined(separator: "\n")
        #expect(!screen.contains("fit 2"), "\(screen)")
        #expect(screen.contains("epoch 10/100"))
    }
}

/// The paused training core offers what it does: resume and one more epoch, not a replay's
/// speed keys (`+`/`-` did nothing there).
@Test func thePausedTrainingCoreOffersResumeAndStepButNoSpeed() throws {
    let core = RunFixtures.state(source: "demo", events: try RunFixtures.epochEvents(csv: "k3_s1_seed_regression_accuracy"),
                                 sourceState: .paused)
    let keys = StatusLineView(state: core).entries.map(\.0)
    #expect(keys.contains("space") && keys.contains("n"))
    #expect(!keys.contains("+ -"))
    var replay = try SeekTests.replay()
    _ = replay.update(.feed(.state(SeekTests.id, .paused)))
    #expect(StatusLineView(state: replay).entries.map(\.0).contains("+ -"))
}
