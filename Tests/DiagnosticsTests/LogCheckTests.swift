import RunModel
import Testing
import KerasModel
import TestSupport
import TrainingLog
@testable import Diagnostics

// Whole logs through the readers (`LogLoader`) into `CheckedRun`, as `fitwatch check` does:
// the recorded pathology logs (Tests/Fixtures/models/*.log, stdout+stderr merged) and the
// shared real logs (Tests/Fixtures/keras-logs, copied by the readers).

private func check(_ relative: String, model: String? = nil) throws -> [CheckedRun] {
    let events = try LogLoader.events(at: Fixtures.url(relative).path, format: nil)
    let graph = try model.map { try ModelFileReader.read(path: Fixtures.url("models/\($0)").path) }
    return CheckedRun.runs(events: events, model: graph)
}

@Test func s1LogGivesAccuracyOnRegressionSuspectedAloneAndCertainWithTheModel() throws {
    for capture in ["pipe", "tty"] {
        let alone = try check("keras-logs/k3_s1_seed_regression_accuracy.\(capture).log")
        #expect(alone.count == 1)
        // The seed script's last line, `compile_metrics: 0.00%`, is Keras 3's metrics_names at work.
        #expect(ids(alone[0].findings) == ["accuracy-on-regression", "stuck-metric", "compile-metrics-name"], "\(capture)")
        #expect(alone[0].findings[0].confidence == .suspected)
        let certain = try check("keras-logs/k3_s1_seed_regression_accuracy.\(capture).log",
                                model: "k3_s1_seed_regression_accuracy.keras")
        #expect(certain[0].findings[0].confidence == .certain, "\(capture)")
    }
}

@Test func s2LogWithTheModelGivesBinaryCrossentropyMulticlass() throws {
    let runs = try check("keras-logs/tfk_s2_bce_on_multiclass.tty.log", model: "tfk_s2_bce_on_multiclass.keras")
    #expect(ids(runs[0].findings) == ["binary-crossentropy-multiclass"])
}

@Test func s4AndS9LogsHaveNoConfigFindingsAndS4LossesAddUp() throws {
    let s4 = try check("keras-logs/k3_s4_multi_output_functional.pipe.log", model: "k3_s4_multi_output_functional.keras")
    #expect(s4[0].findings.isEmpty)
    let loss = try #require(LossCheck.check(history: s4[0].history, model: try RunFixtures.model("k3_s4_multi_output_functional.keras")))
    // The printed values are rounded to 4 places and still add up: loss = out1_loss + 0.2 * out2_loss.
    #expect(loss.holds)
    #expect(loss.rowsChecked == 40)
    let s9 = try check("keras-logs/tfk_s9_long_run_300_epochs.pipe.log")
    #expect(s9[0].findings.isEmpty)
}

@Test func recordedPathologyLogsAloneGiveTheirIds() throws {
    let expected: [(String, [String])] = [
        ("k3_softmax_single_unit", ["constant-loss", "softmax-single-unit"]),
        ("tfk_dropout_one", ["dropout-rate-one"]),
        ("tfk_from_logits_on_sigmoid", ["from-logits-mismatch"]),
        ("tfk_regression_accuracy", ["accuracy-on-regression", "stuck-metric"]),
        ("k3_cce_integer_labels", ["label-encoding-mismatch"]),
        ("tfk_cce_integer_labels", ["label-encoding-mismatch"]),
        ("k3_sparse_onehot_labels", ["label-encoding-mismatch"]),
        ("tfk_sparse_onehot_labels", ["label-encoding-mismatch"]),
        ("k3_nan_loss", ["nan-loss"]),
        ("k3_diverging", ["diverging"]),
        ("k3_overfitting", ["overfitting"]),
        ("k3_healthy_iris", []),
        ("k3_loss_weight_dominance", ["loss-weight-dominance"]),
        ("k3_regularized_two_heads", ["total-loss-mismatch", "loss-weight-dominance"]),
    ]
    for (name, want) in expected {
        let runs = try check("models/\(name).log")
        #expect(runs.count == 1, "\(name)")
        #expect(ids(runs.flatMap(\.findings)) == want, "\(name)")
        #expect(runs.flatMap(\.findings).filter { configIDs.contains($0.id) }.allSatisfy { $0.confidence == .suspected },
                "\(name)")
    }
}

@Test func recordedPathologyLogsWithTheirModelsAreCertain() throws {
    let expected: [(String, String)] = [
        ("k3_softmax_single_unit", "softmax-single-unit"),
        ("tfk_softmax_single_unit", "softmax-single-unit"),
        ("k3_dropout_one", "dropout-rate-one"),
        ("tfk_dropout_one", "dropout-rate-one"),
        ("k3_bce_multiclass", "binary-crossentropy-multiclass"),
        ("k3_from_logits_on_sigmoid", "from-logits-mismatch"),
        ("tfk_from_logits_on_sigmoid", "from-logits-mismatch"),
        ("k3_linear_into_bce", "from-logits-mismatch"),
        ("k3_regularized_two_heads", "total-loss-mismatch"),
    ]
    for (name, id) in expected {
        let runs = try check("models/\(name).log", model: "\(name).keras")
        let finding = runs.flatMap(\.findings).first { $0.id == id }
        #expect(finding?.confidence == .certain, "\(name)")
    }
    let healthy = try check("models/k3_healthy_iris.log", model: "k3_healthy_iris.keras")
    #expect(healthy[0].findings.isEmpty)
}

@Test func tensorBoardRunOfS4HasNoFindingsAndItsLossesAddUp() throws {
    // Keras 3's TensorBoard callback logs a constant learning_rate beside the metrics: a
    // setting, not a stuck metric.
    let runs = try check("keras-logs/k3_s4_multi_output_functional.tensorboard", model: "k3_s4_multi_output_functional.keras")
    #expect(runs.count == 1)
    #expect(runs[0].history.metricNames.contains("learning_rate"))
    #expect(runs[0].findings.isEmpty)
    let loss = try #require(LossCheck.check(history: runs[0].history, model: nil))
    #expect(loss.holds)
    #expect(loss.terms.map(\.weight) == [1.0, 0.2])
}

// The Keras that wrote a log decides what `check` explains (issue 15): tf-keras 2.21 with
// metrics=['acc'] is tf-keras, whose 0.0000 comes from the 0.5 threshold, not Keras 1's rounding.
@Test func tfKerasAccLogExplainsTheThresholdNotKeras1Rounding() throws {
    let runs = try check("keras-logs/tfk_acc_regression.pipe.log")
    let finding = try #require(runs.first?.findings.first { $0.id == "accuracy-on-regression" })
    #expect(finding.explanation.hasPrefix("In tf.keras (TF 2.2+) and Keras/tf-keras 2.4-2.x, 'accuracy' is chosen from the output and target shapes"))
    #expect(finding.explanation.contains("mean((ŷ > 0.5) == y)"))
    #expect(!finding.explanation.contains("round("))
}

// A CSVLogger file does not say which Keras wrote it: the explanation gives every rule and what each prints.
@Test func unknownKerasExplanationGivesEveryRule() throws {
    let runs = try check("keras-logs/k3_s1_seed_regression_accuracy.csvlogger.csv")
    #expect(runs.first?.history.flavour == nil)
    let finding = try #require(runs.first?.findings.first { $0.id == "accuracy-on-regression" })
    #expect(finding.explanation.contains("Keras 3.x and tf.keras/tf-keras (TF 2.2+)"))
    #expect(finding.explanation.contains("mean((ŷ > 0.5) == y)"))
    #expect(finding.explanation.contains("Keras 1.x-2.3 choose it from the loss"))
    #expect(finding.explanation.contains("mean(round(ŷ) == y)"))
}
