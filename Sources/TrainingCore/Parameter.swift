/// One trainable variable (a kernel or a bias) with its gradient and optimiser slots.
public final class Parameter {
    /// Variable name, Keras style (`dense/kernel`).
    public let name: String
    /// Current values, row-major for kernels.
    public var value: [Float]
    /// Gradient of the total loss from the last backward pass.
    public var gradient: [Float]
    /// Optimiser state (Adam's m and v, momentum, RMSprop's velocity), created on first use.
    var slots: [[Float]] = []

    /// A variable with these initial values.
    public init(name: String, value: [Float]) {
        self.name = name
        self.value = value
        gradient = [Float](repeating: 0, count: value.count)
    }
}
