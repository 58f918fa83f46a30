import Foundation
import Testing
import TestSupport

/// Issue 16 as a user meets it: `fitwatch check` on a healthy Keras 3 classifier whose
/// val_precision is 1.0000 in every epoch exits 0 with no findings, alone and with the model
/// file, and so does every healthy run recorded, checked together as a CI job would.
@Suite struct HealthyCheckTests {
    @Test func theIssuesRunExitsZeroAloneAndWithItsModel() throws {
        let log = Fixtures.url("healthy/k3_cancer_binary.pipe.log").path
        let model = Fixtures.url("healthy/k3_cancer_binary.keras").path
        for arguments in [["check", log], ["check", "--model", model, log]] {
            let outcome = try ContractTests.fitwatch(arguments)
            #expect(outcome.status == 0, "\(arguments)")
            #expect(outcome.stdout.contains("k3_cancer_binary.pipe.log: finished, no findings"), "\(outcome.stdout)")
            #expect(outcome.stderr.isEmpty)
        }
    }

    @Test func everyHealthyRunTogetherExitsZero() throws {
        let folder = Fixtures.url("healthy")
        let logs = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".log") }.sorted().map { folder.appendingPathComponent($0).path }
        #expect(logs.count >= 17)
        let outcome = try ContractTests.fitwatch(["check"] + logs, timeout: 60)
        #expect(outcome.status == 0, "\(outcome.stdout)")
        #expect(outcome.stdout.hasSuffix("\(logs.count) runs checked: 0 errors, 0 warnings, 0 info\n"), "\(outcome.stdout.suffix(200))")
    }
}
