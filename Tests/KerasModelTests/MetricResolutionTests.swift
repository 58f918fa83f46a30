import Testing
@testable import KerasModel

@Test func versionStringsMapToTheRuleKerasUsedForAccuracy() {
    #expect(KerasFlavour(version: "3.15.1") == .keras3)
    #expect(KerasFlavour(version: "3.x") == .keras3)
    #expect(KerasFlavour(version: "2.21.0") == .keras2)
    // tf.keras in TF 2.2 reported 2.3.0-tf and chose by shape; multi-backend 2.3.1 chose by loss.
    #expect(KerasFlavour(version: "2.3.0-tf") == .keras2)
    #expect(KerasFlavour(version: "2.3.1") == .keras2Legacy)
    #expect(KerasFlavour(version: "2.2.4-tf") == .keras2Legacy)
    #expect(KerasFlavour(version: "2.2.4") == .keras2Legacy)
    #expect(KerasFlavour(version: "1.2.2") == .keras1)
    #expect(KerasFlavour(version: "banana") == nil)
}

@Test func accuracyFollowsShapesInKeras3AndTheLossInOldKeras() {
    func resolve(_ units: Int?, _ target: TargetEncoding, _ loss: LossKind?, _ flavour: KerasFlavour) -> ResolvedMetric {
        MetricResolution.resolve(metric: "accuracy", outputUnits: units, target: target, loss: loss, flavour: flavour)
    }
    // S2: binary cross-entropy on 3 softmax units -> categorical in tf-keras, binary (rounded) in Keras 2.2.
    #expect(resolve(3, .oneHot, .binaryCrossentropy, .keras2) == .categoricalAccuracy)
    #expect(resolve(3, .oneHot, .binaryCrossentropy, .keras1) == .binaryAccuracyRounded)
    // Sparse targets: from the target in Keras 3, from the loss when the target is unknown.
    #expect(resolve(3, .integerLabels, .categoricalCrossentropy, .keras3) == .sparseCategoricalAccuracy)
    #expect(resolve(3, .unknown, .sparseCategoricalCrossentropy, .keras3) == .sparseCategoricalAccuracy)
    #expect(resolve(3, .unknown, .categoricalCrossentropy, .keras3) == .categoricalAccuracy)
    // Nothing known: not guessed.
    #expect(resolve(nil, .unknown, nil, .keras3) == .other)
    #expect(resolve(nil, .unknown, nil, .keras1) == .other)
}
