import Foundation
import Testing
import TestSupport

/// The screen states only what is so (issue 11's list, each seen in a real terminal).
@Suite(.enabled(if: TmuxSession.available, "tmux is not installed"))
struct OneTruthScreenTests {
    /// A wrapped command that prints a real Keras log and then exits with status 3.
    static func crashingCommand() -> [String] {
        let log = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path
        return ["run", "--", "sh", "-c", "cat \(TmuxSession.quote(log)); echo 'Traceback (most recent call last):'; echo 'ValueError: boom'; exit 3"]
    }

    @Test func aWrappedCommandThatCrashesIsShownFailedNotFinished() throws {
        let session = try TmuxSession(arguments: Self.crashingCommand(), width: 120, height: 40)
        defer { session.kill() }
        let failed = session.waitFor { $0.contains("failed: exited with status 3") }
        #expect(failed.ok, "the header does not say the command failed:\n\(failed.screen)")
        #expect(!failed.screen.split(separator: "\n").first!.contains("finished"), "\(failed.screen)")
        session.send("q")
        // The exit summary left on the normal screen says the same.
        let summary = session.waitFor { $0.contains("EXIT=") }
        #expect(summary.screen.contains("failed: exited with status 3 · 100/100 epochs"), "\(summary.screen)")
        #expect(summary.screen.contains("EXIT=3"), "\(summary.screen)")
    }

    @Test func theDemosElapsedTimeIsTheWallClock() throws {
        // The training core prints 0s per epoch; its header used to read 0:00 throughout.
        let session = try TmuxSession(arguments: [], width: 120, height: 40)
        defer { session.kill() }
        let moving = session.waitFor(timeout: 30) { $0.contains("elapsed 0:03") || $0.contains("elapsed 0:04") }
        #expect(moving.ok, "elapsed does not count the wall clock:\n\(moving.screen)")
        session.send("q")
        let summary = session.waitFor { $0.contains("EXIT=") }
        #expect(summary.screen.contains("demo: boston-accuracy: "), "no exit summary:\n\(summary.screen)")
        #expect(summary.screen.contains("accuracy-on-regression"), "\(summary.screen)")
    }

    @Test func earlyStoppingTheRestoredEpochAndLearningRateChangesAreOnScreen() throws {
        // The first `fit` of the recorded callbacks run: ReduceLROnPlateau at epochs 4-6,
        // EarlyStopping at 6, best weights of epoch 3 restored.
        let text = try String(contentsOf: Fixtures.url("keras-logs/k3_callbacks.pipe.log"), encoding: .utf8)
        let firstFit = text.components(separatedBy: "Epoch 1/2")[0]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fitwatch-truth-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("callbacks.log")
        try Data(firstFit.utf8).write(to: log)
        let session = try TmuxSession(arguments: ["replay", "--instant", log.path], width: 160, height: 40)
        defer { session.kill() }
        let drawn = session.waitFor { $0.contains("E 6: early stop") }
        #expect(drawn.ok, "no events line:\n\(drawn.screen)")
        #expect(drawn.screen.contains("early-stopped at epoch 6, best epoch 3 restored"), "header:\n\(drawn.screen)")
        #expect(drawn.screen.contains("R 3: best weights restored"), "\(drawn.screen)")
        #expect(drawn.screen.contains("L 4,5,6: lr "), "\(drawn.screen)")
        // The x axis carries the letters: E where the run stopped, R at the restored epoch.
        let axis = drawn.screen.split(separator: "\n").first { $0.contains("└") && $0.contains("E") }
        #expect(axis?.contains("R") == true, "no marks on the x axis:\n\(drawn.screen)")
        session.send("q")
        let summary = session.waitFor { $0.contains("EXIT=") }
        #expect(summary.screen.contains("callbacks.log: early-stopped at epoch 6, best epoch 3 restored · 6/40 epochs"), "\(summary.screen)")
    }
}
