import Foundation
import TestSupport
import TrainingLog

/// The streams Tests/Fixtures/fitwatch/scenarios.py wrote under one real Keras: run once
/// per test process and flavour (about 8 s for Keras 3 on 2 cores), shared by the tests.
struct ScenarioStreams: Sendable {
    /// Where the `<scenario>.fitwatch.jsonl` files are.
    let directory: URL

    /// The bytes of one scenario's stream.
    func bytes(_ scenario: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent("\(scenario).fitwatch.jsonl")))
    }

    /// One scenario's stream read by a fresh reader, with the reader afterwards (for its header).
    func read(_ scenario: String) throws -> (events: [TrainingEvent], reader: FitwatchStreamReader) {
        var reader = FitwatchStreamReader()
        let events = reader.feed(try bytes(scenario)) + reader.finish()
        return (events, reader)
    }

    /// One scenario's history, as the monitor would hold it.
    func history(_ scenario: String) throws -> RunHistory {
        var history = RunHistory()
        for event in try read(scenario).events { history.apply(event) }
        return history
    }

    /// The Keras 3 run, started by the first test that awaits it.
    static let keras3 = Task { try await runOffThePool(KerasPython.keras3) }
    /// The tf-keras run.
    static let tfKeras = Task { try await runOffThePool(KerasPython.tfKeras) }

    /// Waiting for Python blocks a thread for seconds: do it on a thread of its own, not on
    /// the 2-thread cooperative pool every other test of the suite shares.
    private static func runOffThePool(_ python: KerasPython) async throws -> ScenarioStreams {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: run(python)) }.start()
        }
    }

    /// Seconds one scenarios.py run may take before it is killed; it needs ~8 s (Keras 3)
    /// and ~15 s (tf-keras) here, so 300 s only catches a hang.
    static let timeout = 300.0

    private static func run(_ python: KerasPython) -> Result<ScenarioStreams, KerasPython.RunError> {
        do {
            let directory = try KerasPython.temporaryDirectory("keras-\(python.flavour)")
            let stderr = directory.appendingPathComponent("stderr.log")
            let process = try python.start(
                script: "scenarios.py",
                arguments: [directory.path, python.flavour, Fixtures.url("fitwatch/housing.csv").path],
                stderr: stderr)
            try KerasPython.wait(for: process, seconds: timeout, stderr: stderr)
            // The last scenario ends in an uncaught KeyboardInterrupt on purpose (exit status 1);
            // done.txt marks that everything before it ran.
            guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("done.txt").path) else {
                return .failure(KerasPython.RunError(
                    description: "scenarios.py (\(python.flavour)) failed with status \(process.terminationStatus): \(KerasPython.tail(of: stderr))"))
            }
            return .success(ScenarioStreams(directory: directory))
        } catch let error as KerasPython.RunError {
            return .failure(error)
        } catch {
            return .failure(KerasPython.RunError(description: "\(error)"))
        }
    }
}
