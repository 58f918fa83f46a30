import Foundation
import KerasModel

/// A Keras 3 loss function (keras/src/losses/losses.py with the jax backend's ops):
/// per-sample values are the mean over the last axis (sum for the categorical ones), the
/// reported loss is their mean over the batch, and probabilities are clipped to
/// `[1e-7, 1 - 1e-7]` (Keras's `epsilon()`) before any logarithm.
public struct Loss: Sendable, Equatable {
    /// Which function.
    public let kind: LossKind
    /// `from_logits=True` (cross-entropies only).
    public let fromLogits: Bool
    /// Huber's delta (Keras's default 1.0).
    public let delta: Float = 1

    /// Keras's `backend.epsilon()`: 1e-7.
    public static let epsilon: Float = 1e-7

    /// The kinds the training core computes.
    public static let supported: Set<LossKind> = [
        .meanSquaredError, .meanAbsoluteError, .meanAbsolutePercentageError, .huber,
        .binaryCrossentropy, .categoricalCrossentropy, .sparseCategoricalCrossentropy,
    ]

    /// A loss; throws for kinds the core does not implement or `from_logits` where Keras has none.
    public init(kind: LossKind, fromLogits: Bool = false) throws {
        guard Self.supported.contains(kind) else {
            throw SpecError("loss '\(kind.rawValue)' is not supported by the training core "
                            + "(supported: mse, mae, mape, huber, binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy)")
        }
        if fromLogits && !kind.acceptsLogits {
            throw SpecError("loss '\(kind.rawValue)' has no from_logits option")
        }
        self.kind = kind
        self.fromLogits = fromLogits
    }

    /// The width a target must have for an output of `outputWidth` units.
    public func targetWidth(forOutput outputWidth: Int) -> Int {
        kind == .sparseCategoricalCrossentropy ? 1 : outputWidth
    }

    /// Per-sample losses of `prediction` against `target`, written to `perSample`; returns their sum.
    /// When `gradient` is given it receives `d(weight · mean_batch(loss)) / d prediction`.
    @discardableResult
    public func evaluate(prediction p: Matrix, target t: Matrix, weight: Float = 1,
                         perSample: UnsafeMutablePointer<Float>? = nil, gradient: UnsafeMutablePointer<Float>? = nil) -> Double {
        let rows = p.rows, cols = p.cols
        let tcols = t.cols
        let scale = weight / Float(max(rows, 1))
        var total = 0.0
        p.storage.withUnsafeBufferPointer { ps in
            t.storage.withUnsafeBufferPointer { ts in
                for r in 0..<rows {
                    let pr = ps.baseAddress! + r * cols
                    let tr = ts.baseAddress! + r * tcols
                    let g = gradient.map { $0 + r * cols }
                    let value = sample(pr, tr, cols: cols, gradient: g, scale: scale)
                    perSample?[r] = value
                    total += Double(value)
                }
            }
        }
        return total
    }

    /// One sample's loss; adds `scale · dloss/dp` into `g` when given.
    private func sample(_ p: UnsafePointer<Float>, _ t: UnsafePointer<Float>, cols: Int,
                        gradient g: UnsafeMutablePointer<Float>?, scale: Float) -> Float {
        let n = Float(cols)
        let eps = Loss.epsilon
        switch kind {
        case .meanSquaredError:
            var s: Float = 0
            for j in 0..<cols {
                let e = p[j] - t[j]
                s += e * e
                g?[j] = scale * 2 * e / n
            }
            return s / n
        case .meanAbsoluteError:
            var s: Float = 0
            for j in 0..<cols {
                let e = p[j] - t[j]
                s += abs(e)
                g?[j] = scale * sign(e) / n
            }
            return s / n
        case .meanAbsolutePercentageError:
            var s: Float = 0
            for j in 0..<cols {
                let denominator = max(abs(t[j]), eps)
                let e = p[j] - t[j]
                s += abs(e) / denominator
                g?[j] = scale * 100 * sign(e) / denominator / n
            }
            return 100 * s / n
        case .huber:
            var s: Float = 0
            for j in 0..<cols {
                let e = p[j] - t[j]
                if abs(e) <= delta {
                    s += 0.5 * e * e
                    g?[j] = scale * e / n
                } else {
                    s += delta * abs(e) - 0.5 * delta * delta
                    g?[j] = scale * delta * sign(e) / n
                }
            }
            return s / n
        case .binaryCrossentropy:
            var s: Float = 0
            for j in 0..<cols {
                let y = t[j]
                if fromLogits {
                    // -y·log σ(z) - (1-y)·log σ(-z), with log σ(z) = -softplus(-z).
                    let z = p[j]
                    s += y * softplus(-z) + (1 - y) * softplus(z)
                    g?[j] = scale * (sigmoid(z) - y) / n
                } else {
                    let q = min(max(p[j], eps), 1 - eps)
                    s -= y * logf(q) + (1 - y) * logf(1 - q)
                    let inside = p[j] > eps && p[j] < 1 - eps
                    g?[j] = inside ? scale * (-y / q + (1 - y) / (1 - q)) / n : 0
                }
            }
            return s / n
        case .categoricalCrossentropy, .sparseCategoricalCrossentropy:
            let sparse = kind == .sparseCategoricalCrossentropy
            @inline(__always) func target(_ j: Int) -> Float { sparse ? (Int(t[0]) == j ? 1 : 0) : t[j] }
            if fromLogits {
                var peak = -Float.infinity
                for j in 0..<cols { peak = max(peak, p[j]) }
                var total: Float = 0
                for j in 0..<cols { total += expf(p[j] - peak) }
                let logSum = peak + logf(total)
                var s: Float = 0, targetSum: Float = 0
                for j in 0..<cols { s -= target(j) * (p[j] - logSum); targetSum += target(j) }
                if let g {
                    for j in 0..<cols { g[j] = scale * (expf(p[j] - logSum) * targetSum - target(j)) }
                }
                return s
            }
            // Keras normalises the row to sum 1, clips, then takes the log.
            var sum: Float = 0
            for j in 0..<cols { sum += p[j] }
            var s: Float = 0
            var weighted: Float = 0
            for j in 0..<cols {
                let q = p[j] / sum
                let c = min(max(q, eps), 1 - eps)
                s -= target(j) * logf(c)
                if q > eps && q < 1 - eps { weighted += (-target(j) / c) * q }
            }
            if let g {
                for j in 0..<cols {
                    let q = p[j] / sum
                    let c = min(max(q, eps), 1 - eps)
                    let a: Float = (q > eps && q < 1 - eps) ? -target(j) / c : 0
                    g[j] = scale * (a - weighted) / sum
                }
            }
            return s
        default:
            return .nan
        }
    }
}

@inline(__always) private func sign(_ x: Float) -> Float { x > 0 ? 1 : (x < 0 ? -1 : 0) }
@inline(__always) func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
/// `log(1 + e^x)` without overflow.
@inline(__always) func softplus(_ x: Float) -> Float { max(x, 0) + log1pf(expf(-abs(x))) }
