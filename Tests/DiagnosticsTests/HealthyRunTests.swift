import RunModel
import Foundation
import Testing
import KerasModel
import TestSupport
import TrainingLog
@testable import Diagnostics

// Healthy real runs (Tests/Fixtures/healthy, recorded by healthy/record/healthy.py under
// Keras 3.15.1 on JAX and tf-keras 2.21): a warning on any of them is a false alarm (issue 16).

/// Every recorded healthy log: `NAME.pipe.log` (stdout and stderr on one pipe) and `NAME.tty.log`.
private func healthyLogs() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: Fixtures.url("healthy").path)
        .filter { $0.hasSuffix(".log") }.sorted()
}

/// `k3_cancer_binary.pipe.log` -> `k3_cancer_binary`.
private func runName(_ log: String) -> String {
    String(log.split(separator: ".").first ?? "")
}

private func healthyModel(_ name: String) throws -> ModelGraph {
    try ModelFileReader.read(path: Fixtures.url("healthy/\(name).keras").path)
}

private func check(_ log: String, model: ModelGraph?) throws -> [CheckedRun] {
    let events = try LogLoader.events(at: Fixtures.url("healthy/\(log)").path, format: nil)
    return CheckedRun.runs(events: events, model: model)
}

/// The History Keras handed to callbacks (the recorder ran last), from `NAME.pipe.truth.json`.
private func truthHistory(_ name: String) throws -> RunHistory {
    let data = try Fixtures.data("healthy/\(name).pipe.truth.json")
    let truth = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let fits = try #require(truth["fits"] as? [[String: Any]])
    let fit = try #require(fits.first)
    let columns = try #require(fit["history"] as? [String: [Double]])
    let epochs = try #require(fit["epochs"] as? [Int])
    var history = RunHistory()
    history.apply(.runStarted(RunStart(epochs: fit["epochs_requested"] as? Int,
                                       format: name.hasPrefix("k3") ? .keras3 : .keras2)))
    for (row, epoch) in epochs.enumerated() {
        var metrics = MetricValues()
        for key in columns.keys.sorted() { metrics[key] = columns[key]?[row] ?? .nan }
        history.apply(.epochEnded(EpochRecord(epoch: epoch, of: fit["epochs_requested"] as? Int, metrics: metrics)))
    }
    return history
}

private func serious(_ findings: [Finding]) -> [String] {
    findings.filter { $0.severity >= .warning }.map { "\($0.severity.rawValue) \($0.id): \($0.title)" }
}

@Test func everyHealthyLogIsQuietAloneAndWithItsModel() throws {
    let logs = try healthyLogs()
    // 15 pipe captures (10 Keras 3, 5 tf-keras) and 2 terminal captures.
    #expect(logs.count == 17)
    for log in logs {
        let model = try healthyModel(runName(log))
        for reading in [nil, model] {
            let runs = try check(log, model: reading)
            #expect(runs.count == 1, "\(log)")
            // The reader must have seen the run, or silence would prove nothing.
            #expect((runs.first?.history.epochs.filter(\.complete).count ?? 0) >= 5, "\(log)")
            #expect(serious(runs.flatMap(\.findings)).isEmpty, "\(log) \(reading == nil ? "alone" : "with its model")")
        }
    }
}

@Test func everyHealthyLogIsQuietAfterEveryEpoch() throws {
    // The monitor recomputes the findings as the log arrives: a healthy run must not show a
    // warning halfway either. Checked at each epoch boundary, with the callback messages Keras
    // printed after the epoch's last line (Keras 3.15 prints EarlyStopping's "Restoring model
    // weights" there, just before the next "Epoch N/M" or the end).
    let logs = try healthyLogs().filter { $0.hasSuffix(".pipe.log") }
    #expect(logs.count == 15)
    for log in logs {
        let model = try healthyModel(runName(log))
        var history = RunHistory()
        var checked = 0
        func expectQuiet() {
            guard let epoch = history.epochs.last(where: \.complete)?.epoch else { return }
            checked += 1
            for reading in [nil, model] {
                let found = serious(Diagnostics.findings(history: history, model: reading, flavour: nil))
                #expect(found.isEmpty, "\(log) after epoch \(epoch) \(reading == nil ? "alone" : "with its model"): \(found)")
            }
        }
        for event in try LogLoader.events(at: Fixtures.url("healthy/\(log)").path, format: nil) {
            if case .epochBegan = event { expectQuiet() }
            history.apply(event)
        }
        expectQuiet()
        #expect(checked >= 5, "\(log)")
    }
}

@Test func theIssuesRunHasPerfectValidationPrecisionAndNoFinding() throws {
    // Keras 3, breast cancer, sigmoid output, AUC/Precision/Recall/accuracy: the model never
    // called a validation sample positive wrongly, so val_precision printed 1.0000 every epoch
    // while val_loss fell. fitwatch used to call that a stuck metric.
    for log in ["k3_cancer_binary.pipe.log", "k3_cancer_binary.tty.log"] {
        let runs = try check(log, model: nil)
        let history = try #require(runs.first?.history)
        let precision = history.epochs.compactMap { $0.metrics["val_precision"] }
        #expect(precision.count == 30 && precision.allSatisfy { $0 == 1 }, "\(log)")
        let loss = history.epochs.compactMap { $0.metrics["val_loss"] }
        #expect((loss.first ?? 0) > 2 * (loss.last ?? 0), "\(log)")
        #expect(runs[0].findings.isEmpty, "\(log): \(ids(runs[0].findings))")
    }
}

@Test func aTinyValidationSetHoldsItsAccuracyWhileTrainingMoves() throws {
    // Keras 3, wine, 18 validation samples: 17 of them right in every epoch (0.9444) while the
    // training accuracy climbs and val_loss falls. fitwatch used to call val_accuracy stuck.
    let runs = try check("k3_wine_tiny_validation.pipe.log", model: nil)
    let history = try #require(runs.first?.history)
    #expect(history.epochs.compactMap { $0.metrics["val_accuracy"] } == Array(repeating: 0.9444, count: 20))
    #expect(Set(history.epochs.compactMap { $0.metrics["accuracy"] }).count > 5)
    #expect(runs[0].findings.isEmpty, "\(ids(runs[0].findings))")
}

@Test func healthyLogsCarryTheEpochsKerasRecorded() throws {
    // The log-only reading sees every epoch History saw, with the same values to Keras's 4 decimals.
    for log in try healthyLogs() where log.hasSuffix(".pipe.log") {
        let truth = try truthHistory(runName(log))
        let read = try #require(try check(log, model: nil).first?.history)
        let epochs = read.epochs.filter(\.complete)
        #expect(epochs.count == truth.epochs.count, "\(log)")
        for (printed, exact) in zip(epochs, truth.epochs) {
            // ReduceLROnPlateau adds the learning rate to the logs after the progress bar printed them.
            for (key, value) in exact.metrics where value.isFinite && !Diagnostics.settingNames.contains(key) {
                let shown = try #require(printed.metrics[key], "\(log) epoch \(exact.epoch) \(key)")
                #expect(abs(shown - value) <= max(0.00005, abs(value) * 0.0005), "\(log) epoch \(exact.epoch) \(key)")
            }
        }
    }
}
