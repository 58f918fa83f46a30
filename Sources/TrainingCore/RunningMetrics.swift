import TrainingLog

/// An epoch's running averages as Keras keeps them: every value is a mean over the samples
/// seen so far (losses as batch means weighted by batch size, metrics as per-sample means),
/// which is what the progress bar shows and what ends up in the epoch's logs.
struct RunningMetrics {
    /// Where a log key's sum is kept.
    private enum Slot {
        case loss
        case outputLoss(Int)
        case metric(output: Int, metric: Int)
        case missing
    }

    /// The log keys in order, each with its sum: worked out once per epoch, not per batch.
    private let slots: [(key: String, slot: Slot)]
    private var lossSum = 0.0
    private var outputLossSums: [Double]
    private var metricSums: [[Double]]
    private var samples = 0

    init(keys: [String], outputs: [CompiledOutput]) {
        let multiOutput = outputs.count > 1
        var byKey: [String: Slot] = ["loss": .loss]
        for (k, output) in outputs.enumerated() {
            let prefix = multiOutput ? "\(output.name)_" : ""
            if multiOutput { byKey["\(prefix)loss"] = .outputLoss(k) }
            for (m, metric) in output.metrics.enumerated() { byKey[prefix + metric.name] = .metric(output: k, metric: m) }
        }
        slots = keys.map { ($0, byKey[$0] ?? .missing) }
        outputLossSums = Array(repeating: 0, count: outputs.count)
        metricSums = outputs.map { Array(repeating: 0, count: $0.metrics.count) }
    }

    mutating func addLoss(mean: Double, rows: Int) {
        lossSum += mean * Double(rows)
        samples += rows
    }

    mutating func addOutputLoss(_ output: Int, mean: Double, rows: Int) {
        outputLossSums[output] += mean * Double(rows)
    }

    mutating func addMetric(output: Int, metric: Int, sum: Double) {
        metricSums[output][metric] += sum
    }

    /// The averages so far, keyed and ordered as Keras logs them, rounded to float32 as Keras stores them.
    func logs() -> MetricValues {
        let n = Double(max(samples, 1))
        var logs = MetricValues()
        for (key, slot) in slots {
            let sum: Double
            switch slot {
            case .loss: sum = lossSum
            case .outputLoss(let k): sum = outputLossSums[k]
            case .metric(let k, let m): sum = metricSums[k][m]
            case .missing: logs[key] = Double(Float(Double.nan)); continue
            }
            logs[key] = Double(Float(sum / n))
        }
        return logs
    }
}
