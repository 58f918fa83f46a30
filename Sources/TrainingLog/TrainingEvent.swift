import Collections
// Named too: a default argument (`parameters: … = [:]`) may only use what this file imports itself.
import OrderedCollections
import Synchronization
import KerasModel

/// Metric values keyed by the name Keras printed (`loss`, `val_out2_accuracy`), in printed order.
public typealias MetricValues = OrderedDictionary<String, Double>

/// The log format a reader recognised.
public enum LogFormat: String, Sendable, Equatable, Codable, CaseIterable {
    case keras3
    case keras2
    case keras1
    case kerasVerbose2 = "keras-verbose2"
    case csvLogger = "csvlogger"
    case tensorBoard = "tensorboard"
    case fitwatchCallback = "fitwatch-callback"
    case trainingCore = "training-core"
    case unknown
}

extension LogFormat {
    /// The formats a user may force with `--format` / `--input-format`: every log format a
    /// reader parses, without the internal `training-core` and `unknown`.
    public static let userFacing: [LogFormat] = allCases.filter { $0 != .trainingCore && $0 != .unknown }

    /// A user-facing format by name (case-insensitive), or nil.
    public init?(userFacing name: String) {
        guard let format = LogFormat(rawValue: name.lowercased()), LogFormat.userFacing.contains(format) else { return nil }
        self = format
    }
}

/// The one vocabulary every source speaks: log readers, the training core, replay, ssh.
public enum TrainingEvent: Sendable, Equatable {
    /// A `fit` segment begins: the first `Epoch 1/N` of a file, or a new `Epoch 1/N` after a
    /// finished segment (several `fit` calls in one log).
    case runStarted(RunStart)
    /// The model and, where known, its compile config.
    indirect case modelKnown(ModelGraph)
    /// `Epoch N/M` was printed (or the core began an epoch).
    case epochBegan(epoch: Int, of: Int?)
    /// An in-epoch update: step, total, ETA and the running averages Keras shows.
    case batchProgress(BatchProgress)
    /// An epoch finished, or was cut off (`complete == false`).
    indirect case epochEnded(EpochRecord)
    /// A callback or framework message: early stopping, LR change, checkpoint, NaN, warning.
    case message(CallbackMessage)
    /// `model.evaluate()` output after training.
    case evaluated(MetricValues)
    /// The run ended: finished, interrupted or failed.
    case runEnded(RunEnd)
    /// A line that is none of the above (user prints, absl chatter); never breaks parsing.
    case noise(String)
    /// The Keras that wrote the current run, once the bytes tell it after the run started (or
    /// tell something else than `RunStart.flavour` said): the time per step on a final line
    /// tells Keras 2 from Keras 1 only at the end of the first epoch.
    case flavourKnown(KerasFlavour)
}

/// The start of a `fit` segment.
public struct RunStart: Sendable, Equatable {
    /// Epochs requested (`M` in `Epoch N/M`), when known.
    public var epochs: Int?
    /// The format the data comes in.
    public var format: LogFormat
    /// True when the log starts mid-run (no `Epoch 1/N` seen): epochs are numbered by position.
    public var startsMidRun: Bool
    /// The Keras that wrote the run, when the bytes (or the callback's recorded version) tell;
    /// nil when they cannot. `flavourKnown` may follow.
    public var flavour: KerasFlavour?
    /// Hyper-parameters the source states exactly (the callback's header, a run spec), by the
    /// short keys of `RunStart.Key`: `opt`, `lr`, `bs`, `epochs`, in the order the source states
    /// them (a plain dictionary's order changes from one run of fitwatch to the next). Empty
    /// when nothing says.
    public var parameters: OrderedDictionary<String, String>

    /// The short names hyper-parameters go by in `parameters` and the runs table.
    public enum Key {
        /// The optimizer's class name (`Adam`).
        public static let optimizer = "opt"
        /// The learning rate at the start of training.
        public static let learningRate = "lr"
        /// `batch_size` of `fit`.
        public static let batchSize = "bs"
        /// `epochs` of `fit`.
        public static let epochs = "epochs"
    }

    public init(epochs: Int?, format: LogFormat, startsMidRun: Bool = false, flavour: KerasFlavour? = nil,
                parameters: OrderedDictionary<String, String> = [:]) {
        self.epochs = epochs
        self.format = format
        self.startsMidRun = startsMidRun
        self.flavour = flavour
        self.parameters = parameters
    }
}

/// One in-epoch progress update.
///
/// A log reader emits one per drawn update: hundreds of thousands in a long log. So that
/// reading an update allocates nothing and (usually) touches no reference count, its values
/// live inline next to an interned name list when there are at most four of them, as one row
/// of a shared `MetricRows` block when there are more, or in their own `MetricValues` when
/// made by hand. `metrics` reads the same in every case; `forEachMetric` visits the values
/// without building a dictionary.
public struct BatchProgress: Sendable, Equatable {
    /// Keras's 1-based epoch number.
    public var epoch: Int
    /// Steps (or samples, for Keras 1 logs) done.
    public var step: Int
    /// Steps per epoch, when printed.
    public var total: Int? {
        get { storedTotal == Self.noTotal ? nil : storedTotal }
        set { storedTotal = newValue ?? Self.noTotal }
    }
    /// Seconds left, when printed (`ETA: 1:36` -> 96).
    public var eta: Double? {
        get { hasETA ? storedETA : nil }
        set {
            hasETA = newValue != nil
            storedETA = newValue ?? 0
        }
    }
    // Stored without Optional padding (8 bytes each instead of 16), so the event that carries
    // an update stays small: one is written and read per drawn update.
    private var storedTotal: Int
    private var storedETA: Double
    private var hasETA: Bool
    private static let noTotal = Int.min
    private var storage: BatchValues

    public init(epoch: Int, step: Int, total: Int?, eta: Double? = nil, metrics: MetricValues) {
        self.init(epoch: epoch, step: step, total: total, eta: eta, values: .dictionary(metrics))
    }

    /// An update whose values a reader stored (`MetricKeyCache.store()`).
    init(epoch: Int, step: Int, total: Int?, eta: Double?, values: BatchValues) {
        self.epoch = epoch
        self.step = step
        storedTotal = total ?? Self.noTotal
        storedETA = eta ?? 0
        hasETA = eta != nil
        storage = values
    }

    /// The running averages as printed, in printed order.
    public var metrics: MetricValues {
        get {
            switch storage {
            case .dictionary(let metrics): return metrics
            case .row(let rows, let row): return rows.metrics(at: row)
            case .inline(let names, let values): return names.takeUnretainedValue().metrics(values)
            }
        }
        set { storage = .dictionary(newValue) }
    }

    /// Calls `body` with each metric name and value, in printed order, without building a
    /// dictionary.
    public func forEachMetric(_ body: (String, Double) throws -> Void) rethrows {
        switch storage {
        case .dictionary(let metrics):
            for (name, value) in metrics { try body(name, value) }
        case .row(let rows, let row):
            try rows.forEach(row: row, body)
        case .inline(let names, let values):
            let list = names.takeUnretainedValue()
            for (index, name) in list.names.enumerated() { try body(name, values[index]) }
        }
    }

    public static func == (lhs: BatchProgress, rhs: BatchProgress) -> Bool {
        lhs.epoch == rhs.epoch && lhs.step == rhs.step && lhs.total == rhs.total && lhs.eta == rhs.eta
            && lhs.metrics == rhs.metrics
    }
}

/// Where a `BatchProgress` keeps its values.
enum BatchValues: Sendable {
    case dictionary(MetricValues)
    case row(MetricRows, Int)
    case inline(Unmanaged<MetricNameList>, InlineValues)
}

/// Up to four metric values stored in place.
struct InlineValues: Sendable {
    static let capacity = 4
    private var storage: (Double, Double, Double, Double) = (0, 0, 0, 0)

    /// The first `capacity` values of `values`, which must hold at least that many (the
    /// caller's unused slots are ignored: an update's names say how many count).
    @inline(__always)
    init(first values: UnsafeBufferPointer<Double>) {
        precondition(values.count >= Self.capacity, "InlineValues needs \(Self.capacity) slots")
        storage = (values[0], values[1], values[2], values[3])
    }

    subscript(index: Int) -> Double {
        precondition(index >= 0 && index < Self.capacity, "InlineValues index out of range")
        return withUnsafeBytes(of: storage) { $0.load(fromByteOffset: index * 8, as: Double.self) }
    }
}

/// A list of metric names, interned for the life of the process so that the updates that
/// print it can refer to it without reference counting (`Unmanaged`, never released). A log
/// repeats a handful of lists; the table stops taking new ones at `limit`, after which
/// updates use `MetricRows` blocks instead.
final class MetricNameList: Sendable {
    let names: [String]
    /// The names with placeholder values: copied and filled to build an update's `metrics`.
    let template: MetricValues

    private init(_ template: MetricValues) {
        self.template = template
        names = Array(template.keys)
    }

    func metrics(_ values: InlineValues) -> MetricValues {
        template.filled { values[$0] }
    }

    /// Distinct lists the table keeps at most.
    static let limit = 1024
    private static let table = Mutex<[[String]: Unmanaged<MetricNameList>]>([:])

    /// The immortal list of `template`'s names (at most `InlineValues.capacity`), or nil when
    /// the table is full.
    static func interned(_ template: MetricValues) -> Unmanaged<MetricNameList>? {
        guard template.count <= InlineValues.capacity else { return nil }
        let names = Array(template.keys)
        return table.withLock { table in
            if let known = table[names] { return known }
            guard table.count < limit else { return nil }
            let list = Unmanaged.passRetained(MetricNameList(template)) // never released
            table[names] = list
            return list
        }
    }
}

/// The values of many in-epoch updates that printed the same metric names, row after row in
/// one allocation: a reader writes row `r` once, before any `BatchProgress` refers to it, and
/// never again, so rows already handed out are immutable and a block may be shared across
/// threads while the reader fills its later rows.
final class MetricRows: @unchecked Sendable {
    /// The names, in printed order (its values are placeholders).
    let template: MetricValues
    /// Values per row: the number of names.
    let width: Int
    /// Rows the block holds.
    let capacity: Int
    private let values: UnsafeMutablePointer<Double>

    /// `rows` rows of `template.count` values each.
    init(template: MetricValues, rows: Int) {
        self.template = template
        width = template.count
        capacity = max(1, rows)
        values = .allocate(capacity: max(capacity * width, 1))
    }

    deinit { values.deallocate() }

    /// Writes row `row`; only the reader that made the block calls this, once per row, before
    /// handing the row out.
    func write(row: Int, from source: UnsafePointer<Double>) {
        precondition(row >= 0 && row < capacity, "MetricRows row out of range")
        (values + row * width).update(from: source, count: width)
    }

    func metrics(at row: Int) -> MetricValues {
        let start = values + row * width
        return template.filled { start[$0] }
    }

    func forEach(row: Int, _ body: (String, Double) throws -> Void) rethrows {
        let start = values + row * width
        for (index, name) in template.keys.enumerated() { try body(name, start[index]) }
    }
}

/// One finished (or cut-off) epoch.
public struct EpochRecord: Sendable, Equatable {
    /// Keras's 1-based epoch number.
    public var epoch: Int
    /// Epochs requested, when known.
    public var of: Int?
    /// Steps in the epoch (the last step seen when incomplete).
    public var steps: Int?
    /// Wall time Keras printed for the epoch.
    public var seconds: Double?
    /// Per-step time in seconds (`687ms/step` -> 0.687).
    public var secondsPerStep: Double?
    /// Every metric, `val_*` included, exactly as printed (or as computed by the core).
    public var metrics: MetricValues
    /// False when the run stopped mid-epoch: the values are the last running averages.
    public var complete: Bool
    /// When the epoch ended, in seconds since 1970 (UTC), where the source recorded it: the
    /// callback stream's `time`, TensorBoard's wall time, the training core's clock. Printed
    /// Keras logs have none.
    public var wallTime: Double?

    public init(epoch: Int, of: Int? = nil, steps: Int? = nil, seconds: Double? = nil,
                secondsPerStep: Double? = nil, metrics: MetricValues, complete: Bool = true) {
        self.epoch = epoch
        self.of = of
        self.steps = steps
        self.seconds = seconds
        self.secondsPerStep = secondsPerStep
        self.metrics = metrics
        self.complete = complete
    }
}

/// A typed callback or framework message.
public struct CallbackMessage: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, Codable, CaseIterable {
        case earlyStopping = "early_stopping"
        case restoredBestWeights = "restored_best_weights"
        case learningRateChange = "lr_change"
        case checkpoint
        case terminatedOnNaN = "terminated_on_nan"
        case warning
        case traceback
        case exception
        case interrupted
    }
    public var kind: Kind
    /// The epoch it refers to, when printed or known.
    public var epoch: Int?
    /// A number it carries: the new learning rate, the best epoch restored.
    public var value: Double?
    /// The text as printed (escape sequences removed).
    public var text: String

    public init(kind: Kind, epoch: Int? = nil, value: Double? = nil, text: String) {
        self.kind = kind
        self.epoch = epoch
        self.value = value
        self.text = text
    }
}

/// How a run ended.
public enum RunEnd: Sendable, Equatable {
    case finished
    case interrupted(String)
    case failed(String)
}

extension MetricValues {
    /// The same names with value `value(i)` for the i-th: how a stored update's values become
    /// its `MetricValues` (the names are shared, not copied).
    func filled(_ value: (Int) -> Double) -> MetricValues {
        var metrics = self
        metrics.values.withUnsafeMutableBufferPointer { target in
            for index in 0..<target.count { target[index] = value(index) }
        }
        return metrics
    }
}
