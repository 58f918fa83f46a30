import Foundation
import KerasModel
import TrainingLog

/// The fit loop: Keras 3's `fit`, `evaluate` and `predict` over a `Network`, reporting
/// through callbacks and `TrainingEvent`s.
public final class Trainer {
    /// The model.
    public let network: Network
    /// Per-output compile config, in output order.
    public let outputs: [CompiledOutput]
    /// The optimiser (callbacks change its learning rate).
    public let optimizer: Optimizer
    /// Set by callbacks (EarlyStopping, TerminateOnNaN) to end `fit` after the current step.
    public var stopTraining = false
    /// Pause/stop from another thread, and pacing.
    public var control: TrainingControl?
    /// Monotonic seconds; injectable so progress output and timings are testable.
    public var clock: () -> Double = { ProcessInfo.processInfo.systemUptime }
    /// Minimum seconds between `.batchProgress` events (Keras redraws its bar at most every 0.05 s).
    public var progressInterval = 0.05
    /// Epochs and steps of the current `fit`.
    public private(set) var plan = FitPlan(epochs: 0, steps: 0, samples: 0, validationSamples: 0)
    /// Every finished epoch's logs.
    public private(set) var history: [MetricValues] = []
    /// The epoch being trained (1-based, as Keras prints it); 0 before `fit`.
    public private(set) var currentEpoch = 0

    private var callbacks: [TrainingCallback] = []
    private var events: (TrainingEvent) -> Void = { _ in }
    private var batchX = Matrix(rows: 0, cols: 0)
    private var batchY: [Matrix]
    private var lossGradients: [Matrix]

    /// A trainer for `network` compiled with `outputs` (one per network output) and `optimizer`.
    public init(network: Network, outputs: [CompiledOutput], optimizer: Optimizer) {
        precondition(outputs.count == network.outputIndices.count, "one CompiledOutput per network output")
        self.network = network
        self.outputs = outputs
        self.optimizer = optimizer
        batchY = Array(repeating: Matrix(rows: 0, cols: 0), count: outputs.count)
        lossGradients = batchY
    }

    /// Log keys in Keras's order: `loss`, then per-output losses (multi-output only), then
    /// metrics, sorted as Keras 3 sorts its logs.
    public var metricKeys: [String] {
        var keys = ["loss"]
        if outputs.count > 1 {
            for output in outputs {
                keys.append("\(output.name)_loss")
                keys += output.metrics.map { "\(output.name)_\($0.name)" }
            }
        } else {
            keys += outputs[0].metrics.map(\.name)
        }
        return keys.sorted()
    }

    /// Train. Returns how the run ended; `history` holds every epoch's logs.
    @discardableResult
    public func fit(x: Matrix, y: [Matrix], config: FitConfig, callbacks: [TrainingCallback] = [],
                    events: @escaping (TrainingEvent) -> Void = { _ in }) -> RunEnd {
        self.callbacks = callbacks
        self.events = events
        stopTraining = false
        history = []
        let trainRows = config.trainingRows(of: x.rows)
        let validationRows = x.rows - trainRows
        let steps = (trainRows + config.batchSize - 1) / config.batchSize
        plan = FitPlan(epochs: config.epochs, steps: steps, samples: trainRows, validationSamples: validationRows)
        var random = SeededRandom(seed: config.seed, stream: 0x5EED)
        var order = Array(0..<trainRows)
        let validation = validationRows > 0 ? (x.slice(rows: trainRows..<x.rows), y.map { $0.slice(rows: trainRows..<x.rows) }) : nil

        events(.runStarted(RunStart(epochs: config.epochs, format: .trainingCore, flavour: .keras3,
                                    parameters: [RunStart.Key.batchSize: String(config.batchSize),
                                                 RunStart.Key.epochs: String(config.epochs)])))
        events(.modelKnown(graph()))
        callbacks.forEach { $0.trainBegan(self) }
        let batchObservers = callbacks.filter(\.observesBatches)
        var ending = RunEnd.finished
        epochs: for epoch in 0..<config.epochs {
            if stopTraining { break }
            let started = clock()
            currentEpoch = epoch + 1
            callbacks.forEach { $0.epochBegan(epoch, trainer: self) }
            events(.epochBegan(epoch: epoch + 1, of: config.epochs))
            if config.shuffle { order.shuffle(using: &random) }
            var running = RunningMetrics(keys: metricKeys, outputs: outputs)
            var lastProgress = -Double.infinity
            for step in 0..<steps {
                if let control, !control.checkpoint() {
                    ending = .interrupted("stopped")
                    events(.epochEnded(EpochRecord(epoch: epoch + 1, of: config.epochs, steps: step,
                                                   seconds: clock() - started, metrics: running.logs(), complete: false)))
                    break epochs
                }
                let rows = order[(step * config.batchSize)..<min(trainRows, (step + 1) * config.batchSize)]
                trainStep(rows: rows, x: x, y: y, running: &running)
                // Building the logs costs more than a Boston step; skip it when nobody looks.
                let now = clock()
                let progressDue = now - lastProgress >= progressInterval && step + 1 < steps
                if !batchObservers.isEmpty || progressDue {
                    let logs = running.logs()
                    batchObservers.forEach { $0.batchEnded(step, logs: logs, trainer: self) }
                    if progressDue {
                        lastProgress = now
                        events(.batchProgress(BatchProgress(epoch: epoch + 1, step: step + 1, total: steps,
                                                            eta: (now - started) / Double(step + 1) * Double(steps - step - 1),
                                                            metrics: logs)))
                    }
                }
                if stopTraining { break }
            }
            var logs = running.logs()
            if let (vx, vy) = validation {
                for (key, value) in evaluate(x: vx, y: vy, batchSize: config.batchSize) { logs["val_" + key] = value }
            }
            callbacks.forEach { $0.epochEnded(epoch, logs: &logs, trainer: self) }
            history.append(logs)
            let seconds = clock() - started
            events(.epochEnded(EpochRecord(epoch: epoch + 1, of: config.epochs, steps: steps, seconds: seconds,
                                           secondsPerStep: seconds / Double(max(steps, 1)), metrics: logs)))
            if let control, epoch + 1 < config.epochs, !stopTraining, !control.pace(control.epochDelay) {
                ending = .interrupted("stopped")
                break
            }
        }
        callbacks.forEach { $0.trainEnded(self) }
        events(.runEnded(ending))
        self.callbacks = []
        self.events = { _ in }
        return ending
    }

    /// Loss and metrics over `x`/`y`, as `model.evaluate(return_dict=True)` reports them.
    public func evaluate(x: Matrix, y: [Matrix], batchSize: Int = 32) -> MetricValues {
        var running = RunningMetrics(keys: metricKeys, outputs: outputs)
        var start = 0
        while start < x.rows {
            let end = min(x.rows, start + batchSize)
            // Into the reused batch buffers, as training does (a slice allocates every batch).
            batchX.gather(rows: start..<end, of: x)
            let predictions = network.forward(batchX, training: false)
            for k in outputs.indices { batchY[k].gather(rows: start..<end, of: y[k]) }
            accumulate(predictions: predictions, targets: batchY, rows: end - start, running: &running, withGradients: false)
            start = end
        }
        return running.logs()
    }

    /// Model outputs for `x`, one matrix per output.
    public func predict(x: Matrix, batchSize: Int = 32) -> [Matrix] {
        var results = network.outputWidths.map { Matrix(rows: 0, cols: $0) }
        var collected = results.map { _ in [Float]() }
        var start = 0
        while start < x.rows {
            let end = min(x.rows, start + batchSize)
            let predictions = network.forward(x.slice(rows: start..<end), training: false)
            for k in predictions.indices { collected[k] += predictions[k].values }
            start = end
        }
        for k in results.indices { results[k] = Matrix(rows: x.rows, cols: results[k].cols, values: collected[k]) }
        return results
    }

    /// Post a callback message to the run's events and to every callback.
    public func post(_ message: CallbackMessage, printed: String) {
        events(.message(message))
        callbacks.forEach { $0.received(message, printed: printed) }
    }

    /// The model and compile config as the Keras semantics module describes it.
    public func graph(name: String = "functional") -> ModelGraph {
        ModelGraph(name: name, layers: network.describeLayers(), inputs: [network.inputName],
                   outputs: outputs.map(\.spec),
                   optimizer: OptimizerSpec(name: optimizer.algorithm.name, learningRate: Double(optimizer.learningRate)),
                   kerasVersion: "3", provenance: .trainingCore)
    }

    /// One optimisation step on `rows`.
    private func trainStep(rows: ArraySlice<Int>, x: Matrix, y: [Matrix], running: inout RunningMetrics) {
        batchX.gather(rows: rows, of: x)
        for k in outputs.indices { batchY[k].gather(rows: rows, of: y[k]) }
        let predictions = network.forward(batchX, training: true)
        accumulate(predictions: predictions, targets: batchY, rows: rows.count, running: &running, withGradients: true)
        network.backward(lossGradients)
        optimizer.step(network.parameters)
    }

    /// Add a batch's losses and metrics to `running`; fill `lossGradients` when training.
    private func accumulate(predictions: [Matrix], targets: [Matrix], rows: Int, running: inout RunningMetrics,
                            withGradients: Bool) {
        var total = 0.0
        for (k, output) in outputs.enumerated() {
            let sum: Double
            if withGradients {
                lossGradients[k].reshape(rows: predictions[k].rows, cols: predictions[k].cols)
                sum = lossGradients[k].storage.withUnsafeMutableBufferPointer { g in
                    output.loss.evaluate(prediction: predictions[k], target: targets[k], weight: Float(output.weight),
                                         gradient: g.baseAddress!)
                }
            } else {
                sum = output.loss.evaluate(prediction: predictions[k], target: targets[k])
            }
            // Keras reduces each output's loss to a float32 batch mean, then weights and sums.
            let mean = Double(Float(sum / Double(rows)))
            total += output.weight * mean
            running.addOutputLoss(k, mean: mean, rows: rows)
            for (m, metric) in output.metrics.enumerated() {
                running.addMetric(output: k, metric: m, sum: metric.sum(prediction: predictions[k], target: targets[k]))
            }
        }
        running.addLoss(mean: total, rows: rows)
    }
}
