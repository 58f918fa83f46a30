import Foundation
import KerasModel
import TrainingLog

/// A run spec made ready to train: data loaded and checked, model built, compiled.
/// Everything that can fail does so in `init`, so nothing half-runs.
///
/// A session is used by one thread at a time: built on the caller's thread and then handed
/// to a feed's serial queue, hence `@unchecked Sendable`.
public final class TrainingSession: @unchecked Sendable {
    /// The spec.
    public let spec: RunSpec
    /// The compiled model and its fit loop.
    public let trainer: Trainer
    /// Features, one row per sample.
    public let x: Matrix
    /// Targets per output.
    public let y: [Matrix]

    /// Load the spec at `url` and everything it names.
    public convenience init(contentsOf url: URL) throws {
        try self.init(spec: RunSpec(contentsOf: url))
    }

    /// Build a session from a parsed spec.
    public init(spec: RunSpec) throws {
        self.spec = spec
        let file = spec.file
        let data = try Dataset(contentsOf: spec.csv)
        let dataName = spec.csv.lastPathComponent
        let rows = min(data.rows, spec.rowLimit ?? data.rows)
        let targetColumns = spec.outputs.flatMap(\.targets)
        let featureNames = spec.features ?? data.columns.filter { !targetColumns.contains($0) }
        guard !featureNames.isEmpty else { throw SpecError("\(file): no feature columns left in \(dataName)") }
        let featureIndices = try featureNames.map { try data.index(of: $0, file: "\(file): \(dataName)") }
        var x = data.matrix(columns: featureIndices).slice(rows: 0..<rows)
        if spec.standardize { Self.standardize(&x) }

        var y: [Matrix] = []
        for output in spec.outputs {
            let indices = try output.targets.map { try data.index(of: $0, file: "\(file): \(dataName)") }
            var target = data.matrix(columns: indices).slice(rows: 0..<rows)
            if output.targets.count == 1, spec.oneHot.contains(output.targets[0]) {
                target = try Self.oneHot(target, column: output.targets[0], file: "\(file): \(dataName)")
            }
            y.append(target)
        }

        let network: Network
        do {
            network = try Network(layers: spec.layers, inputWidth: x.cols, outputs: spec.outputs.map(\.name), seed: spec.fit.seed)
        } catch let error as SpecError {
            throw error.located(in: file)
        }
        var compiled: [CompiledOutput] = []
        for (k, output) in spec.outputs.enumerated() {
            let units = network.outputWidths[k]
            let loss = try Loss(kind: output.loss.kind, fromLogits: output.loss.fromLogits)
            let expected = loss.targetWidth(forOutput: units)
            guard y[k].cols == expected else {
                throw SpecError("\(file): output '\(output.name)' has \(units) unit\(units == 1 ? "" : "s") and loss \(output.loss.configuredName), "
                                + "so it needs \(expected) target column\(expected == 1 ? "" : "s"); got \(y[k].cols) (\(output.targets.joined(separator: ", ")))"
                                + (expected > 1 && y[k].cols == 1 ? "; add one_hot = [\"\(output.targets[0])\"] to [data] or use sparse_categorical_crossentropy" : ""))
            }
            if loss.kind == .sparseCategoricalCrossentropy {
                for r in 0..<y[k].rows where y[k][r, 0] < 0 || y[k][r, 0] >= Float(units) || y[k][r, 0] != y[k][r, 0].rounded() {
                    throw SpecError("\(file): \(dataName) line \(r + 2): label \(y[k][r, 0]) for output '\(output.name)' is not an integer in 0..<\(units)")
                }
            }
            let metrics = try output.metrics.map { name in
                do {
                    return try Metric(name: name, outputWidth: units, targetWidth: y[k].cols, loss: loss.kind)
                } catch let error as SpecError { throw error.located(in: file) }
            }
            compiled.append(CompiledOutput(name: output.name, loss: loss, weight: output.weight, metrics: metrics))
        }
        guard x.rows > 0 else { throw SpecError("\(file): \(dataName) has no rows") }
        if spec.fit.validationSplit > 0 {
            let train = spec.fit.trainingRows(of: x.rows)
            guard train > 0, train < x.rows else {
                throw SpecError("\(file): \(x.rows) samples are not enough to split with validation_split=\(spec.fit.validationSplit)")
            }
        }
        self.x = x
        self.y = y
        trainer = Trainer(network: network, outputs: compiled, optimizer: Optimizer(spec.optimizer, learningRate: spec.learningRate))
    }

    /// The callbacks the spec asks for, in spec order (EarlyStopping, ReduceLROnPlateau, TerminateOnNaN).
    public func specCallbacks() throws -> [TrainingCallback] {
        var callbacks: [TrainingCallback] = []
        if let c = spec.callbacks.earlyStopping {
            callbacks.append(EarlyStopping(monitor: c.monitor, patience: c.patience, minDelta: c.minDelta,
                                           restoreBestWeights: c.restoreBestWeights, verbose: c.verbose))
        }
        if let c = spec.callbacks.reduceLROnPlateau {
            callbacks.append(try ReduceLROnPlateau(monitor: c.monitor, factor: c.factor, patience: c.patience, minDelta: c.minDelta,
                                                   cooldown: c.cooldown, minLR: c.minLR, verbose: c.verbose))
        }
        if spec.callbacks.terminateOnNaN { callbacks.append(TerminateOnNaN()) }
        return callbacks
    }

    /// Train as the spec says. `extra` callbacks run after the spec's (a progress printer
    /// goes last, as Keras's ProgbarLogger does).
    @discardableResult
    public func run(extra: [TrainingCallback] = [], control: TrainingControl? = nil,
                    events: @escaping (TrainingEvent) -> Void = { _ in }) throws -> RunEnd {
        trainer.control = control
        let callbacks = try specCallbacks() + extra
        return trainer.fit(x: x, y: y, config: spec.fit, callbacks: callbacks, events: events)
    }

    /// Zero mean, unit variance per column (constant columns are left centred).
    static func standardize(_ m: inout Matrix) {
        for c in 0..<m.cols {
            var mean = 0.0, square = 0.0
            for r in 0..<m.rows { mean += Double(m[r, c]) }
            mean /= Double(m.rows)
            for r in 0..<m.rows { square += (Double(m[r, c]) - mean) * (Double(m[r, c]) - mean) }
            let std = (square / Double(m.rows)).squareRoot()
            for r in 0..<m.rows { m[r, c] = Float((Double(m[r, c]) - mean) / (std > 0 ? std : 1)) }
        }
    }

    /// Integer labels in one column to one-hot rows (classes 0…max).
    static func oneHot(_ labels: Matrix, column: String, file: String) throws -> Matrix {
        var classes = 0
        for r in 0..<labels.rows {
            let v = labels[r, 0]
            guard v >= 0, v == v.rounded(), v < 10_000 else {
                throw SpecError("\(file) line \(r + 2): one_hot column '\(column)' holds \(v), not a class index")
            }
            classes = max(classes, Int(v) + 1)
        }
        var out = Matrix(rows: labels.rows, cols: classes)
        for r in 0..<labels.rows { out[r, Int(labels[r, 0])] = 1 }
        return out
    }
}
