import KerasModel
import TestSupport

/// A residual block with an auxiliary head: input -> a -> b -> c, add(a, c) -> main, and
/// a -> aux. The skip edge a -> add crosses two ranks.
func residualModel() -> ModelGraph {
    ModelGraph(
        name: "residual",
        layers: [
            Layer(name: "input", className: "InputLayer", outputShape: [16]),
            Layer(name: "a", className: "Dense", outputShape: [16], activation: "relu", inbound: ["input"]),
            Layer(name: "b", className: "Dense", outputShape: [16], activation: "relu", inbound: ["a"]),
            Layer(name: "c", className: "Dense", outputShape: [16], inbound: ["b"]),
            Layer(name: "add", className: "Add", outputShape: [16], inbound: ["a", "c"]),
            Layer(name: "aux", className: "Dense", outputShape: [3], activation: "softmax", inbound: ["a"]),
            Layer(name: "main", className: "Dense", outputShape: [1], inbound: ["add"]),
        ],
        inputs: ["input"],
        outputs: [
            OutputSpec(name: "main", loss: LossSpec(kind: .meanSquaredError, configuredName: "mse")),
            OutputSpec(name: "aux", loss: LossSpec(kind: .categoricalCrossentropy, fromLogits: true), lossWeight: 0.5),
        ],
        provenance: .modelFile)
}
