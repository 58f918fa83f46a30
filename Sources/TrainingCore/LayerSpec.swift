/// One layer of a model as a run spec describes it, before it is built.
public struct LayerSpec: Sendable, Equatable {
    /// What the layer computes.
    public enum Kind: Sendable, Equatable {
        /// The model input; its width comes from the data's feature columns.
        case input
        /// `Dense(units, activation, kernel_initializer, bias_initializer, use_bias)`.
        case dense(units: Int, activation: Activation, kernel: Initializer, bias: Initializer, useBias: Bool)
        /// `Activation(name)`.
        case activation(Activation)
        /// `Dropout(rate)`: zeroes a `rate` fraction in training, scales the rest by 1/(1-rate).
        case dropout(rate: Double)
        /// `Concatenate()` along the last axis.
        case concatenate
        /// `Add()`: element-wise sum of same-shaped inputs.
        case add

        /// The Keras class name.
        public var className: String {
            switch self {
            case .input: return "InputLayer"
            case .dense: return "Dense"
            case .activation: return "Activation"
            case .dropout: return "Dropout"
            case .concatenate: return "Concatenate"
            case .add: return "Add"
            }
        }

        /// Keras 3's automatic name prefix (`dense`, `dense_1`, …; inputs are `input_layer`).
        var autoNamePrefix: String {
            switch self {
            case .input: return "input_layer"
            case .dense: return "dense"
            case .activation: return "activation"
            case .dropout: return "dropout"
            case .concatenate: return "concatenate"
            case .add: return "add"
            }
        }
    }

    /// The layer's name (given, or Keras-style automatic).
    public var name: String
    /// What it computes.
    public var kind: Kind
    /// Names of the layers feeding it; empty means "the layer listed before it".
    public var inputs: [String]
    /// Where the spec defined it (1-based line), for error messages.
    public var line: Int?

    /// A layer.
    public init(name: String, kind: Kind, inputs: [String] = [], line: Int? = nil) {
        self.name = name
        self.kind = kind
        self.inputs = inputs
        self.line = line
    }
}
