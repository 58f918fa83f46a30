import Foundation
import Testing
import TestSupport

/// `fitwatch check` as scripts and CI jobs use it: the exit status says whether anything was
/// found, and `--json` carries the finding with its confidence.
@Suite struct CheckCommandTests {
    @Test func aHealthyRunExitsZeroAndSaysNoFindings() throws {
        let log = Fixtures.url("keras-logs/tfk_s9_long_run_300_epochs.pipe.log").path
        let outcome = try ContractTests.fitwatch(["check", log])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("no findings"))
        #expect(outcome.stderr.isEmpty)
    }

    @Test func theModelFileMakesAConfigFindingCertainInJSON() throws {
        let model = Fixtures.url("models/k3_bce_multiclass.keras").path
        let log = Fixtures.url("models/k3_bce_multiclass.log").path
        let outcome = try ContractTests.fitwatch(["check", "--json", "--model", model, log])
        #expect(outcome.status == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let runs = try #require(document["runs"] as? [[String: Any]])
        let warnings = try #require(runs.first?["warnings"] as? [[String: Any]])
        let finding = try #require(warnings.first { $0["id"] as? String == "binary-crossentropy-multiclass" })
        #expect(finding["confidence"] as? String == "certain")
        #expect(finding["severity"] as? String == "warning")
        #expect((finding["fix"] as? String)?.contains("categorical_crossentropy") == true)
    }
}

/// `fitwatch train --headless` keeps Keras's bytes on stdout and says what it found on stderr:
/// before, the demo's whole point (the accuracy warning) was invisible without the screen.
@Suite struct HeadlessTrainTests {
    @Test func theBostonDemoPrintsKerasProgressAndItsWarningOnStderr() throws {
        let outcome = try ContractTests.fitwatch(["train", "boston-accuracy", "--headless"], timeout: 120)
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("Epoch 100/100"))
        #expect(outcome.stdout.contains("val_accuracy: 0.0000e+00"))
        let lines = outcome.stderr.split(separator: "\n")
        #expect(lines.first == "fitwatch: warning accuracy-on-regression epoch 1: 'accuracy' on a regression output measures nothing (certain)")
        #expect(lines.filter { $0.contains("accuracy-on-regression") }.count == 1, "each finding once")
    }
}
