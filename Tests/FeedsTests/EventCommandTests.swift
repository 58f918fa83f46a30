import Foundation
import Testing
@testable import Feeds

/// `--on-event`'s command runner: the caller never waits for it, a hung command is stopped,
/// and a burst of events cannot start commands without bound.
@Suite struct EventCommandTests {
    /// Problems reported, collected from the runner's threads.
    final class Reports: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
    }

    @Test func theEventArrivesOnStdinAndSendReturnsAtOnce() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fitwatch-event-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: file) }
        let runner = EventCommand(command: "sleep 0.3; cat > '\(file.path)'")
        let reports = Reports()
        let start = Date()
        runner.send("{\"status\":\"finished\"}") { reports.add($0) }
        #expect(Date().timeIntervalSince(start) < 0.2, "send waited for the command")
        #expect(runner.wait(upTo: 5))
        #expect(try String(contentsOf: file, encoding: .utf8) == "{\"status\":\"finished\"}\n")
        #expect(reports.all.isEmpty)
    }

    @Test func aHungCommandIsStoppedAtItsTimeout() {
        let runner = EventCommand(command: "sleep 30", timeout: 0.3)
        let reports = Reports()
        let start = Date()
        runner.send("{}") { reports.add($0) }
        #expect(runner.wait(upTo: 5))
        #expect(Date().timeIntervalSince(start) < 4)
        #expect(reports.all == ["--on-event: 'sleep 30' still running after 0.3 s, stopped"])
    }

    @Test func pastTheLimitAnEventIsDroppedAndSaidSo() {
        let runner = EventCommand(command: "sleep 0.5", timeout: 5, limit: 1)
        let reports = Reports()
        runner.send("{}") { reports.add($0) }
        runner.send("{}") { reports.add($0) }
        #expect(runner.wait(upTo: 5))
        #expect(reports.all == ["--on-event: 1 command still running; an event was dropped"])
    }

    @Test func aCommandThatIgnoresStdinCannotHurtFitwatch() {
        let runner = EventCommand(command: "exit 0")
        let reports = Reports()
        runner.send(String(repeating: "x", count: 30_000)) { reports.add($0) }
        #expect(runner.wait(upTo: 5))
        #expect(reports.all.isEmpty)
    }
}
