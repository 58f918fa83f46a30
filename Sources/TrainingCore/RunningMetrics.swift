import TrainingLog

/// An epoch's running averages as Keras keeps them: every value is a mean over the samples
/// seen so far (losses as batch means weighted by batch size, metrics as per-sample means),
/// which is what the progress bar shows and what ends up in the epoch's logs.
struct RunningMetrics {
    private let keys: [String]
    private let multiOutput: Bool
    private let names: [String]
    private let metricNames: [[String]]
    private var lossSum = 0.0
    private var outputLossSums: [Double]
    private var metricSums: [[Double]]
    private var samples = 0

    init(keys: [String], outputs: [CompiledOutput]) {
        self.keys = keys
        multiOutput = outputs.count > 1
        names = outputs.map(\.name)
        metricNames = outputs.map { $0.metrics.map(\.name) }
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
        var values: [String: Double] = ["loss": lossSum / n]
        for (k, name) in names.enumerated() {
            let prefix = multiOutput ? "\(name)_" : ""
            if multiOutput { values["\(prefix)loss"] = outputLossSums[k] / n }
            for (m, metric) in metricNames[k].enumerated() { values[prefix + metric] = metricSums[k][m] / n }
        }
        var logs = MetricValues()
        for key in keys { logs[key] = Double(Float(values[key] ?? .nan)) }
        return logs
    }
}
