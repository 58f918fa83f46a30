import KerasModel

/// How one model output is trained: its loss, loss weight and metrics (Keras's compile
/// config for that output).
public struct CompiledOutput: Sendable, Equatable {
    /// The output layer's name (the log-key prefix on multi-output models).
    public var name: String
    /// The loss.
    public var loss: Loss
    /// `loss_weights` entry; Keras's default is 1.0.
    public var weight: Double
    /// Compiled metrics.
    public var metrics: [Metric]

    /// An output's compile config.
    public init(name: String, loss: Loss, weight: Double = 1, metrics: [Metric] = []) {
        self.name = name
        self.loss = loss
        self.weight = weight
        self.metrics = metrics
    }

    /// The config as the Keras semantics module describes it.
    public var spec: OutputSpec {
        OutputSpec(name: name, loss: LossSpec(kind: loss.kind, fromLogits: loss.fromLogits),
                   lossWeight: weight, metrics: metrics.map(\.name))
    }
}
