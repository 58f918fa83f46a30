/// One trainable variable (a kernel or a bias) with its gradient and optimiser slots.
public final class Parameter {
    /// Variable name, Keras style (`dense/kernel`).
    public let name: String
    /// Current values, row-major for kernels.
    public var value: [Float]
    /// Gradient of the total loss from the last backward pass.
    public var gradient: [Float]
    /// Optimiser state, created on first use: SGD's momentum; Adam's m and v; RMSprop's
    /// velocity, average gradient and momentum. Separate properties so an update can hold all
    /// of them at once (overlapping accesses to one array property would trap).
    var slot0: [Float] = []
    var slot1: [Float] = []
    var slot2: [Float] = []

    /// A variable with these initial values.
    public init(name: String, value: [Float]) {
        self.name = name
        self.value = value
        gradient = [Float](repeating: 0, count: value.count)
    }
}
