import RunModel
import Testing
import TestSupport
import KerasModel
import TrainingLog
@testable import Diagnostics

// What a healthy curve can look like, rule by rule (issue 16), next to the pathology each
// exception must not hide.

private let falling = [0.69, 0.52, 0.41, 0.33, 0.28, 0.25]

@Test func aMetricAtItsBestValueIsNotStuck() {
    // Precision/recall/AUC at 1.0 on every epoch is a perfect score; so is an error of 0.
    let perfect = RunFixtures.history([
        "auc": [0.91, 0.95, 0.97, 0.98, 0.99, 0.99], "loss": falling, "precision": [1, 1, 1, 1, 1, 1],
        "val_auc": [1, 1, 1, 1, 1, 1], "val_loss": falling.map { $0 * 0.9 }, "val_precision": [1, 1, 1, 1, 1, 1],
        "val_recall": [1, 1, 1, 1, 1, 1],
    ])
    #expect(Diagnostics.findings(history: perfect, model: nil, flavour: nil).isEmpty)
    let exact = RunFixtures.history(["loss": falling, "mae": [0, 0, 0, 0, 0, 0], "val_loss": falling,
                                     "val_root_mean_squared_error": [0, 0, 0, 0, 0, 0]])
    #expect(Diagnostics.findings(history: exact, model: nil, flavour: nil).isEmpty)
}

@Test func aThresholdTheOutputsNeverCrossIsStillStuck() {
    // Keras's Precision is 0 when nothing is predicted positive: a sigmoid that never reaches
    // 0.5 prints 0.0000 in training and validation every epoch while the loss falls.
    let never = RunFixtures.history(["loss": falling, "precision": [0, 0, 0, 0, 0, 0], "val_loss": falling,
                                     "val_precision": [0, 0, 0, 0, 0, 0]])
    let finding = Diagnostics.findings(history: never, model: nil, flavour: nil).first
    #expect(finding?.id == "stuck-metric")
    #expect(finding?.metrics == ["precision", "val_precision"])
    #expect(finding?.explanation.contains("steps of 1/n") == true)
    #expect(finding?.evidence.last == "precision is computed from counts at a threshold; 0 every epoch means no sample "
                + "was ever predicted positive (Keras prints 0 when nothing was)")
}

@Test func aValidationValueThatStandsStillWhileItsTrainingValueMovesIsASmallSet() {
    // 29 of 30 iris validation samples right in every epoch while training accuracy climbs.
    let coarse = RunFixtures.history(["accuracy": [0.61, 0.78, 0.86, 0.9, 0.93, 0.95], "loss": falling,
                                      "val_accuracy": Array(repeating: 0.9667, count: 6), "val_loss": falling,
                                      "val_recall": Array(repeating: 0.9773, count: 6),
                                      "recall": [0.7, 0.8, 0.85, 0.9, 0.93, 0.95]])
    #expect(Diagnostics.findings(history: coarse, model: nil, flavour: nil).isEmpty)
    // A training set fitted perfectly from the first epoch: precision 1.0 there, 35 of 36 on validation.
    let easy = RunFixtures.history(["loss": falling, "precision": Array(repeating: 1, count: 6), "val_loss": falling,
                                    "val_precision": Array(repeating: 0.9722, count: 6)])
    #expect(Diagnostics.findings(history: easy, model: nil, flavour: nil).isEmpty)
    // The same validation value with the training value pinned too: the metric cannot move.
    let pinned = RunFixtures.history(["accuracy": Array(repeating: 0.6308, count: 6), "loss": falling,
                                      "val_accuracy": Array(repeating: 0.6228, count: 6), "val_loss": falling])
    #expect(Diagnostics.findings(history: pinned, model: nil, flavour: nil).first?.metrics == ["accuracy", "val_accuracy"])
}

@Test func oneNoisyValidationEpochIsNotOverfitting() {
    // val_loss best at epoch 2, back near it, then one epoch 20% up: noise on a small set.
    let spike = RunFixtures.history(["loss": [1.0, 0.8, 0.7, 0.6, 0.5, 0.45],
                                     "val_loss": [1.0, 0.80, 0.83, 0.81, 0.84, 0.96]])
    #expect(Diagnostics.findings(history: spike, model: nil, flavour: nil).isEmpty)
    let trend = RunFixtures.history(["loss": [1.0, 0.8, 0.7, 0.6, 0.5, 0.45],
                                     "val_loss": [1.0, 0.80, 0.83, 0.90, 0.93, 0.96]])
    #expect(ids(Diagnostics.findings(history: trend, model: nil, flavour: nil)) == ["overfitting"])
    // Up and down around a plateau, both last epochs 10% over a low best: a small set's noise.
    let wandering = RunFixtures.history(["loss": [1.0, 0.8, 0.7, 0.6, 0.5, 0.45, 0.42, 0.4],
                                         "val_loss": [1.0, 0.70, 0.80, 0.72, 0.82, 0.74, 0.78, 0.80]])
    #expect(Diagnostics.findings(history: wandering, model: nil, flavour: nil).isEmpty)
}

@Test func keptBestWeightsSilenceOverfittingAndEarlyStopping() {
    func run(_ messages: [CallbackMessage]) -> [String] {
        var history = RunFixtures.history(["loss": [1.0, 0.8, 0.7, 0.6, 0.5, 0.45],
                                           "val_loss": [1.0, 0.80, 0.90, 0.93, 0.96, 0.99]])
        for message in messages { history.apply(.message(message)) }
        return ids(Diagnostics.findings(history: history, model: nil, flavour: nil))
    }
    let stop = CallbackMessage(kind: .earlyStopping, epoch: 6, text: "Epoch 6: early stopping")
    #expect(run([stop]) == ["overfitting", "early-stopping-without-restore"])
    let restored = CallbackMessage(kind: .restoredBestWeights, epoch: 6, value: 2,
                                   text: "Restoring model weights from the end of the best epoch: 2.")
    #expect(run([stop, restored]).isEmpty)
    // ModelCheckpoint(save_best_only=True) kept epoch 2 on disk.
    let saved = CallbackMessage(kind: .checkpoint, epoch: 2,
                                text: "Epoch 2: val_loss improved from 1.00000 to 0.80000, saving model to best.keras")
    #expect(run([saved, stop]).isEmpty)
    // A checkpoint written every epoch keeps nothing in particular.
    let every = CallbackMessage(kind: .checkpoint, epoch: 2, text: "Epoch 2: saving model to model.keras")
    #expect(run([every, stop]) == ["overfitting", "early-stopping-without-restore"])
}

@Test func aHeadThatLearnedItsTaskLeavesTheOtherMostOfTheLossWithoutDominance() {
    // The classifier's loss falls to ~0 while the regression head's stays: 99.7% at the end, 42% at the start.
    let learned = RunFixtures.history(["class_loss": [0.69, 0.2, 0.05, 0.01, 0.003, 0.002],
                                       "loss": [1.19, 0.65, 0.5, 0.51, 0.503, 0.502],
                                       "size_loss": [0.5, 0.45, 0.45, 0.5, 0.5, 0.5]])
    #expect(Diagnostics.findings(history: learned, model: nil, flavour: nil).isEmpty)
    // Raw prices against a cross-entropy: dominant in every epoch.
    let raw = RunFixtures.history(["class_loss": [0.69, 0.6, 0.55, 0.5, 0.48, 0.47],
                                   "loss": [600.69, 400.6, 300.55, 200.5, 150.48, 120.47],
                                   "size_loss": [600, 400, 300, 200, 150, 120]])
    let finding = Diagnostics.findings(history: raw, model: nil, flavour: nil).first { $0.id == "loss-weight-dominance" }
    #expect(finding?.evidence.contains("size's share was at least 99.6% in every epoch") == true)
}

@Test func aLossOfExactlyZeroIsNotAConstantLoss() {
    let perfect = RunFixtures.history(["loss": [0, 0, 0, 0], "val_loss": [0, 0, 0, 0]])
    #expect(Diagnostics.findings(history: perfect, model: nil, flavour: nil).isEmpty)
    let stuck = RunFixtures.history(["loss": [0.6931, 0.6931, 0.6931, 0.6931]])
    #expect(ids(Diagnostics.findings(history: stuck, model: nil, flavour: nil)) == ["constant-loss"])
}

@Test func metricKindsFollowKerasNames() {
    #expect(MetricKind(base: "auc_1").best == 1 && MetricKind(base: "auc_1").isThresholdCount)
    #expect(MetricKind(base: "f1_score").isThresholdCount)
    #expect(MetricKind(base: "precision_at_recall").isThresholdCount)
    #expect(MetricKind(base: "root_mean_squared_error").best == 0)
    #expect(MetricKind(base: "r2_score").best == 1 && !MetricKind(base: "r2_score").isThresholdCount)
    #expect(MetricKind(base: "true_positives").best == nil)
    // A name Keras does not give is not guessed.
    #expect(MetricKind(base: "my_metric").best == nil)
    #expect(MetricKind(base: "precision").isBest(0.99996))
    #expect(!MetricKind(base: "precision").isBest(0.9999))
}

// Recorded pathologies next to the healthy-run allowances (Tests/Fixtures/models/record/scenarios.py).

private func recorded(_ name: String, model file: String?) throws -> [Finding] {
    let history = try RunFixtures.history(name)
    let model = try file.map { try RunFixtures.model($0) }
    return Diagnostics.findings(history: history, model: model, flavour: Diagnostics.flavour(history: history, model: model))
}

@Test func aTinyValidationSetStillShowsRealOverfitting() throws {
    // linnerud, 4 validation samples: val_loss 1.4581 at epoch 5, then up almost every epoch to 2.6588.
    for model in [nil, "k3_small_set_overfitting.keras"] {
        let finding = try #require(try recorded("k3_small_set_overfitting", model: model).first { $0.id == "overfitting" })
        #expect(finding.title == "validation loss rising since epoch 5 while training loss falls")
    }
    let tfKeras = try recorded("tfk_overfitting", model: "tfk_overfitting.model.json")
    #expect(ids(tfKeras) == ["overfitting"])
}

@Test func aPerfectRecallFromAConstantPredictionDoesNotHideTheStuckPrecision() throws {
    // tf-keras, softmax over one unit: every sample called positive, so recall is 1.0000 (its
    // best, not reported) while accuracy and precision sit at the positive share and AUC at 0.5.
    let found = try recorded("tfk_softmax_single_unit_prf", model: "tfk_softmax_single_unit_prf.keras")
    #expect(ids(found) == ["softmax-single-unit", "stuck-metric"])
    let stuck = try #require(found.first { $0.id == "stuck-metric" })
    #expect(stuck.metrics == ["accuracy", "auc", "precision", "val_accuracy", "val_auc", "val_precision"])
    #expect(stuck.evidence.contains("precision = 0.6308 in all 6 epochs while loss moved 0.5235 -> 0.3682"))
    #expect(stuck.evidence.contains("auc = 0.5 is what a model that gives every sample the same score gets"))
}

@Test func earlyStoppingWithoutRestoreIsSaidUnlessACheckpointKeptTheBest() throws {
    // Keras 3, both on house prices with EarlyStopping(patience=3) and no restore_best_weights;
    // the healthy one also ran ModelCheckpoint(save_best_only=True) ("val_loss did not improve from 8.84100").
    func found(_ relative: String) throws -> [Finding] {
        let events = try LogLoader.events(at: Fixtures.url(relative).path, format: nil)
        return CheckedRun.runs(events: events, model: nil).flatMap(\.findings)
    }
    let bare = try found("models/k3_early_stopping_no_restore.log")
    #expect(ids(bare) == ["early-stopping-without-restore"])
    #expect(bare.first?.epoch == 30)
    #expect(try found("healthy/k3_housing_checkpoint.pipe.log").isEmpty)
}
