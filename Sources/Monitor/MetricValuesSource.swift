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
}
