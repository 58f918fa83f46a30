/// Whether a monitored value should fall (`min`) or rise (`max`); `auto` is Keras's rule:
/// keys containing "acc" (or AUC-like names) rise, everything else falls.
public enum MonitorMode: String, Sendable, Equatable {
    case auto, min, max

    /// True when `current` improves on `best` by more than `minDelta` (Keras's `_is_improvement`).
    func improves(_ current: Double, on best: Double, minDelta: Double, monitor: String) -> Bool {
        if resolved(monitor) == .max { return current - abs(minDelta) > best }
        return current + abs(minDelta) < best
    }

    /// `auto` resolved for a key.
    func resolved(_ monitor: String) -> MonitorMode {
        guard self == .auto else { return self }
        let key = monitor.lowercased()
        return key.contains("acc") || key.contains("auc") || key.hasSuffix("precision") || key.hasSuffix("recall") ? .max : .min
    }

    /// The starting "best" value.
    func initialBest(_ monitor: String) -> Double {
        resolved(monitor) == .max ? -.infinity : .infinity
    }
}
