import Foundation
import Testing
import TestSupport

/// `fitwatch --jsonl` on a sweep: every run under a local directory and a remote one, each
/// record naming its run, and a remote run's its host.
struct SweepSourceTests {
    /// An "ssh" that runs the remote command here, as the login shell on the host would.
    static let localSSH = "f() { for a; do c=$a; done; exec sh -c \"$c\"; }; f"

    @Test func jsonLinesNameEveryRunAndTheHostOfRemoteOnes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fw-sweep-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fm = FileManager.default
        for name in ["local/lr=0.1", "local/lr=0.01", "remote/seed=1", "remote/seed=2"] {
            try fm.createDirectory(atPath: directory + "/" + name, withIntermediateDirectories: true)
        }
        let log = Fixtures.url("keras-logs/keras122_verbose2.log").path
        for name in ["local/lr=0.1", "local/lr=0.01", "remote/seed=1", "remote/seed=2"] { try fm.copyItem(atPath: log, toPath: "\(directory)/\(name)/train.log") }
        let result = try FeedsCLI.run(["--jsonl", directory + "/local", "gpu7:\(directory)/remote/"],
                                      environment: ["FITWATCH_SSH_COMMAND": Self.localSSH], timeout: 30) { process in
            usleep(4_000_000)
            kill(process.processIdentifier, SIGTERM)
        }
        #expect(result.status == 143, "\(result.stderr)")
        var epochs: [String: [Int]] = [:]
        var hosts: [String: String] = [:]
        for object in result.objects {
            guard let source = object["source"] as? String else { continue }
            if let host = object["host"] as? String { hosts[source] = host }
            if let epoch = object["epoch"] as? Int { epochs[source, default: []].append(epoch) }
        }
        #expect(epochs == ["lr=0.1/train.log": [1, 2, 3], "lr=0.01/train.log": [1, 2, 3], "gpu7:seed=1/train.log": [1, 2, 3], "gpu7:seed=2/train.log": [1, 2, 3]],
                "\(result.stdout)")
        #expect(hosts == ["gpu7:seed=1/train.log": "gpu7", "gpu7:seed=2/train.log": "gpu7"], "only remote runs say a host")
        #expect(result.objects.contains { $0["source"] as? String == "gpu7:seed=1/train.log" && $0["reading"] as? String == "seed=1/train.log" })
    }

    /// More than 20 runs: headless output diagnoses each at most every half second while it
    /// goes on (a sweep of 500 was diagnosed run by run on every drain). Every run's findings
    /// still come, the same as `check` gives for the log, once each.
    @Test func aSweepOfThirtyRunsGetsEveryRunsFindingsOnce() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fw-sweep30-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path
        for n in 1...30 {
            try FileManager.default.createDirectory(atPath: "\(directory)/seed=\(n)", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: log, toPath: "\(directory)/seed=\(n)/train.log")
        }
        let result = try FeedsCLI.run(["--jsonl", directory], timeout: 40) { process in
            usleep(6_000_000)
            kill(process.processIdentifier, SIGTERM)
        }
        var findings: [String: [String]] = [:]
        for object in result.objects {
            guard let source = object["source"] as? String, let finding = object["finding"] as? [String: Any],
                  let id = finding["id"] as? String else { continue }
            findings[source, default: []].append(id)
        }
        #expect(findings.count == 30, "\(findings.keys.sorted())")
        for (source, ids) in findings {
            #expect(ids.sorted() == ["accuracy-on-regression", "compile-metrics-name", "stuck-metric"], "\(source): \(ids)")
        }
        #expect(result.objects.filter { $0["status"] as? String == "finished" }.count == 30)
    }
}
