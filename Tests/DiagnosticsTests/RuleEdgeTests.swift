import Testing
import KerasModel
import TrainingLog
@testable import Diagnostics

// Each rule at its edges: configurations that are right must stay silent.

private let moving = RunFixtures.history(["accuracy": [0.5, 0.6, 0.7, 0.75, 0.8, 0.82],
                                          "loss": [0.7, 0.6, 0.5, 0.45, 0.4, 0.38]])

private func configFindings(_ model: ModelGraph, history: RunHistory = moving) -> [String] {
    ids(Diagnostics.findings(history: history, model: model, flavour: nil)).filter(configIDs.contains)
}

@Test func sigmoidOneUnitBinaryCrossentropyWithAccuracyIsFine() {
    let model = RunFixtures.singleOutput(units: 1, activation: "sigmoid", loss: LossSpec(kind: .binaryCrossentropy),
                                         metrics: ["accuracy"])
    #expect(configFindings(model).isEmpty)
    #expect(Diagnostics.resolvedMetrics(history: moving, model: model, flavour: nil)["accuracy"] == .binaryAccuracy)
}

@Test func mseWithMaeMetricIsFine() {
    let history = RunFixtures.history(["loss": [30, 20, 15, 12, 11], "mae": [4.1, 3.5, 3.0, 2.8, 2.7]])
    let model = RunFixtures.singleOutput(units: 1, activation: "linear", loss: LossSpec(kind: .meanSquaredError),
                                         metrics: ["mae"])
    #expect(Diagnostics.findings(history: history, model: model, flavour: nil).isEmpty)
    #expect(Diagnostics.resolvedMetrics(history: history, model: model, flavour: nil) == ["mae": .meanAbsoluteError])
}

@Test func categoricalCrossentropyOnTwoUnitSoftmaxIsFine() {
    let model = RunFixtures.singleOutput(units: 2, activation: "softmax", loss: LossSpec(kind: .categoricalCrossentropy),
                                         metrics: ["accuracy"])
    #expect(configFindings(model).isEmpty)
    #expect(Diagnostics.resolvedMetrics(history: moving, model: model, flavour: nil)["accuracy"] == .categoricalAccuracy)
}

@Test func fromLogitsWithALinearOutputIsFine() {
    for (units, kind) in [(1, LossKind.binaryCrossentropy), (3, .categoricalCrossentropy), (3, .sparseCategoricalCrossentropy)] {
        let model = RunFixtures.singleOutput(units: units, activation: "linear", loss: LossSpec(kind: kind, fromLogits: true),
                                             metrics: ["accuracy"])
        #expect(configFindings(model).isEmpty, "\(kind)")
    }
}

@Test func binaryCrossentropyOnSigmoidUnitsIsMultiLabelAndFine() {
    let model = RunFixtures.singleOutput(units: 5, activation: "sigmoid", loss: LossSpec(kind: .binaryCrossentropy),
                                         metrics: ["binary_accuracy"])
    #expect(configFindings(model).isEmpty)
}

@Test func binaryCrossentropyOnTwoUnitSoftmaxIsBelowTheMulticlassEdge() {
    let model = RunFixtures.singleOutput(units: 2, activation: "softmax", loss: LossSpec(kind: .binaryCrossentropy),
                                         metrics: ["accuracy"])
    #expect(configFindings(model).isEmpty)
}

@Test func oldKerasBinaryCrossentropyMulticlassAccuracyIsCalledInflated() {
    let model = RunFixtures.singleOutput(units: 4, activation: "softmax", loss: LossSpec(kind: .binaryCrossentropy),
                                         metrics: ["acc"], version: "2.2.4")
    let finding = Diagnostics.findings(history: moving, model: model, flavour: nil)
        .first { $0.id == "binary-crossentropy-multiclass" }
    #expect(finding?.explanation.contains("3/4 = 0.7500") == true)
    #expect(finding?.evidence.contains { $0.contains("round(ŷ)==y") } == true)
}

@Test func oldKerasRegressionAccuracyIsTheRoundedBinaryAccuracy() {
    let model = RunFixtures.singleOutput(units: 1, activation: "linear", loss: LossSpec(kind: .meanSquaredError),
                                         metrics: ["acc"], version: "2.2.4")
    let finding = Diagnostics.findings(history: moving, model: model, flavour: nil).first { $0.id == "accuracy-on-regression" }
    #expect(finding?.explanation.hasPrefix("In Keras 2.0-2.3 and tf.keras before TF 2.2, 'accuracy' is chosen from the loss") == true)
    #expect(finding?.explanation.contains("round(ŷ) == y") == true)
}

@Test func dropoutBelowTheThresholdIsFineAndJustBelowOneWarns() {
    func model(rate: Double) -> ModelGraph {
        var graph = RunFixtures.singleOutput(units: 1, activation: "sigmoid", loss: LossSpec(kind: .binaryCrossentropy), metrics: [])
        graph.layers.insert(Layer(name: "drop", className: "Dropout", outputShape: [8], rate: rate, inbound: ["hidden"]), at: 2)
        graph.layers[3].inbound = ["drop"]
        return graph
    }
    #expect(configFindings(model(rate: 0.5)).isEmpty)
    let nearlyAll = Diagnostics.findings(history: moving, model: model(rate: 0.995), flavour: nil)
    #expect(nearlyAll.first?.id == "dropout-rate-one")
    #expect(nearlyAll.first?.severity == .warning)
    #expect(nearlyAll.first?.evidence.first?.hasSuffix("of 8 units 0.04 pass on average") == true)
    #expect(Diagnostics.findings(history: moving, model: model(rate: 1.0), flavour: nil).first?.severity == .error)
}

@Test func aSummaryTableModelKeepsConfigFindingsSuspected() {
    var model = RunFixtures.singleOutput(units: 1, activation: "softmax", loss: nil, metrics: [], provenance: .summaryTable)
    model.outputs[0].loss = nil
    let found = Diagnostics.findings(history: moving, model: model, flavour: nil)
    #expect(found.first { $0.id == "softmax-single-unit" }?.confidence == .suspected)
}

@Test func overfittingNeedsARiseBeyondNoise() {
    // val_loss best at epoch 2 and 5% worse three epochs later: noise, not overfitting.
    let noisy = RunFixtures.history(["loss": [1.0, 0.8, 0.7, 0.6, 0.5], "val_loss": [1.0, 0.80, 0.82, 0.83, 0.84]])
    #expect(Diagnostics.findings(history: noisy, model: nil, flavour: nil).isEmpty)
    let rising = RunFixtures.history(["loss": [1.0, 0.8, 0.7, 0.6, 0.5], "val_loss": [1.0, 0.80, 0.85, 0.90, 0.95]])
    #expect(ids(Diagnostics.findings(history: rising, model: nil, flavour: nil)) == ["overfitting"])
}

@Test func aLossThatDoublesIsNotDivergence() {
    let wobbly = RunFixtures.history(["loss": [2.0, 1.0, 0.5, 1.0, 0.6]])
    #expect(Diagnostics.findings(history: wobbly, model: nil, flavour: nil).isEmpty)
}

@Test func aNaNInTheRunningBatchIsReportedWithItsStep() {
    var history = RunFixtures.history(["loss": [0.9, 0.8]])
    history.apply(.batchProgress(BatchProgress(epoch: 3, step: 17, total: 81, metrics: ["loss": .nan])))
    let finding = Diagnostics.findings(history: history, model: nil, flavour: nil).first
    #expect(finding?.id == "nan-loss")
    #expect(finding?.epoch == 3)
    #expect(finding?.evidence.first == "loss = nan at step 17 of epoch 3")
    #expect(finding?.title == "the loss became NaN")
}

@Test func findingsAreOrderedBySeverityThenEpochThenIdWithUniqueIds() {
    // Two regression outputs with accuracy plus a NaN: one accuracy finding listing both outputs.
    let model = ModelGraph(
        name: "m",
        layers: [Layer(name: "x", className: "InputLayer", outputShape: [3]),
                 Layer(name: "a", className: "Dense", activation: "linear", units: 1, inbound: ["x"]),
                 Layer(name: "b", className: "Dense", activation: "linear", units: 1, inbound: ["x"])],
        inputs: ["x"],
        outputs: [OutputSpec(name: "a", loss: LossSpec(kind: .meanSquaredError), metrics: ["accuracy"]),
                  OutputSpec(name: "b", loss: LossSpec(kind: .meanAbsoluteError), metrics: ["accuracy"])],
        kerasVersion: "3.15.1", provenance: .modelFile)
    let history = RunFixtures.history(["a_accuracy": [0, 0, 0], "a_loss": [5, 4, .nan], "b_accuracy": [0, 0, 0],
                                       "b_loss": [3, 2, 1], "loss": [8, 6, .nan]])
    let found = Diagnostics.findings(history: history, model: model, flavour: nil)
    #expect(ids(found) == ["nan-loss", "accuracy-on-regression"])
    #expect(found[1].metrics == ["a_accuracy", "b_accuracy"])
    #expect(Diagnostics.findings(history: history, model: model, flavour: nil) == found)
}
