import Foundation
import Testing
import TestSupport

/// `fitwatch export` end to end: the built binary, its stdout, stderr and exit status.
@Suite struct ExportCommandTests {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func fitwatch(_ arguments: [String]) throws -> Result {
        let binary = Fixtures.packageRoot.appendingPathComponent(".build/debug/fitwatch")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path),
                     "build the binary first: swift build (looked for \(binary.path))")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func exportsEveryEpochOfARealLogAsJSON() throws {
        let log = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.tty.log").path
        let result = try Self.fitwatch(["export", log])
        #expect(result.status == 0)
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let run = try #require((document["runs"] as? [[String: Any]])?.first)
        let epochs = try #require(run["epochs"] as? [[String: Any]])
        #expect(epochs.count == 100)
        let first = epochs[0]
        #expect(first["epoch"] as? Int == 1)
        #expect(first["of"] as? Int == 100)
        #expect(first["steps"] as? Int == 81)
        #expect(first["complete"] as? Bool == true)
        #expect((first["metrics"] as? [String: Any])?["val_loss"] as? Double == 12138.0996)
        #expect(run["format"] as? String == "keras3")
    }

    @Test func printedSummaryTableBecomesTheRunsModel() throws {
        let log = Fixtures.url("keras-logs/k3_s4_multi_output_functional.tty.log").path
        let result = try Self.fitwatch(["export", log])
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let model = try #require((document["runs"] as? [[String: Any]])?.first?["model"] as? [String: Any])
        #expect(model["name"] as? String == "two_heads")
        #expect(model["provenance"] as? String == "summary-table")
        #expect((model["layers"] as? [Any])?.count == 7)
    }

    @Test func missingFileIsOneLineOnStderrAndExitTwo() throws {
        let result = try Self.fitwatch(["export", "/no/such/run.log"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "fitwatch: /no/such/run.log: no such file or directory\n")
    }

    @Test func fileWithoutTrainingOutputGivesAnEmptyRunListAndANote() throws {
        let stderrLog = Fixtures.url("keras-logs/tfk_s2_bce_on_multiclass.pipe.stderr.log").path
        let result = try Self.fitwatch(["export", stderrLog])
        #expect(result.status == 0)
        #expect(result.stdout == "{\"runs\":[]}\n")
        #expect(result.stderr.hasPrefix("fitwatch: no training output found in"))
    }

    @Test func csvFormatWritesACSVLoggerTable() throws {
        let log = Fixtures.url("keras-logs/tfk_s9_long_run_300_epochs.pipe.log").path
        let result = try Self.fitwatch(["export", "--format", "csv", log])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first == "epoch,accuracy,loss,val_accuracy,val_loss")
        #expect(lines.count == 301)
        #expect(lines[1].hasPrefix("0,"))
    }
}
