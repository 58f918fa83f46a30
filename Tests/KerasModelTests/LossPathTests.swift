import Testing
@testable import KerasModel

/// The two-output model of the Keras multi-output guide: x -> A -> B, B -> C -> out1, B -> D -> out2.
func twoHeads() -> ModelGraph {
    ModelGraph(
        name: "two_heads",
        layers: [
            Layer(name: "x", className: "InputLayer", outputShape: [8]),
            Layer(name: "A", className: "Dense", units: 32, inbound: ["x"]),
            Layer(name: "B", className: "Dense", units: 16, inbound: ["A"]),
            Layer(name: "C", className: "Dense", units: 8, inbound: ["B"]),
            Layer(name: "D", className: "Dense", units: 8, inbound: ["B"]),
            Layer(name: "out1", className: "Dense", activation: "linear", units: 1, inbound: ["C"]),
            Layer(name: "out2", className: "Dense", activation: "sigmoid", units: 1, inbound: ["D"]),
        ],
        inputs: ["x"],
        outputs: [
            OutputSpec(name: "out1", loss: LossSpec(kind: .meanSquaredError), lossWeight: 1.0, metrics: ["mae"]),
            OutputSpec(name: "out2", loss: LossSpec(kind: .binaryCrossentropy), lossWeight: 0.2, metrics: ["accuracy"]),
        ],
        provenance: .modelFile)
}

@Test func out1LossReachesSharedTrunkButNotOtherHead() {
    let reached = twoHeads().layersReached(byOutput: "out1")
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
