/// What the metrics panel says about one series: the current value, the best and when,
/// and where it is heading.
public struct MetricSummary: Sendable, Equatable {
    /// Which way the latest values move.
    public enum Trend: Sendable, Equatable {
        case rising, falling, flat
    }

    /// The last value (NaN included: a NaN loss must show as NaN).
    public var current: Double?
    /// The best finite value by the family's direction.
    public var best: Double?
    /// The 1-based epoch (or batch index) of `best`.
    public var bestAt: Int?
    /// Where the latest values head, nil with fewer than two finite values.
    public var trend: Trend?

    /// Relative change under which the trend counts as flat: 0.5 %, below the noise of a
    /// typical epoch-to-epoch wobble yet above float32 rounding.
    public static let flatThreshold = 0.005
    /// How many earlier values the trend compares the last one with: 3 smooths one noisy
    /// epoch without hiding a turn that lasts more than a few epochs.
    public static let trendWindow = 3

    /// Summarise `values`; `bestAt` counts from 1.
    public init(values: [Double], direction: MetricFamily.Direction?) {
        current = values.last
        var bestIndex: Int?
        for (index, value) in values.enumerated() where value.isFinite {
            guard let previous = bestIndex else { bestIndex = index; continue }
            let better: Bool
            switch direction {
            case .higher: better = value > values[previous]
            case .lower, nil: better = value < values[previous]
            }
            if better { bestIndex = index }
        }
        if let bestIndex {
            best = values[bestIndex]
            bestAt = bestIndex + 1
        }
        trend = MetricSummary.trend(of: values)
    }

    static func trend(of values: [Double]) -> Trend? {
        guard values.count >= 2, let last = values.last, last.isFinite else { return nil }
        let earlier = values.dropLast().suffix(trendWindow).filter(\.isFinite)
        guard !earlier.isEmpty else { return nil }
        let mean = earlier.reduce(0, +) / Double(earlier.count)
        let scale = max(abs(mean), abs(last), 1e-12)
        let change = (last - mean) / scale
        if abs(change) < flatThreshold { return .flat }
        return change > 0 ? .rising : .falling
    }

    /// Whether the trend moves the better way, nil when flat or unknown.
    public func isImproving(_ direction: MetricFamily.Direction?) -> Bool? {
        guard let trend, let direction, trend != .flat else { return nil }
        return (trend == .falling) == (direction == .lower)
    }
}
