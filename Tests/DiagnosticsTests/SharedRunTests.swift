import Testing
import KerasModel
import TrainingLog
@testable import Diagnostics

// The four real runs of ../shared/keras-logs (histories from their CSVLogger files, models from
// their .keras archives): what a user of each should be told.

@Test func s1MseWithAccuracyIsCertainAccuracyOnRegressionWithTheModel() throws {
    let history = try RunFixtures.history("k3_s1_seed_regression_accuracy")
    let model = try RunFixtures.model("k3_s1_seed_regression_accuracy.keras")
    let findings = Diagnostics.findings(history: history, model: model, flavour: nil)
    let finding = try #require(findings.first { $0.id == "accuracy-on-regression" })
    #expect(finding.confidence == .certain)
    #expect(finding.severity == .warning)
    #expect(finding.epoch == 1)
    #expect(finding.metrics == ["accuracy", "val_accuracy"])
    #expect(finding.evidence.contains { $0.contains("binary_accuracy") && $0.contains("Keras 3.x") })
    #expect(finding.evidence.contains("accuracy = 0.0000e+00 in all 100 epochs"))
    #expect(finding.explanation.contains("Keras 3.x"))
    #expect(finding.fix.contains("mae"))
    #expect(ids(findings).contains("stuck-metric"))
}

@Test func s1LogAloneSuspectsAccuracyOnRegressionAndSaysWhy() throws {
    let history = try RunFixtures.history("k3_s1_seed_regression_accuracy")
    let findings = Diagnostics.findings(history: history, model: nil, flavour: nil)
    let finding = try #require(findings.first { $0.id == "accuracy-on-regression" })
    #expect(finding.confidence == .suspected)
    #expect(finding.evidence.contains { $0.contains("suspected from the log alone") })
    #expect(finding.evidence.contains { $0.hasPrefix("loss moved") })
    let stuck = try #require(findings.first { $0.id == "stuck-metric" })
    #expect(stuck.metrics == ["accuracy", "val_accuracy"])
    #expect(stuck.confidence == .certain)
}

@Test func s1AccuracyResolvesToBinaryAccuracyForTrainingAndValidation() throws {
    let history = try RunFixtures.history("k3_s1_seed_regression_accuracy")
    let model = try RunFixtures.model("k3_s1_seed_regression_accuracy.keras")
    let resolved = Diagnostics.resolvedMetrics(history: history, model: model, flavour: nil)
    #expect(resolved == ["accuracy": .binaryAccuracy, "val_accuracy": .binaryAccuracy])
    #expect(Diagnostics.resolvedMetrics(history: history, model: nil, flavour: nil).isEmpty)
}

@Test func s2BinaryCrossentropyOnThreeClassSoftmaxIsFoundWithTheModel() throws {
    let history = try RunFixtures.history("tfk_s2_bce_on_multiclass")
    let model = try RunFixtures.model("tfk_s2_bce_on_multiclass.keras")
    let findings = Diagnostics.findings(history: history, model: model, flavour: nil)
    let finding = try #require(findings.first { $0.id == "binary-crossentropy-multiclass" })
    #expect(finding.confidence == .certain)
    #expect(finding.evidence.contains { $0.contains("categorical_accuracy") })
    #expect(finding.explanation.contains("tf.keras (TF 2.2+)"))
    #expect(finding.metrics.contains("loss") && finding.metrics.contains("val_accuracy"))
    #expect(Diagnostics.resolvedMetrics(history: history, model: model, flavour: nil)["accuracy"] == .categoricalAccuracy)
    #expect(!ids(findings).contains("accuracy-on-regression"))
}

@Test func s2LogAloneCannotShowTheLossSoNoConfigFinding() throws {
    // The tf-keras log prints neither the loss name nor the activation: nothing to suspect from.
    let history = try RunFixtures.history("tfk_s2_bce_on_multiclass")
    let findings = Diagnostics.findings(history: history, model: nil, flavour: nil)
    #expect(Set(ids(findings)).isDisjoint(with: configIDs))
}

@Test func s4TotalLossIsTheWeightedSumOfOutputLosses() throws {
    let history = try RunFixtures.history("k3_s4_multi_output_functional")
    let model = try RunFixtures.model("k3_s4_multi_output_functional.keras")
    let check = try #require(LossCheck.check(history: history, model: model))
    #expect(check.holds)
    #expect(check.weightsKnown)
    #expect(check.terms.map(\.output) == ["out1", "out2"])
    #expect(check.terms.map(\.weight) == [1.0, 0.2])
    // 20 epochs, training and validation rows.
    #expect(check.rowsChecked == 40)
    let findings = Diagnostics.findings(history: history, model: model, flavour: nil)
    #expect(Set(ids(findings)).isDisjoint(with: configIDs))
    #expect(!ids(findings).contains("total-loss-mismatch"))
}

@Test func s4LossWeightsAreRecoveredFromTheNumbersWithoutTheModel() throws {
    let history = try RunFixtures.history("k3_s4_multi_output_functional")
    let check = try #require(LossCheck.check(history: history, model: nil))
    #expect(!check.weightsKnown)
    #expect(check.terms.map(\.weight) == [1.0, 0.2])
    #expect(check.holds)
}

@Test func s9HealthyLongRunHasNoConfigFindings() throws {
    let history = try RunFixtures.history("tfk_s9_long_run_300_epochs")
    let model = try RunFixtures.model("tfk_s9_long_run_300_epochs.keras")
    for candidate in [model, nil] {
        let findings = Diagnostics.findings(history: history, model: candidate, flavour: nil)
        #expect(Set(ids(findings)).isDisjoint(with: configIDs))
        #expect(!findings.contains { $0.severity >= .warning }, "\(ids(findings))")
    }
    #expect(Diagnostics.resolvedMetrics(history: history, model: model, flavour: nil)["val_accuracy"] == .categoricalAccuracy)
}

@Test func s4ResolvesEachOutputsMetricsUnderTheirPrintedNames() throws {
    let history = try RunFixtures.history("k3_s4_multi_output_functional")
    let model = try RunFixtures.model("k3_s4_multi_output_functional.keras")
    let resolved = Diagnostics.resolvedMetrics(history: history, model: model, flavour: nil)
    #expect(resolved == [
        "out1_mae": .meanAbsoluteError, "val_out1_mae": .meanAbsoluteError,
        "out2_accuracy": .binaryAccuracy, "val_out2_accuracy": .binaryAccuracy,
    ])
}

@Test func healthyRunsNeverRaiseAWarningWhileTheyGrow() throws {
    // The monitor recomputes findings after every epoch and flashes new ones: a healthy run
    // must stay quiet at every length, not only at the end.
    for name in ["tfk_s9_long_run_300_epochs", "k3_healthy_iris", "k3_s4_multi_output_functional"] {
        let full = try RunFixtures.history(name)
        for length in 1...full.epochs.count {
            var history = RunHistory()
            history.apply(.runStarted(RunStart(epochs: full.epochs.count, format: full.format)))
            for record in full.epochs.prefix(length) { history.apply(.epochEnded(record)) }
            let serious = Diagnostics.findings(history: history, model: nil, flavour: nil).filter { $0.severity >= .warning }
            #expect(serious.isEmpty, "\(name) after \(length) epochs: \(ids(serious))")
        }
    }
}

@Test func perfectValidationAccuracyFromTheStartIsNotStuck() {
    let history = RunFixtures.history(["accuracy": [0.6, 0.8, 0.9, 0.95, 0.97], "loss": [0.9, 0.5, 0.3, 0.2, 0.15],
                                       "val_accuracy": [1, 1, 1, 1, 1], "val_loss": [0.5, 0.3, 0.2, 0.15, 0.1]])
    #expect(Diagnostics.findings(history: history, model: nil, flavour: nil).isEmpty)
}
