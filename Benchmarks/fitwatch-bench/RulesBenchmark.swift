import Diagnostics
import Foundation
import RunModel
import KerasModel
import TrainingLog

/// `fitwatch-bench rules`: precision and recall of every rule over the recorded real runs, so a
/// change that buys recall with false alarms (or the reverse) shows. Each log is read as
/// `fitwatch check` reads it, alone and with its model file when there is one; every id found is
/// compared with the ids the run is known to deserve (its pathology and the consequences the
/// numbers show; nothing for the healthy runs). A found id not deserved is a false positive, a
/// deserved id not found a false negative. Fixtures: Tests/Fixtures/models (one pathology each,
/// record/scenarios.py), the shared runs and NaN runs of Tests/Fixtures/keras-logs, and the
/// healthy runs of Tests/Fixtures/healthy (record/healthy.py).
enum RulesBenchmark {
    struct Case {
        var log: String
        var model: String?
        var expected: Set<String>
        var healthy: Bool { expected.isEmpty }
    }

    /// What each pathology run deserves (the label is the run's truth, not what fitwatch says).
    static let pathologies: [(log: String, model: String?, expected: [String])] = [
        ("models/k3_bce_multiclass.log", "models/k3_bce_multiclass.keras", ["binary-crossentropy-multiclass"]),
        ("models/k3_cce_integer_labels.log", "models/k3_cce_integer_labels.keras", ["label-encoding-mismatch"]),
        ("models/k3_diverging.log", "models/k3_diverging.keras", ["diverging"]),
        ("models/k3_dropout_one.log", "models/k3_dropout_one.keras", ["dropout-rate-one"]),
        ("models/k3_early_stopping_no_restore.log", "models/k3_early_stopping_no_restore.keras",
         ["early-stopping-without-restore"]),
        ("models/k3_from_logits_on_sigmoid.log", "models/k3_from_logits_on_sigmoid.keras", ["from-logits-mismatch"]),
        ("models/k3_linear_into_bce.log", "models/k3_linear_into_bce.keras", ["from-logits-mismatch"]),
        ("models/k3_loss_weight_dominance.log", "models/k3_loss_weight_dominance.keras", ["loss-weight-dominance"]),
        ("models/k3_nan_loss.log", "models/k3_nan_loss.keras", ["nan-loss"]),
        ("models/k3_overfitting.log", "models/k3_overfitting.model.json", ["overfitting"]),
        ("models/k3_small_set_overfitting.log", "models/k3_small_set_overfitting.keras", ["overfitting"]),
        ("models/tfk_overfitting.log", "models/tfk_overfitting.model.json", ["overfitting"]),
        ("models/tfk_softmax_single_unit_prf.log", "models/tfk_softmax_single_unit_prf.keras",
         ["softmax-single-unit", "stuck-metric"]),
        ("models/k3_regularized_two_heads.log", "models/k3_regularized_two_heads.keras",
         ["total-loss-mismatch", "loss-weight-dominance"]),
        ("models/k3_softmax_single_unit.log", "models/k3_softmax_single_unit.keras", ["softmax-single-unit", "constant-loss"]),
        ("models/k3_sparse_onehot_labels.log", "models/k3_sparse_onehot_labels.keras", ["label-encoding-mismatch"]),
        ("models/tfk_cce_integer_labels.log", "models/tfk_cce_integer_labels.keras", ["label-encoding-mismatch"]),
        ("models/tfk_dropout_one.log", "models/tfk_dropout_one.keras", ["dropout-rate-one"]),
        ("models/tfk_from_logits_on_sigmoid.log", "models/tfk_from_logits_on_sigmoid.keras", ["from-logits-mismatch"]),
        ("models/tfk_regression_accuracy.log", "models/tfk_regression_accuracy.keras",
         ["accuracy-on-regression", "stuck-metric"]),
        ("models/tfk_softmax_single_unit.log", "models/tfk_softmax_single_unit.keras", ["softmax-single-unit", "stuck-metric"]),
        ("models/tfk_sparse_onehot_labels.log", "models/tfk_sparse_onehot_labels.keras", ["label-encoding-mismatch"]),
        ("keras-logs/k3_s1_seed_regression_accuracy.pipe.log", "models/k3_s1_seed_regression_accuracy.keras",
         ["accuracy-on-regression", "stuck-metric", "compile-metrics-name"]),
        ("keras-logs/tfk_s2_bce_on_multiclass.pipe.log", "models/tfk_s2_bce_on_multiclass.keras",
         ["binary-crossentropy-multiclass"]),
        ("keras-logs/k3_nan.pipe.log", nil, ["nan-loss"]),
        ("keras-logs/tfk_nan.pipe.log", nil, ["nan-loss"]),
    ]

    /// Healthy runs outside Tests/Fixtures/healthy.
    static let otherHealthy: [(log: String, model: String?)] = [
        ("models/k3_healthy_iris.log", "models/k3_healthy_iris.keras"),
        ("keras-logs/k3_s4_multi_output_functional.pipe.log", "models/k3_s4_multi_output_functional.keras"),
        ("keras-logs/tfk_s9_long_run_300_epochs.pipe.log", "models/tfk_s9_long_run_300_epochs.keras"),
    ]

    static func run() {
        let fixtures = packageRoot().appendingPathComponent("Tests/Fixtures")
        var cases = pathologies.map { Case(log: $0.log, model: $0.model, expected: Set($0.expected)) }
        cases += otherHealthy.map { Case(log: $0.log, model: $0.model, expected: []) }
        let healthyFolder = fixtures.appendingPathComponent("healthy")
        let healthyLogs = ((try? FileManager.default.contentsOfDirectory(atPath: healthyFolder.path)) ?? [])
            .filter { $0.hasSuffix(".log") }.sorted()
        for log in healthyLogs {
            let model = "healthy/" + (log.split(separator: ".").first.map(String.init) ?? log) + ".keras"
            cases.append(Case(log: "healthy/" + log, model: model, expected: []))
        }

        // (rule, reading) -> counts; reading 0 = log alone, 1 = with the model file.
        var counts: [String: [Counts]] = [:]
        var healthyReadings = 0, quietHealthy = 0, silentHealthy = 0
        var falseAlarms: [String] = []
        var readings = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for entry in cases {
            for (reading, modelPath) in [(0, nil), (1, entry.model)] where reading == 0 || modelPath != nil {
                guard let found = findings(fixtures.appendingPathComponent(entry.log).path,
                                           model: modelPath.map { fixtures.appendingPathComponent($0).path }) else {
                    print("rules: cannot read \(entry.log)")
                    continue
                }
                readings += 1
                let ids = Set(found.map(\.id))
                for id in ids.union(entry.expected) {
                    var row = counts[id] ?? [Counts(), Counts()]
                    switch (ids.contains(id), entry.expected.contains(id)) {
                    case (true, true): row[reading].truePositives += 1
                    case (true, false): row[reading].falsePositives += 1
                    case (false, true): row[reading].falseNegatives += 1
                    case (false, false): break
                    }
                    counts[id] = row
                }
                if entry.healthy {
                    healthyReadings += 1
                    if !found.contains(where: { $0.severity >= .warning }) { quietHealthy += 1 }
                    if found.isEmpty { silentHealthy += 1 }
                }
                for finding in found where !entry.expected.contains(finding.id) {
                    falseAlarms.append("\(entry.log)\(reading == 1 ? " +model" : ""): \(finding.severity.rawValue) \(finding.id)")
                }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let pathologyCount = cases.filter { !$0.healthy }.count
        print("rules: precision and recall per rule over \(cases.count) recorded runs (\(pathologyCount) with a pathology, "
              + "\(cases.count - pathologyCount) healthy), \(readings) readings: each log alone and with its model file")
        print("  precision = found and deserved / found; recall = found and deserved / deserved; - where undefined")
        print("  rule                              |  alone: TP FP FN  prec  recall | +model: TP FP FN  prec  recall |  all: prec  recall")
        let curve = ["nan-loss", "diverging", "overfitting", "stuck-metric", "constant-loss", "early-stopping-without-restore",
                     "loss-weight-dominance", "total-loss-mismatch"]
        let order = curve + counts.keys.filter { !curve.contains($0) }.sorted()
        for id in order {
            let row = counts[id] ?? [Counts(), Counts()]
            let all = row[0] + row[1]
            print("  " + pad(id, 34) + " | " + row[0].columns + " | " + row[1].columns + " | "
                  + pad(all.precisionText, 9, right: true) + " " + pad(all.recallText, 6, right: true))
        }
        let total = counts.values.reduce(Counts()) { $0 + $1[0] + $1[1] }
        print("  all rules: \(total.truePositives) found and deserved, \(total.falsePositives) false alarms, "
              + "\(total.falseNegatives) missed: precision \(total.precisionText), recall \(total.recallText)")
        print("  healthy readings without a warning or error: \(quietHealthy) of \(healthyReadings); "
              + "without any finding: \(silentHealthy) of \(healthyReadings)")
        for alarm in falseAlarms { print("  false alarm: \(alarm)") }
        print(String(format: "  (read and diagnosed in %.2f s)", seconds))
    }

    struct Counts {
        var truePositives = 0, falsePositives = 0, falseNegatives = 0
        static func + (a: Counts, b: Counts) -> Counts {
            Counts(truePositives: a.truePositives + b.truePositives, falsePositives: a.falsePositives + b.falsePositives,
                   falseNegatives: a.falseNegatives + b.falseNegatives)
        }
        /// `TP FP FN  prec  recall` aligned under the header.
        var columns: String {
            pad("\(truePositives)", 9, right: true) + pad("\(falsePositives)", 3, right: true)
                + pad("\(falseNegatives)", 3, right: true) + pad(precisionText, 6, right: true) + pad(recallText, 7, right: true)
        }
        var precisionText: String { ratio(truePositives, truePositives + falsePositives) }
        var recallText: String { ratio(truePositives, truePositives + falseNegatives) }
        private func ratio(_ part: Int, _ whole: Int) -> String {
            whole == 0 ? "-" : String(format: "%.2f", Double(part) / Double(whole))
        }
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }

    /// Every finding of every run in the log, read and diagnosed as `fitwatch check` does.
    static func findings(_ path: String, model: String?) -> [Finding]? {
        do {
            let graph = try model.map { try ModelFileReader.read(path: $0) }
            var run = Run(source: SourceID(path), modelOverride: graph, keepsEverySegment: true)
            try LogLoader.stream(at: path, format: nil) { run.apply($0) }
            run.apply(state: .finished)
            return run.reports().flatMap(\.findings)
        } catch {
            return nil
        }
    }

    /// The folder holding Package.swift, found from this source file.
    static func packageRoot() -> URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }
}
