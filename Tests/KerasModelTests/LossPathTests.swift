import Testing
@testable import KerasModel
import TestSupport

@Test func out1LossReachesSharedTrunkButNotOtherHead() {
    let reached = twoHeadsModel().layersReached(byOutput: "out1")
    #expect(Array(reached) == ["x", "A", "B", "C", "out1"])
    #expect(!reached.contains("D"))
}

@Test func accuracyWithMseOnOneUnitResolvesToBinaryAccuracyInKeras3() {
    let resolved = MetricResolution.resolve(metric: "accuracy", outputUnits: 1, target: .singleValue,
                                            loss: .meanSquaredError, flavour: .keras3)
    #expect(resolved == .binaryAccuracy)
    #expect(resolved.formula.contains("ŷ>0.5"))
}

@Test func lossAliasesParseToCanonicalKinds() {
    #expect(LossKind(keras: "mse") == .meanSquaredError)
    #expect(LossKind(keras: "BinaryCrossentropy") == .binaryCrossentropy)
    #expect(LossKind(keras: "sparse_categorical_crossentropy") == .sparseCategoricalCrossentropy)
    #expect(LossKind(keras: "not_a_loss") == nil)
}
