import Foundation

/// Keras activations (keras/src/activations) with their derivatives.
public enum Activation: String, Sendable, Equatable, CaseIterable {
    case linear, relu, sigmoid, tanh, softmax, elu

    /// Parse a Keras activation name (`None` and `linear` are the identity).
    public init?(keras name: String) {
        switch name.lowercased() {
        case "linear", "none", "": self = .linear
        case "relu": self = .relu
        case "sigmoid": self = .sigmoid
        case "tanh": self = .tanh
        case "softmax": self = .softmax
        case "elu": self = .elu
        default: return nil
        }
    }

    /// `y = f(x)` row by row (softmax over the last axis, as Keras's default `axis=-1`).
    /// On a one-unit output softmax is exp(x)/exp(x) = 1 whatever x is: the classic mistake.
    public func apply(_ x: Matrix, into y: inout Matrix) {
        y.reshape(rows: x.rows, cols: x.cols)
        let n = x.count, cols = x.cols
        x.storage.withUnsafeBufferPointer { xs in
            y.storage.withUnsafeMutableBufferPointer { ys in
                switch self {
                case .linear:
                    for i in 0..<n { ys[i] = xs[i] }
                case .relu:
                    for i in 0..<n { ys[i] = max(xs[i], 0) }
                case .sigmoid:
                    for i in 0..<n { ys[i] = TrainingCore.sigmoid(xs[i]) }
                case .tanh:
                    for i in 0..<n { ys[i] = tanhf(xs[i]) }
                case .elu:
                    for i in 0..<n { ys[i] = xs[i] > 0 ? xs[i] : expm1f(xs[i]) }
                case .softmax:
                    var r = 0
                    while r < n {
                        var peak = -Float.infinity
                        for c in r..<(r + cols) { peak = max(peak, xs[c]) }
                        var total: Float = 0
                        for c in r..<(r + cols) { let e = expf(xs[c] - peak); ys[c] = e; total += e }
                        for c in r..<(r + cols) { ys[c] /= total }
                        r += cols
                    }
                }
            }
        }
    }

    /// `dx = dy · f'(x)` given the forward input `x` and output `y` (softmax: the full
    /// Jacobian-vector product `y ⊙ (dy - Σ dy ⊙ y)`).
    public func backward(x: Matrix, y: Matrix, dy: Matrix, into dx: inout Matrix) {
        dx.reshape(rows: x.rows, cols: x.cols)
        let n = x.count, cols = x.cols
        x.storage.withUnsafeBufferPointer { xs in
            y.storage.withUnsafeBufferPointer { ys in
                dy.storage.withUnsafeBufferPointer { gs in
                    dx.storage.withUnsafeMutableBufferPointer { out in
                        switch self {
                        case .linear:
                            for i in 0..<n { out[i] = gs[i] }
                        case .relu:
                            for i in 0..<n { out[i] = xs[i] > 0 ? gs[i] : 0 }
                        case .sigmoid:
                            for i in 0..<n { out[i] = gs[i] * ys[i] * (1 - ys[i]) }
                        case .tanh:
                            for i in 0..<n { out[i] = gs[i] * (1 - ys[i] * ys[i]) }
                        case .elu:
                            for i in 0..<n { out[i] = xs[i] > 0 ? gs[i] : gs[i] * (ys[i] + 1) }
                        case .softmax:
                            var r = 0
                            while r < n {
                                var dot: Float = 0
                                for c in r..<(r + cols) { dot += gs[c] * ys[c] }
                                for c in r..<(r + cols) { out[c] = ys[c] * (gs[c] - dot) }
                                r += cols
                            }
                        }
                    }
                }
            }
        }
    }
}
