import KerasModel

/// A compiled metric: the name the user wrote and the function Keras resolved it to.
/// Resolution is `KerasModel.MetricResolution`'s, never re-derived here.
public struct Metric: Sendable, Equatable {
    /// The name as written in `metrics=[…]` (the log key, prefixed by the output on multi-output models).
    public let name: String
    /// The function it computes.
    public let resolved: ResolvedMetric

    /// Resolve `name` for an output of `outputWidth` units trained against targets of
    /// `targetWidth` columns with `loss`, as Keras 3 does.
    public init(name: String, outputWidth: Int, targetWidth: Int, loss: LossKind) throws {
        let encoding = TargetEncoding(outputUnits: outputWidth, targetColumns: targetWidth)
        let resolved = MetricResolution.resolve(metric: name, outputUnits: outputWidth, target: encoding,
                                                loss: loss, flavour: .keras3)
        guard resolved != .other else {
            throw SpecError("metric '\(name)' is not supported by the training core "
                            + "(supported: accuracy, acc, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, mse, mae, mape)")
        }
        self.init(name: name, resolved: resolved)
    }

    /// A metric with a known function.
    public init(name: String, resolved: ResolvedMetric) {
        self.name = name
        self.resolved = resolved
    }

    /// Sum over the rows of the per-sample metric values.
    public func sum(prediction p: Matrix, target t: Matrix) -> Double {
        let cols = p.cols, tcols = t.cols
        var total = 0.0
        for r in 0..<p.rows {
            let pr = r * cols, tr = r * tcols
            switch resolved {
            case .binaryAccuracy, .binaryAccuracyRounded:
                var hits: Float = 0
                for j in 0..<cols {
                    let v = p.storage[pr + j]
                    let predicted: Float = resolved == .binaryAccuracy ? (v > 0.5 ? 1 : 0) : v.rounded(.toNearestOrEven)
                    if predicted == t.storage[tr + j] { hits += 1 }
                }
                total += Double(hits / Float(cols))
            case .categoricalAccuracy:
                total += argmax(p.storage, pr, cols) == argmax(t.storage, tr, tcols) ? 1 : 0
            case .sparseCategoricalAccuracy:
                total += Float(argmax(p.storage, pr, cols)) == t.storage[tr] ? 1 : 0
            case .meanSquaredError, .meanAbsoluteError, .meanAbsolutePercentageError:
                var s: Float = 0
                for j in 0..<cols {
                    let e = p.storage[pr + j] - t.storage[tr + j]
                    switch resolved {
                    case .meanSquaredError: s += e * e
                    case .meanAbsoluteError: s += abs(e)
                    default: s += 100 * abs(e) / max(abs(t.storage[tr + j]), Loss.epsilon)
                    }
                }
                total += Double(s / Float(cols))
            case .other:
                total += .nan
            }
        }
        return total
    }

    /// Index of the first largest value, as `argmax` picks it.
    private func argmax(_ values: [Float], _ start: Int, _ count: Int) -> Int {
        var best = 0
        for j in 1..<max(count, 1) where values[start + j] > values[start + best] { best = j }
        return best
    }
}
