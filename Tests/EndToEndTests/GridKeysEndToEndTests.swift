import Foundation
import Testing
import TestSupport

/// The grid, the metric filter, the x axes and the saved screen state on the real binary in
/// tmux: a replay of the Keras two-heads log (five metric families, printed epoch times).
@Suite struct GridKeysEndToEndTests {
    static var twoHeads: String { Fixtures.url("keras-logs/k3_s4_multi_output_functional.pipe.log").path }

    @Test func aOpensTheGridArrowsAndEnterOpenOneEscComesBack() throws {
        let session = try TmuxSession(arguments: ["replay", "--instant", Self.twoHeads], width: 120, height: 40)
        defer { session.kill() }
        #expect(session.waitFor { $0.contains("epoch 20/20") && $0.contains("best@epoch") }.ok)
        session.send("a")
        let grid = session.waitFor { $0.contains("Charts · 5") && $0.contains("▶ loss") && $0.contains("out2_accuracy ↑") }
        #expect(grid.ok, "\(grid.screen)")
        #expect(!grid.screen.contains("best@epoch"))
        session.send("Right", "Right")
        #expect(session.waitFor { $0.contains("▶ out1_mae") }.ok)
        session.send("Enter")
        let chart = session.waitFor { $0.contains("┌─ out1_mae ─") && $0.contains("best@epoch") && $0.contains("back to grid") }
        #expect(chart.ok, "\(chart.screen)")
        session.send("Escape")
        let back = session.waitFor { $0.contains("Charts · 5") && $0.contains("▶ out1_mae") }
        #expect(back.ok, "\(back.screen)")
        session.send("q")
        #expect(session.waitFor { $0.contains("EXIT=0") }.ok)
    }

    @Test func slashFiltersTheMetricsAsTheUserTypes() throws {
        let session = try TmuxSession(arguments: ["replay", "--instant", Self.twoHeads], width: 120, height: 40)
        defer { session.kill() }
        #expect(session.waitFor { $0.contains("epoch 20/20") && $0.contains("out2_accuracy") }.ok)
        session.send("/")
        #expect(session.waitFor { $0.contains("filter metrics /") }.ok)
        session.send("O", "U", "T", "2")
        let typed = session.waitFor { $0.contains("Metrics /OUT2/ · 2 of 5") && $0.contains("filter metrics / OUT2_") }
        #expect(typed.ok, "\(typed.screen)")
        #expect(!typed.screen.contains("│ out1_mae ↓") && !typed.screen.contains("│ loss ↓"))
        // An unbalanced parenthesis: said in the prompt, the last valid filter stays.
        session.send("(")
        let invalid = session.waitFor { $0.contains("invalid:") && $0.contains("kept /OUT2/") }
        #expect(invalid.ok, "\(invalid.screen)")
        session.send("BSpace", "Enter")
        session.send("a")
        let grid = session.waitFor { $0.contains("Charts /OUT2/ · 2 of 5") }
        #expect(grid.ok, "\(grid.screen)")
        session.send("/", "Escape")
        #expect(session.waitFor { $0.contains("Charts · 5") }.ok)
        session.send("q")
        #expect(session.waitFor { $0.contains("EXIT=0") }.ok)
    }

    @Test func xCyclesTheAxisAndTheCursorFollowsIt() throws {
        let session = try TmuxSession(arguments: ["replay", "--instant", Self.twoHeads], width: 120, height: 40)
        defer { session.kill() }
        #expect(session.waitFor { $0.contains("epoch 20/20") && $0.contains("epoch 20") }.ok)
        session.send("x")
        // Keras printed 20 steps an epoch: epoch 20 ends at step 400.
        let step = session.waitFor { $0.contains("x: step") && $0.contains("step 400") }
        #expect(step.ok, "\(step.screen)")
        session.send("x", "v")
        let time = session.waitFor { $0.contains("x: time") && $0.range(of: #"│ [0-9.:hms]+ \(epoch 20\)"#, options: .regularExpression) != nil }
        #expect(time.ok, "\(time.screen)")
        // A printed log has no wall times: the title says so, the axis stays on epochs.
        session.send("x")
        let wall = session.waitFor { $0.contains("x: epoch, no wall times") && $0.contains("│ epoch 20 ") }
        #expect(wall.ok, "\(wall.screen)")
        session.send("q")
        #expect(session.waitFor { $0.contains("EXIT=0") }.ok)
    }

    @Test func theScreenStateComesBackOnTheNextStartAndFreshStartsOver() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("fw-state-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: state) }
        let environment = ["XDG_STATE_HOME": state.path]
        let first = try TmuxSession(arguments: ["replay", "--instant", Self.twoHeads], width: 120, height: 40, environment: environment)
        #expect(first.waitFor { $0.contains("epoch 20/20") }.ok)
        // Smoothing 0.6, full range, the time axis, the grid.
        first.send("s", "r", "x", "x", "a")
        #expect(first.waitFor { $0.contains("Charts · 5") && $0.contains("EMA 0.6") && $0.contains("x: time") }.ok)
        first.send("q")
        #expect(first.waitFor { $0.contains("EXIT=0") }.ok)
        first.kill()
        let files = (try? FileManager.default.contentsOfDirectory(atPath: state.appendingPathComponent("fitwatch").path)) ?? []
        #expect(files.count == 1 && files[0].hasSuffix(".state"), "\(files)")

        // The same source, typed another way (a relative path through `..`), starts as it was left.
        let directory = URL(fileURLWithPath: Self.twoHeads).deletingLastPathComponent()
        let relative = "../" + directory.lastPathComponent + "/" + URL(fileURLWithPath: Self.twoHeads).lastPathComponent
        let second = try TmuxSession(arguments: ["replay", "--instant", directory.appendingPathComponent(relative).path],
                                     width: 120, height: 40, environment: environment)
        let restored = second.waitFor { $0.contains("Charts · 5") && $0.contains("full range") && $0.contains("EMA 0.6") && $0.contains("x: time") }
        #expect(restored.ok, "\(restored.screen)")
        second.send("q")
        #expect(second.waitFor { $0.contains("EXIT=0") }.ok)
        second.kill()

        // --fresh: the defaults (the chart view, no options).
        let fresh = try TmuxSession(arguments: ["replay", "--instant", "--fresh", Self.twoHeads], width: 120, height: 40, environment: environment)
        defer { fresh.kill() }
        let defaults = fresh.waitFor { $0.contains("epoch 20/20") && $0.contains("best@epoch") }
        #expect(defaults.ok && !defaults.screen.contains("EMA") && !defaults.screen.contains("Charts ·"), "\(defaults.screen)")
        fresh.send("q")
        #expect(fresh.waitFor { $0.contains("EXIT=0") }.ok)
    }

    @Test func aCorruptStateFileIsIgnoredWithOneLineAfterTheScreenCloses() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("fw-state-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: state) }
        let environment = ["XDG_STATE_HOME": state.path]
        // A first run writes the state file; then it is overwritten with garbage.
        let first = try TmuxSession(arguments: ["replay", "--instant", Self.twoHeads], width: 100, height: 30, environment: environment)
        #expect(first.waitFor { $0.contains("epoch 20/20") }.ok)
        first.send("q")
        #expect(first.waitFor { $0.contains("EXIT=0") }.ok)
        first.kill()
        let folder = state.appendingPathComponent("fitwatch")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first)
        try Data("{ not a state file }\n".utf8).write(to: folder.appendingPathComponent(name))

        let second = try TmuxSession(arguments: ["replay", "--instant", Self.twoHeads], width: 100, height: 30, environment: environment)
        defer { second.kill() }
        let screen = second.waitFor { $0.contains("epoch 20/20") && $0.contains("best@epoch") }
        #expect(screen.ok, "\(screen.screen)")
        second.send("q")
        let after = second.waitFor { $0.contains("EXIT=0") }
        #expect(after.ok)
        let notes = after.screen.split(separator: "\n").filter { $0.contains("state file") }
        #expect(notes.count == 1 && notes[0].contains("not a fitwatch state file") && notes[0].contains("started with defaults"), "\(after.screen)")
        // The good state written on exit replaces the corrupt one.
        let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        #expect(text.hasPrefix("fitwatch-state 1\n"))
    }
}
