import TrainingLog

/// The values the panels plot for a metric key: per epoch, or per batch (the running
/// averages Keras printed, bounded by `Series`) when the chart is in batch mode.
struct MetricValuesSource {
    var state: MonitorState
    var run: RunState

    func values(of key: String) -> [Double] {
        if state.chart.perBatch {
            if let series = run.history.batchSeries[key] { return series.samples }
            // Validation is only measured at epoch ends: no batch series exists for it.
            if key.hasPrefix("val_") { return [] }
        }
        return run.history.values(of: key)
    }

    /// In batch mode, where each of `values(of: key)` was taken (epoch, and step from the
    /// run's start when known); nil per epoch or without a batch series.
    func positions(of key: String) -> [Series.Position]? {
        guard state.chart.perBatch, let series = run.history.batchSeries[key] else { return nil }
        return series.samplePositions
    }

    /// The real steps of the batch chart's x positions, when every sample has one.
    func steps(of key: String) -> [Int]? {
        guard let positions = positions(of: key) else { return nil }
        let steps = positions.compactMap(\.step)
        return steps.count == positions.count && !steps.isEmpty ? steps : nil
    }
}
