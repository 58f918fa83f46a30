import Testing
import RunModel
import TerminalCore
import TrainingLog
@testable import Monitor

/// The metrics panel before the first epoch: a source whose lines are none of them Keras's (a
/// binary file, the wrong log) says so; one that has said nothing yet just waits.
@Suite struct NoEpochsYetTests {
    static func screen(_ events: [TrainingEvent]) -> String {
        text(of: RunFixtures.state(source: "garbage.bin", events: events, sourceState: .live, size: Size(width: 100, height: 24)))
    }

    static func text(of state: MonitorState) -> String {
        let frame = MonitorView.render(state)
        return (0..<frame.size.height).map { y in
            (0..<frame.size.width).map { String(frame[$0, y].character) }.joined()
        }.joined(separator: "\n")
    }

    @Test func linesThatAreNotKerasOutputAreSaidSo() {
        let screen = Self.screen([.noise("\u{1}\u{7f}ELF binary"), .noise("GET / HTTP/1.1")])
        #expect(screen.contains("no epochs yet: nothing read so far is Keras output"), "\(screen)")
        // A file's lines are not in the output pane (a wrapped command's are): no key to offer.
        #expect(!screen.contains("(o shows it)"), "\(screen)")
    }

    @Test func aWrappedCommandsOutputIsOneKeyAway() {
        var state = RunFixtures.state(source: "python train.py", events: [.noise("Traceback (most recent call last):")],
                                      sourceState: .live, size: Size(width: 100, height: 24))
        _ = state.update(.feed(.output(SourceID("python train.py"), "Traceback (most recent call last):")))
        let screen = Self.text(of: state)
        #expect(screen.contains("no epochs yet: nothing read so far is Keras output (o shows it)"), "\(screen)")
    }

    @Test func aSourceThatSaidNothingYetOnlyWaits() {
        let screen = Self.screen([])
        #expect(screen.contains("no epochs yet"), "\(screen)")
        #expect(!screen.contains("is Keras output"), "\(screen)")
        // A run that started (Keras printed its first line) is not called unreadable.
        let started = Self.screen([.noise("some warning"), .runStarted(RunStart(epochs: 10, format: .keras3))])
        #expect(started.contains("no epochs yet") && !started.contains("is Keras output"), "\(started)")
    }
}
