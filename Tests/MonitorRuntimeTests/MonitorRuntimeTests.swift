import Foundation
import Testing
import Feeds
import Monitor
import MonitorRuntime
import RunModel
import TerminalCore
import TestSupport
import TrainingLog

/// A terminal in memory that types keys when the screen shows what it waits for.
final class ScriptedTerminal: TerminalBackend, @unchecked Sendable {
    private(set) var buffer: Buffer
    let colorCapability = ColorCapability.truecolor
    private var script: [(waitFor: String, key: InputEvent)]
    private(set) var frames = 0
    private(set) var screens: [String] = []

    init(size: Size, script: [(waitFor: String, key: InputEvent)]) {
        buffer = Buffer(size: size)
        self.script = script
    }

    var size: Size { buffer.size }
    var screen: String { buffer.lines.joined(separator: "\n") }

    func draw(_ changes: [(x: Int, y: Int, cell: Cell)]) {
        frames += 1
        for change in changes { buffer[change.x, change.y] = change.cell }
        screens.append(screen)
    }

    func readInput(timeout: Double?) -> InputEvent? {
        guard let next = script.first, screen.contains(next.waitFor) else { return nil }
        script.removeFirst()
        return next.key
    }

    func bell() {}
}

/// A source that posts a recorded log's events and then says it finished.
final class RecordedFeed: Feed, @unchecked Sendable {
    let id: SourceID
    let events: [TrainingEvent]
    init(id: String, events: [TrainingEvent]) {
        self.id = SourceID(id)
        self.events = events
    }
    func start(inbox: Inbox) {
        DispatchQueue.global().async { [id, events] in
            inbox.post(.state(id, .live))
            inbox.post(events.map { .event(id, $0) })
            inbox.post(.state(id, .finished))
        }
    }
    func stop() {}
}

/// A clock that moves a tenth of a second each time it is read, from 1,000 s.
final class SteppingClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now = 1_000.0
    func read() -> Double {
        lock.lock(); defer { lock.unlock() }
        now += 0.1
        return now
    }
}

@Test func theLoopDrawsARecordedRunItsDiagnosisAndQuitsOnQ() throws {
    let events = try LogLoader.load(at: Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path, format: nil).events
    let terminal = ScriptedTerminal(size: Size(width: 120, height: 40), script: [
        ("accuracy-on-regression", .character("w")),
        ("─ Warnings ", .character("q")),
    ])
    let clock = SteppingClock()
    let runtime = MonitorRuntime(clock: { clock.read() })
    var state = MonitorState(size: terminal.size)
    let status = runtime.run(state: &state, terminal: terminal, feeds: [RecordedFeed(id: "boston.log", events: events)])
    #expect(status == 0)
    // The diagnosis came back from the worker and was drawn, then the keys were answered.
    let run = try #require(state.runs[SourceID("boston.log")])
    #expect(run.findings.map(\.id).contains("accuracy-on-regression"))
    #expect(run.run.status() == .finished)
    #expect(state.mode == .warnings)
    #expect(terminal.screens.contains { $0.contains("boston.log · keras3 · finished") }, "\(terminal.screen)")
    #expect(terminal.screen.contains("─ Warnings "))
    // At most one frame per 1/30 s of the injected clock, which moves 0.1 s a read: the
    // number of frames is bounded by the reads, not by the 100 epochs delivered.
    #expect(terminal.frames < 100, "\(terminal.frames) frames")
}

@Test func aSignalEndsTheLoopWithItsStatus() {
    let terminal = ScriptedTerminal(size: Size(width: 80, height: 24), script: [])
    var arrived: Int32?
    let runtime = MonitorRuntime(receivedSignal: {
        defer { arrived = SIGTERM }
        return arrived
    })
    var state = MonitorState(size: terminal.size)
    #expect(runtime.run(state: &state, terminal: terminal, feeds: []) == 128 + SIGTERM)
}

/// A source that answers only after `delay` seconds.
final class LateFeed: Feed, @unchecked Sendable {
    let id: SourceID
    let delay: Double
    init(id: String, delay: Double) {
        self.id = SourceID(id)
        self.delay = delay
    }
    func start(inbox: Inbox) {
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [id] in
            inbox.post(.state(id, .following))
            inbox.post(.event(id, .epochEnded(EpochRecord(epoch: 1, of: 2, metrics: ["loss": 1]))))
        }
    }
    func stop() {}
}

@Test func runsAreListedInCommandLineOrderWhoeverAnswersFirst() {
    // The first source answers last; `t` is typed once all three are in the run bar.
    let terminal = ScriptedTerminal(size: Size(width: 120, height: 40), script: [
        ("a.log · following", .character("t")),
        ("─ Runs ", .character("q")),
    ])
    let runtime = MonitorRuntime()
    var state = MonitorState(size: terminal.size)
    let feeds = [LateFeed(id: "a.log", delay: 0.3), LateFeed(id: "b.log", delay: 0.15), LateFeed(id: "c.log", delay: 0)]
    #expect(runtime.run(state: &state, terminal: terminal, feeds: feeds) == 0)
    #expect(state.sourceOrder.map(\.rawValue) == ["a.log", "b.log", "c.log"])
    #expect(terminal.screens.contains { $0.contains(" 1 a.log · following   2 b.log · following   3 c.log · following") }, "\(terminal.screen)")
    // The table lists them in the same order.
    let rows = terminal.screen.split(separator: "\n").filter { $0.contains(".log") && $0.contains("following") }
    #expect(rows.map { $0.contains("a.log") ? "a" : $0.contains("b.log") ? "b" : "c" } == ["a", "b", "c"])
}
