import KerasModel

/// The two-output model of the Keras multi-output guide: x -> A -> B, B -> C -> out1,
/// B -> D -> out2, trained with mse on out1 (weight 1) and binary cross-entropy on out2 (weight 0.2).
public func twoHeadsModel() -> ModelGraph {
    ModelGraph(
        name: "two_heads",
        layers: [
            Layer(name: "x", className: "InputLayer", outputShape: [8]),
            Layer(name: "A", className: "Dense", activation: "relu", units: 32, inbound: ["x"]),
            Layer(name: "B", className: "Dense", activation: "relu", units: 16, inbound: ["A"]),
            Layer(name: "C", className: "Dense", units: 8, inbound: ["B"]),
            Layer(name: "D", className: "Dense", units: 8, inbound: ["B"]),
            Layer(name: "out1", className: "Dense", activation: "linear", units: 1, inbound: ["C"]),
            Layer(name: "out2", className: "Dense", activation: "sigmoid", units: 1, inbound: ["D"]),
        ],
        inputs: ["x"],
        outputs: [
            OutputSpec(name: "out1", loss: LossSpec(kind: .meanSquaredError, configuredName: "mse"), lossWeight: 1.0),
            OutputSpec(name: "out2", loss: LossSpec(kind: .binaryCrossentropy), lossWeight: 0.2),
        ],
        provenance: .modelFile)
}
