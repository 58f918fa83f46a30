/// Keras 3 optimisers (keras/src/optimizers) with their defaults and update formulas.
public final class Optimizer {
    /// Which algorithm, with its hyper-parameters.
    public enum Algorithm: Sendable, Equatable {
        /// `SGD(learning_rate=0.01, momentum=0.0, nesterov=False)`.
        case sgd(momentum: Float, nesterov: Bool)
        /// `Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)`.
        case adam(beta1: Float, beta2: Float, epsilon: Float)
        /// `RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False)`.
        case rmsprop(rho: Float, momentum: Float, epsilon: Float, centered: Bool)

        /// Keras's name (`adam`, `sgd`, `rmsprop`).
        public var name: String {
            switch self {
            case .sgd: return "sgd"
            case .adam: return "adam"
            case .rmsprop: return "rmsprop"
            }
        }

        /// Keras's default learning rate for this optimiser.
        public var defaultLearningRate: Double {
            switch self {
            case .sgd: return 0.01
            case .adam, .rmsprop: return 0.001
            }
        }
    }

    /// The algorithm.
    public let algorithm: Algorithm
    /// The learning rate, changeable between steps (ReduceLROnPlateau). Stored as Float32
    /// like Keras's variable: callbacks read back the rounded value.
    public var learningRate: Float
    /// Steps taken so far (Keras's `iterations`).
    public private(set) var iterations = 0

    /// An optimiser; `learningRate` defaults to Keras's for the algorithm.
    public init(_ algorithm: Algorithm, learningRate: Double? = nil) {
        self.algorithm = algorithm
        self.learningRate = Float(learningRate ?? algorithm.defaultLearningRate)
    }

    /// Apply one update from each parameter's `gradient`.
    public func step(_ parameters: [Parameter]) {
        let lr = learningRate
        let t = Float(iterations + 1)
        for parameter in parameters {
            let n = parameter.value.count
            switch algorithm {
            case .sgd(let momentum, let nesterov):
                if momentum == 0 {
                    parameter.value.withUnsafeMutableBufferPointer { v in
                        parameter.gradient.withUnsafeBufferPointer { g in
                            for i in 0..<n { v[i] -= lr * g[i] }
                        }
                    }
                } else {
                    if parameter.slot0.isEmpty { parameter.slot0 = [Float](repeating: 0, count: n) }
                    parameter.value.withUnsafeMutableBufferPointer { v in
                        parameter.gradient.withUnsafeBufferPointer { g in
                            parameter.slot0.withUnsafeMutableBufferPointer { m in
                                for i in 0..<n {
                                    m[i] = m[i] * momentum - g[i] * lr
                                    v[i] += nesterov ? m[i] * momentum - g[i] * lr : m[i]
                                }
                            }
                        }
                    }
                }
            case .adam(let beta1, let beta2, let epsilon):
                if parameter.slot0.isEmpty {
                    parameter.slot0 = [Float](repeating: 0, count: n)
                    parameter.slot1 = [Float](repeating: 0, count: n)
                }
                let alpha = lr * (1 - powf(beta2, t)).squareRoot() / (1 - powf(beta1, t))
                parameter.value.withUnsafeMutableBufferPointer { v in
                    parameter.gradient.withUnsafeBufferPointer { g in
                        parameter.slot0.withUnsafeMutableBufferPointer { m in
                            parameter.slot1.withUnsafeMutableBufferPointer { s in
                                // SIMD8 chunks: Adam's sqrt and divide per weight were a quarter of the digits fit.
                                let b1 = SIMD8<Float>(repeating: 1 - beta1), b2 = SIMD8<Float>(repeating: 1 - beta2)
                                let a8 = SIMD8<Float>(repeating: alpha), e8 = SIMD8<Float>(repeating: epsilon)
                                let vectorEnd = n - n % 8
                                var i = 0
                                while i < vectorEnd {
                                    let gi = UnsafeRawPointer(g.baseAddress! + i).loadUnaligned(as: SIMD8<Float>.self)
                                    var mi = UnsafeRawPointer(m.baseAddress! + i).loadUnaligned(as: SIMD8<Float>.self)
                                    var si = UnsafeRawPointer(s.baseAddress! + i).loadUnaligned(as: SIMD8<Float>.self)
                                    var vi = UnsafeRawPointer(v.baseAddress! + i).loadUnaligned(as: SIMD8<Float>.self)
                                    mi += (gi - mi) * b1
                                    si += (gi * gi - si) * b2
                                    vi -= (mi * a8) / (si.squareRoot() + e8)
                                    UnsafeMutableRawPointer(m.baseAddress! + i).storeBytes(of: mi, as: SIMD8<Float>.self)
                                    UnsafeMutableRawPointer(s.baseAddress! + i).storeBytes(of: si, as: SIMD8<Float>.self)
                                    UnsafeMutableRawPointer(v.baseAddress! + i).storeBytes(of: vi, as: SIMD8<Float>.self)
                                    i += 8
                                }
                                for i in vectorEnd..<n {
                                    m[i] += (g[i] - m[i]) * (1 - beta1)
                                    s[i] += (g[i] * g[i] - s[i]) * (1 - beta2)
                                    v[i] -= (m[i] * alpha) / (s[i].squareRoot() + epsilon)
                                }
                            }
                        }
                    }
                }
            case .rmsprop(let rho, let momentum, let epsilon, let centered):
                if parameter.slot0.isEmpty {
                    parameter.slot0 = [Float](repeating: 0, count: n)
                    parameter.slot1 = [Float](repeating: 0, count: n)
                    parameter.slot2 = [Float](repeating: 0, count: n)
                }
                parameter.value.withUnsafeMutableBufferPointer { v in
                    parameter.gradient.withUnsafeBufferPointer { g in
                        parameter.slot0.withUnsafeMutableBufferPointer { velocity in
                            parameter.slot1.withUnsafeMutableBufferPointer { average in
                                parameter.slot2.withUnsafeMutableBufferPointer { m in
                                    for i in 0..<n {
                                        velocity[i] = rho * velocity[i] + (1 - rho) * g[i] * g[i]
                                        var denominator = velocity[i] + epsilon
                                        if centered {
                                            average[i] = rho * average[i] + (1 - rho) * g[i]
                                            denominator = velocity[i] - average[i] * average[i] + epsilon
                                        }
                                        let increment = lr * g[i] / denominator.squareRoot()
                                        if momentum > 0 {
                                            m[i] = momentum * m[i] + increment
                                            v[i] -= m[i]
                                        } else {
                                            v[i] -= increment
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        iterations += 1
    }
}

import Foundation
