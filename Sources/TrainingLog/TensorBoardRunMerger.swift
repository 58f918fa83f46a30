/// Merges the epochs of a TensorBoard run's event files into one epoch per step, as Keras
/// printed it: a run directory holds `train/` (and event files directly inside) and
/// `validation/`, each file read by its own `TensorBoardReader` whose prefix (`""`, `"val_"`)
/// names its group. An epoch is reported once every group known to the run reached it, so a
/// followed run never shows an epoch without the validation values still on their way; an
/// epoch that changes afterwards (a value arriving late) is reported again, whole, and
/// replaces it. `export`, `check`, `replay` and the directory feed all merge through it.
public struct TensorBoardRunMerger: Sendable {
    private var merged: [Int: EpochRecord] = [:]
    private var reported: [Int: EpochRecord] = [:]
    /// The highest epoch each group reached; a group known with none yet maps to 0.
    private var reached: [String: Int] = [:]
    private var runOpen = false

    public init() {}

    /// A group whose file exists: its epochs are waited for from now on.
    public mutating func expect(group prefix: String) {
        if reached[prefix] == nil { reached[prefix] = 0 }
    }

    /// Take a file's events (read with `prefix`); returns what is ready to report. Each file's
    /// `runStarted`/`runEnded` are its own and dropped: the merger reports the run's.
    public mutating func add(_ events: [TrainingEvent], group prefix: String) -> [TrainingEvent] {
        expect(group: prefix)
        var passed: [TrainingEvent] = []
        for event in events {
            switch event {
            case .epochEnded(let record):
                var epoch = merged[record.epoch] ?? EpochRecord(epoch: record.epoch, metrics: [:])
                for (key, value) in record.metrics { epoch.metrics[key] = value }
                // The training files' wall times, else whichever group has one.
                if let seconds = record.seconds, prefix.isEmpty || epoch.seconds == nil { epoch.seconds = seconds }
                if let time = record.wallTime, prefix.isEmpty || epoch.wallTime == nil { epoch.wallTime = time }
                merged[record.epoch] = epoch
                reached[prefix] = max(reached[prefix] ?? 0, record.epoch)
            case .noise:
                passed.append(event)
            default:
                break
            }
        }
        return passed + ready(force: false)
    }

    /// Epochs ready to report (every group reached them), or with `force` every epoch any
    /// group reached (a group that stays silent must not hold the run back forever).
    public mutating func ready(force: Bool) -> [TrainingEvent] {
        let limit = force ? (reached.values.max() ?? 0) : (reached.values.min() ?? 0)
        var events: [TrainingEvent] = []
        for epoch in merged.keys.sorted() where epoch <= limit {
            guard var record = merged[epoch], record != reported[epoch] else { continue }
            record.metrics = Self.kerasOrder(record.metrics)
            merged[epoch] = record
            guard record != reported[epoch] else { continue }
            if !runOpen {
                runOpen = true
                let first = merged.keys.min() ?? epoch
                events.append(.runStarted(RunStart(epochs: nil, format: .tensorBoard, startsMidRun: first != 1)))
            }
            reported[epoch] = record
            events.append(.epochEnded(record))
        }
        return events
    }

    /// Whether an epoch read is waiting for a group that has not reached it.
    public var waiting: Bool {
        let limit = reached.values.min() ?? 0
        return merged.keys.contains { $0 > limit }
    }

    /// The input ended: everything read, then the run's end.
    public mutating func finish() -> [TrainingEvent] {
        var events = ready(force: true)
        if runOpen { events.append(.runEnded(.finished)) }
        runOpen = false
        return events
    }

    /// Keras's order: training keys, then `val_` keys, each alphabetical as TensorBoard stores them.
    static func kerasOrder(_ metrics: MetricValues) -> MetricValues {
        var ordered: MetricValues = [:]
        for key in metrics.keys.sorted() where !key.hasPrefix("val_") { ordered[key] = metrics[key] }
        for key in metrics.keys.sorted() where key.hasPrefix("val_") { ordered[key] = metrics[key] }
        return ordered
    }
}
