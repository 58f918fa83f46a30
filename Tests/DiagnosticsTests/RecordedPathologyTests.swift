import Testing
import KerasModel
import TrainingLog
@testable import Diagnostics

// Real runs recorded for each pathology by Tests/Fixtures/models/record/scenarios.py
// (Keras 3.15.1 on JAX, tf-keras 2.21.0): model file, CSVLogger history, merged log.

private func findings(_ name: String, withModel: Bool, logLines: [String] = []) throws -> [Finding] {
    let history = try RunFixtures.history(name)
    let file = name == "k3_overfitting" ? "\(name).model.json" : "\(name).keras"
    let model = withModel ? try RunFixtures.model(file) : nil
    return Diagnostics.findings(history: history, model: model, flavour: nil,
                                logLines: logLines)
}

@Test func healthyIrisRunHasNoFindingsAtAll() throws {
    #expect(try findings("k3_healthy_iris", withModel: true).isEmpty)
    #expect(try findings("k3_healthy_iris", withModel: false).isEmpty)
}

@Test func keras3BinaryCrossentropyOnSoftmaxSaysAccuracyIsCategorical() throws {
    let found = try findings("k3_bce_multiclass", withModel: true)
    let finding = try #require(found.first { $0.id == "binary-crossentropy-multiclass" })
    #expect(finding.confidence == .certain)
    #expect(finding.explanation.contains("In Keras 3.x, 'accuracy' resolves to categorical accuracy"))
    #expect(ids(found).filter(configIDs.contains) == ["binary-crossentropy-multiclass"])
}

@Test func keras3SoftmaxOverOneUnitIsCertainWithModelAndSuspectedFromItsWarning() throws {
    let certain = try findings("k3_softmax_single_unit", withModel: true)
    let finding = try #require(certain.first { $0.id == "softmax-single-unit" })
    #expect(finding.confidence == .certain)
    #expect(finding.severity == .error)
    #expect(finding.evidence.contains("layer dense_1 (Dense, 1 unit) has a softmax activation"))
    #expect(ids(certain).contains("constant-loss"))

    let warning = try RunFixtures.logLine("k3_softmax_single_unit", containing: "softmax over axis")
    let suspected = try findings("k3_softmax_single_unit", withModel: false, logLines: [warning])
    let fromLog = try #require(suspected.first { $0.id == "softmax-single-unit" })
    #expect(fromLog.confidence == .suspected)
    #expect(fromLog.evidence.first?.contains("This axis has size 1") == true)
    // Without the warning the constant loss is all the log shows.
    let bare = try findings("k3_softmax_single_unit", withModel: false)
    #expect(ids(bare) == ["constant-loss"])
}

@Test func tfKerasSoftmaxOverOneUnitExplainsTheFallingLoss() throws {
    let found = try findings("tfk_softmax_single_unit", withModel: true)
    let finding = try #require(found.first { $0.id == "softmax-single-unit" })
    #expect(finding.explanation.contains("_keras_logits"))
    #expect(finding.evidence.contains("loss 0.5235 -> 0.3682 over 6 epochs"))
    // The accuracy stays at the share of positives while the loss falls.
    #expect(ids(found).contains("stuck-metric"))
}

@Test func keras3DropoutOfOneIsFoundWithTheModel() throws {
    let found = try findings("k3_dropout_one", withModel: true)
    let finding = try #require(found.first { $0.id == "dropout-rate-one" })
    #expect(finding.confidence == .certain)
    #expect(finding.severity == .error)
    #expect(finding.evidence == ["layer dropout (Dropout) has rate 1"])
    #expect(finding.explanation.contains("Keras 3.x accepts rate=1.0"))
    // The log alone does not carry it: accuracy moves in epoch 1 (0.5868) before it pins at the
    // positive share (0.6308), and a plateau after epoch 1 is what healthy runs do too.
    let logOnly = try findings("k3_dropout_one", withModel: false)
    #expect(logOnly.isEmpty)
}

@Test func tfKerasDropoutOfOneIsSuspectedFromItsErrorAndCertainWithTheModel() throws {
    let raised = try RunFixtures.logLine("tfk_dropout_one", containing: "must be a scalar tensor")
    var history = RunHistory()
    history.apply(.runStarted(RunStart(epochs: 6, format: .keras2, flavour: .keras2)))
    let fromLog = Diagnostics.findings(history: history, model: nil, flavour: nil, logLines: [raised])
    #expect(ids(fromLog) == ["dropout-rate-one"])
    #expect(fromLog[0].confidence == .suspected)
    #expect(fromLog[0].explanation.contains("tf.nn.dropout raises"))

    let model = try RunFixtures.model("tfk_dropout_one.keras")
    let certain = Diagnostics.findings(history: history, model: model, flavour: nil, logLines: [raised])
    #expect(certain.first?.confidence == .certain)
    #expect(certain.first?.evidence.contains { $0.hasPrefix("Keras raised: `rate` must be") } == true)
}

@Test func fromLogitsOnASigmoidOutputIsFound() throws {
    let found = try findings("k3_from_logits_on_sigmoid", withModel: true)
    let finding = try #require(found.first { $0.id == "from-logits-mismatch" })
    #expect(finding.title == "from_logits=True on a sigmoid output")
    #expect(finding.confidence == .certain)
    #expect(finding.explanation.contains("second time"))
}

@Test func aLinearOutputIntoBinaryCrossentropyIsFound() throws {
    let found = try findings("k3_linear_into_bce", withModel: true)
    let finding = try #require(found.first { $0.id == "from-logits-mismatch" })
    #expect(finding.title == "a linear output into a probability loss")
    #expect(finding.fix.contains("BinaryCrossentropy)(from_logits=True)") == false)
    #expect(finding.fix.contains("keras.losses.BinaryCrossentropy(from_logits=True)"))
}

@Test func labelEncodingErrorsOfBothFlavoursAreRecognised() throws {
    let cases: [(log: String, marker: String, sparse: Bool)] = [
        ("k3_cce_integer_labels", "must have the same shape. Received", false),
        ("k3_sparse_onehot_labels", "up until the last dimension", true),
        ("tfk_cce_integer_labels", "are incompatible", false),
        // TensorFlow names whichever op failed first; every variant names SparseSoftmaxCrossEntropyWithLogits.
        ("tfk_sparse_onehot_labels", "SparseSoftmaxCrossEntropyWithLogits", true),
    ]
    for entry in cases {
        let line = try RunFixtures.logLine(entry.log, containing: entry.marker)
        let found = Diagnostics.findings(history: RunHistory(), model: nil, flavour: nil, logLines: [line])
        #expect(ids(found) == ["label-encoding-mismatch"], "\(entry.log)")
        #expect(found.first?.title.hasPrefix(entry.sparse ? "one-hot targets" : "integer labels") == true, "\(entry.log)")
    }
}

@Test func labelEncodingIsCertainWhenTheTargetsAreKnown() {
    let model = RunFixtures.singleOutput(units: 3, activation: "softmax", loss: LossSpec(kind: .categoricalCrossentropy),
                                         metrics: ["accuracy"], target: .integerLabels, provenance: .trainingCore)
    let found = Diagnostics.findings(history: RunHistory(), model: model, flavour: nil)
    #expect(ids(found) == ["label-encoding-mismatch"])
    #expect(found[0].confidence == .certain)
}

@Test func anInfiniteLossIsReportedAtItsEpoch() throws {
    let found = try findings("k3_nan_loss", withModel: false)
    let finding = try #require(found.first { $0.id == "nan-loss" })
    #expect(finding.epoch == 1)
    #expect(finding.title == "the loss became infinite")
    #expect(finding.evidence.first == "loss = inf at the end of epoch 1")
}

@Test func aDivergingRunIsCaughtAtTheFirstTenfoldJump() throws {
    let found = try findings("k3_diverging", withModel: true)
    let finding = try #require(found.first { $0.id == "diverging" })
    // 575.0 then 3549.3 (6x) then 410858.8 (714x the best): epoch 3.
    #expect(finding.epoch == 3)
    #expect(finding.evidence.contains { $0.contains("learning rate 1.1") })
}

@Test func overfittingNamesTheBestEpoch() throws {
    let found = try findings("k3_overfitting", withModel: true)
    let finding = try #require(found.first { $0.id == "overfitting" })
    #expect(finding.title == "validation loss rising since epoch 3 while training loss falls")
    #expect(finding.epoch == 4)
    #expect(finding.fix.contains("restore_best_weights=True"))
    #expect(Set(ids(found)).isDisjoint(with: configIDs))
}

@Test func aRawPriceLossDominatesTheClassifierHead() throws {
    let found = try findings("k3_loss_weight_dominance", withModel: true)
    let finding = try #require(found.first { $0.id == "loss-weight-dominance" })
    #expect(finding.severity == .info)
    #expect(finding.confidence == .certain)
    #expect(finding.title.hasPrefix("price's loss is 99.9%"))
    #expect(finding.evidence.contains("layers shared by all outputs: trunk"))
    #expect(!ids(found).contains("total-loss-mismatch"))
    let suspected = try findings("k3_loss_weight_dominance", withModel: false)
    #expect(suspected.first { $0.id == "loss-weight-dominance" }?.confidence == .suspected)
}

@Test func aRegulariserShowsAsTotalLossMismatchNamingTheLayer() throws {
    let found = try findings("k3_regularized_two_heads", withModel: true)
    let finding = try #require(found.first { $0.id == "total-loss-mismatch" })
    #expect(finding.epoch == 1)
    #expect(finding.confidence == .certain)
    #expect(finding.evidence.contains("layers with a regulariser (their penalty is in the total only): trunk"))
}

@Test func tfKerasFromLogitsOnSigmoidIsOnlyInfoBecauseItsLossIsRight() throws {
    // tf-keras computes the loss from the cached logits: the recorded run trains to 0.85 accuracy.
    let found = try findings("tfk_from_logits_on_sigmoid", withModel: true)
    let finding = try #require(found.first { $0.id == "from-logits-mismatch" })
    #expect(finding.severity == .info)
    #expect(finding.confidence == .certain)
    #expect(finding.explanation.contains("tf-keras 2.x (read in 2.21)"))
}

@Test func tfKerasRegressionAccuracyIsFoundInTheLogAndCertainWithTheModel() throws {
    // tf-keras 2.21, mse on house prices with metrics=['accuracy']: 0.0000 in all 8 epochs.
    let alone = try findings("tfk_regression_accuracy", withModel: false)
    #expect(ids(alone) == ["accuracy-on-regression", "stuck-metric"])
    #expect(alone[0].confidence == .suspected)
    let certain = try findings("tfk_regression_accuracy", withModel: true)
    let finding = try #require(certain.first { $0.id == "accuracy-on-regression" })
    #expect(finding.confidence == .certain)
    #expect(finding.explanation.hasPrefix("In tf.keras (TF 2.2+) and Keras/tf-keras 2.4-2.x, 'accuracy' is chosen from the output and target shapes"))
    #expect(Diagnostics.resolvedMetrics(history: try RunFixtures.history("tfk_regression_accuracy"),
                                        model: try RunFixtures.model("tfk_regression_accuracy.keras"),
                                        flavour: nil)["val_accuracy"] == .binaryAccuracy)
}
