import Widgets
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

    /// `values(of:)` of several keys at once, in one pass over the epochs (the grid).
    func values(of keys: [String]) -> [String: [Double]] {
        if state.chart.perBatch { return Dictionary(keys.map { ($0, values(of: $0)) }, uniquingKeysWith: { first, _ in first }) }
        return Dictionary(zip(keys, run.history.values(of: keys)), uniquingKeysWith: { first, _ in first })
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

/// How the chart labels its x positions (one per value index): what `x` asked for where the
/// source has it, else the epoch axis and a note saying why.
struct ChartXAxis: Equatable {
    enum Labels: Equatable {
        /// `first + index` (epochs from 1).
        case index(first: Int)
        /// The run's real steps.
        case steps([Int])
        /// Seconds: since the run's start, or since 1970.
        case times([Double], LineChart.TimeFormat)
    }

    var labels: Labels
    /// What x counts, for the last x label and the options (`epoch`, `step`, `time`, `wall`).
    var name: String
    /// Why the axis asked for is not drawn (`no epoch times`), nil when it is.
    var note: String?

    /// Set up `chart` to label its x axis this way.
    func apply(to chart: inout LineChart) {
        chart.xLabel = name
        switch labels {
        case .index(let first): chart.firstX = first
        case .steps(let steps): chart.xValues = steps
        case .times(let times, let format):
            chart.xTimes = times
            chart.xTimeFormat = format
            // A clock time needs no unit before it; elapsed times carry their own.
            chart.xLabel = ""
        }
    }

    /// The cursor's x at value index `index`: `epoch 37`, `step 2960 (epoch 37)`,
    /// `1:05:10 (epoch 37)`, `14:32:05 (epoch 37)`.
    func readout(index: Int) -> String {
        let epoch = "epoch \(index + 1)"
        switch labels {
        case .index(let first): return "\(name) \(first + index)"
        case .steps(let steps): return steps.indices.contains(index) ? "step \(steps[index]) (\(epoch))" : epoch
        case .times(let times, let format):
            guard times.indices.contains(index) else { return epoch }
            switch format {
            case .elapsed: return "\(formatAxisDuration(times[index])) (\(epoch))"
            case .timeOfDay(let offset, _): return "\(formatTimeOfDay(times[index], utcOffset: offset, seconds: true)) (\(epoch))"
            }
        }
    }
}

extension MetricValuesSource {
    /// The x axis of a per-epoch chart of this run, as `state.chart.xAxis` asks; computed once
    /// per chart (or once per grid: every family shares the run's epochs).
    func xAxis() -> ChartXAxis {
        let epochs = run.history.epochs
        switch state.chart.xAxis {
        case .epoch:
            return ChartXAxis(labels: .index(first: 1), name: "epoch")
        case .step:
            var steps: [Int] = []
            steps.reserveCapacity(epochs.count)
            for epoch in epochs {
                guard let count = epoch.steps, count > 0 else { return Self.fallback("no step counts") }
                let (product, overflow) = epoch.epoch.multipliedReportingOverflow(by: count)
                guard !overflow else { return Self.fallback("no step counts") }
                steps.append(product)
            }
            return ChartXAxis(labels: .steps(steps), name: "step")
        case .relativeTime:
            var times: [Double] = []
            times.reserveCapacity(epochs.count)
            // TensorBoard's relative time: each epoch's wall time since the first's (plus the
            // first epoch's own length), where the source has wall times. It is what the run
            // took, waits between epochs included (the demo paces its epochs; a wrapped command
            // validates and checkpoints between them).
            if let first = epochs.first?.wallTime, first.isFinite,
               epochs.allSatisfy({ $0.wallTime.map(\.isFinite) ?? false }) {
                let start = first - (epochs.first.flatMap(Self.seconds(of:)) ?? 0)
                for epoch in epochs { times.append(max(0, epoch.wallTime! - start)) }
                return ChartXAxis(labels: .times(times, .elapsed), name: "time")
            }
            // Else the epochs' printed times, summed.
            var total = 0.0
            for epoch in epochs {
                guard let seconds = Self.seconds(of: epoch) else { return Self.fallback("no epoch times") }
                total += seconds
                times.append(total)
            }
            return ChartXAxis(labels: .times(times, .elapsed), name: "time")
        case .wallTime:
            var times: [Double] = []
            times.reserveCapacity(epochs.count)
            for epoch in epochs {
                guard let time = epoch.wallTime, time.isFinite else { return Self.fallback("no wall times") }
                times.append(time)
            }
            // Seconds on the labels only when the run is too short for minutes to tell epochs apart.
            let span = (times.last ?? 0) - (times.first ?? 0)
            return ChartXAxis(labels: .times(times, .timeOfDay(utcOffset: state.utcOffset, seconds: span < 120)), name: "wall")
        }
    }

    /// How long an epoch took as its source recorded it: the printed time; where Keras's
    /// whole seconds round to `0s`, its per-step time times the steps (as a replay paces it).
    static func seconds(of epoch: EpochRecord) -> Double? {
        if let seconds = epoch.seconds, seconds.isFinite, seconds > 0 { return seconds }
        if let perStep = epoch.secondsPerStep, let steps = epoch.steps, perStep.isFinite, perStep > 0, steps > 0 {
            return perStep * Double(steps)
        }
        return epoch.seconds == 0 ? 0 : nil
    }

    /// The epoch axis, with why the one asked for is not drawn.
    static func fallback(_ why: String) -> ChartXAxis {
        ChartXAxis(labels: .index(first: 1), name: "epoch", note: why)
    }
}
