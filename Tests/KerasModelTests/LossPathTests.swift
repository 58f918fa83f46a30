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

@Test func shortLossNamesAreAliasesKerasAcceptsAndReadBack() {
    // One-line graph boxes print these instead of the long names: each must mean its loss.
    let named = LossKind.allCases.filter { $0.shortName != nil }
    #expect(named.count == 8)
    for kind in named where kind != .sparseCategoricalCrossentropy {
        #expect(LossKind(keras: kind.shortName!) == kind, "\(kind.shortName!) is not read back as \(kind)")
    }
    #expect(LossKind.binaryCrossentropy.shortName == "bce")
    #expect(LossKind.sparseCategoricalCrossentropy.shortName == "sparse cce")
    #expect(LossKind.huber.shortName == nil)
}
