import Foundation
import KerasModel

/// Reads the fitwatch Keras callback stream (`*.fitwatch.jsonl`, written by
/// `integrations/keras/fitwatch_callback.py`): one JSON object per line, each with a
/// `"fitwatch"` key and a `type`.
///
/// `header` -> `.runStarted` and `.modelKnown` (the exact graph, provenance `.callback`);
/// `epoch_begin` -> `.epochBegan`; `batch` -> `.batchProgress`; `epoch` -> `.epochEnded`;
/// `event` -> `.message`; `evaluate` -> `.evaluated`; `footer` -> `.runEnded` (after a
/// cut-off `.epochEnded` when it came mid-epoch). Every other line, a torn last line
/// included, is `.noise`. Epochs are 1-based as Keras prints them.
public struct FitwatchStreamReader: LogReader {
    /// The header of the current segment, with metric objects from a later `metrics` record.
    public private(set) var header: FitwatchStreamHeader?
    /// Builds the model graph from the header's model and compile config: nil when the
    /// header has no model config, an error (shown as a warning message) when it is unreadable.
    public typealias GraphBuilder = @Sendable (FitwatchStreamHeader) throws -> ModelGraph?

    private let graphBuilder: GraphBuilder
    private var pending: [UInt8] = []
    /// How much of `pending` is known to hold no newline.
    private var scanned = 0
    /// True between a segment's start (header, or the first record of a stream joined
    /// mid-run) and its footer.
    private var segmentOpen = false
    private var epochsRequested: Int?
    /// The epoch in progress: its number and the wall-clock time it began.
    private var epochStart: (epoch: Int, time: Double?)?
    /// The last batch update since the last finished epoch: the cut-off epoch's values.
    private var lastProgress: BatchProgress?

    /// A reader building graphs with the KerasModel module's model-file reader.
    public init() {
        self.init(graphBuilder: FitwatchStreamReader.defaultGraph)
    }

    /// A reader with its own graph builder (tests; callers with extra knowledge) and line limit.
    public init(graphBuilder: @escaping GraphBuilder, maximumLineBytes: Int = defaultMaximumLineBytes) {
        self.graphBuilder = graphBuilder
        self.maximumLineBytes = max(1, maximumLineBytes)
    }

    /// The graph the KerasModel module reads from a header's model and compile config,
    /// tagged `.callback`, carrying the exact Keras version the header names.
    public static let defaultGraph: GraphBuilder = { header in
        guard let model = header.modelConfigJSON else { return nil }
        var graph = try ModelFileReader.graph(modelConfigJSON: Data(model.utf8),
                                              compileConfigJSON: header.compileConfigJSON.map { Data($0.utf8) },
                                              provenance: .callback)
        // Keras 3's to_json() carries no version (the model reader says "3.x"); the header
        // has the exact one from the running Keras.
        if let version = header.kerasVersion { graph.kerasVersion = version }
        return graph
    }

    /// Longest line kept whole: 64 MiB. A header holds the model config, a few kilobytes for
    /// the models here and megabytes for the largest; a longer "line" is binary garbage (the
    /// wrong file), which must not grow memory without bound.
    public static let defaultMaximumLineBytes = 64 << 20

    /// This reader's longest line; longer ones are cut into noise at this many bytes.
    public let maximumLineBytes: Int

    /// Consume the next bytes; return the events of the lines they completed.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [TrainingEvent] {
        pending.append(contentsOf: bytes)
        var events: [TrainingEvent] = []
        var start = pending.startIndex
        // Bytes before `scanned` hold no newline: a long line fed in small chunks is scanned
        // once, not once per chunk.
        var from = max(start, scanned)
        while true {
            if let newline = pending[from...].firstIndex(of: 10), newline - start <= maximumLineBytes {
                process(line: pending[start..<newline], into: &events)
                start = newline + 1
                from = start
            } else if pending.count - start > maximumLineBytes {
                // Cut at exactly the limit, so the result does not depend on chunk sizes.
                let cut = start + maximumLineBytes
                events.append(.noise(FitwatchStreamReader.preview(pending[start..<cut])))
                start = cut
                from = start
            } else {
                break
            }
        }
        pending.removeSubrange(..<start)
        scanned = pending.count
        return events
    }

    /// The start of an overlong line and its size, as the noise text.
    static func preview(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix(200), as: UTF8.self) + "… (\(bytes.count) bytes without a newline)"
    }

    /// See `LogReader.discardPartialLine()`.
    public mutating func discardPartialLine() {
        pending.removeAll(keepingCapacity: false)
        scanned = 0
    }

    /// The input ended: read a last line without a newline, report a cut-off epoch.
    public mutating func finish() -> [TrainingEvent] {
        var events: [TrainingEvent] = []
        if !pending.isEmpty {
            // A last line without a newline: a complete record still counts, a torn one
            // (the writer was killed mid-write) is noise.
            process(line: pending[...], into: &events)
            pending = []
            scanned = 0
        }
        closeCutOffEpoch(into: &events)
        return events
    }

    // MARK: lines

    private mutating func process(line raw: ArraySlice<UInt8>, into events: inout [TrainingEvent]) {
        var line = raw
        while let last = line.last, last == 13 || last == 32 || last == 9 { line = line.dropLast() }
        while let first = line.first, first == 32 || first == 9 { line = line.dropFirst() }
        guard !line.isEmpty else { return }
        guard let record = FitwatchStreamJSON.parse(line), record["fitwatch"] != nil,
              let type = record["type"]?.string else {
            events.append(.noise(String(decoding: raw, as: UTF8.self)))
            return
        }
        let understood: Bool
        switch type {
        case "header": understood = startSegment(record, into: &events)
        case "epoch_begin": understood = epochBegan(record, into: &events)
        case "batch": understood = batch(record, into: &events)
        case "epoch": understood = epochEnded(record, into: &events)
        case "metrics":
            let objects = FitwatchStreamHeader.metricObjects(record["metric_objects"])
            if !objects.isEmpty { header?.metricObjects = objects }
            understood = true
        case "event": understood = event(record, into: &events)
        case "evaluate":
            events.append(.evaluated(FitwatchStreamReader.metrics(record["logs"])))
            understood = true
        case "footer": understood = footer(record, into: &events)
        default:
            // A record type from a newer callback: shown as a raw line, never fatal.
            understood = false
        }
        if !understood { events.append(.noise(String(decoding: raw, as: UTF8.self))) }
    }

    // MARK: records

    private mutating func startSegment(_ record: FitwatchStreamJSON, into events: inout [TrainingEvent]) -> Bool {
        if segmentOpen {
            // A new fit began in the same file without a footer for the previous one: the
            // writer was killed, so that run is over.
            closeCutOffEpoch(into: &events)
            events.append(.runEnded(.interrupted("the stream of the previous fit ended without a footer")))
        }
        let header = FitwatchStreamHeader(record: record) ?? FitwatchStreamHeader()
        self.header = header
        segmentOpen = true
        epochsRequested = header.epochs
        epochStart = nil
        lastProgress = nil
        events.append(.runStarted(RunStart(epochs: header.epochs, format: .fitwatchCallback, flavour: header.flavour,
                                           parameters: header.parameters)))
        do {
            if let graph = try graphBuilder(header) {
                events.append(.modelKnown(graph))
            } else if let reason = header.modelError {
                events.append(.message(CallbackMessage(kind: .warning, text: "the callback could not save the model config (\(reason)): no model graph")))
            }
        } catch {
            events.append(.message(CallbackMessage(kind: .warning, text: "fitwatch could not read the model config from the callback: \(error)")))
        }
        return true
    }

    /// A record of a running segment arrived before any header (the stream was joined mid-run).
    private mutating func ensureSegment(_ record: FitwatchStreamJSON, into events: inout [TrainingEvent]) {
        guard !segmentOpen else { return }
        segmentOpen = true
        if let epochs = record["epochs"]?.int { epochsRequested = epochs }
        events.append(.runStarted(RunStart(epochs: epochsRequested, format: .fitwatchCallback, startsMidRun: true)))
    }

    private mutating func epochBegan(_ record: FitwatchStreamJSON, into events: inout [TrainingEvent]) -> Bool {
        guard let epoch = record["epoch"]?.int else { return false }
        ensureSegment(record, into: &events)
        if let epochs = record["epochs"]?.int { epochsRequested = epochs }
        epochStart = (epoch, record["time"]?.double)
        lastProgress = nil
        events.append(.epochBegan(epoch: epoch, of: epochsRequested))
        return true
    }

    private mutating func batch(_ record: FitwatchStreamJSON, into events: inout [TrainingEvent]) -> Bool {
        guard let epoch = record["epoch"]?.int, let step = record["step"]?.int else { return false }
        ensureSegment(record, into: &events)
        let total = record["steps"]?.int
        var eta: Double?
        if let total, step > 0, let start = epochStart, start.epoch == epoch, let began = start.time,
           let now = record["time"]?.double, now >= began {
            // Seconds per step so far times the steps left, as Keras's own ETA.
            // In Double: `total - step` as Int overflowed (a trap) on a hostile `steps`.
            eta = (now - began) / Double(step) * max(0, Double(total) - Double(step))
        }
        let progress = BatchProgress(epoch: epoch, step: step, total: total, eta: eta,
                                     metrics: FitwatchStreamReader.metrics(record["logs"]))
        lastProgress = progress
        events.append(.batchProgress(progress))
        return true
    }

    private mutating func epochEnded(_ record: FitwatchStreamJSON, into events: inout [TrainingEvent]) -> Bool {
        guard let epoch = record["epoch"]?.int else { return false }
        ensureSegment(record, into: &events)
        if let epochs = record["epochs"]?.int { epochsRequested = epochs }
        let steps = record["steps"]?.int
        let seconds = record["seconds"]?.double
        var perStep: Double?
        if let seconds, let steps, steps > 0 { perStep = seconds / Double(steps) }
        var ended = EpochRecord(epoch: epoch, of: epochsRequested, steps: steps, seconds: seconds,
                                secondsPerStep: perStep, metrics: FitwatchStreamReader.metrics(record["logs"]))
        ended.wallTime = record["time"]?.double.flatMap { $0.isFinite ? $0 : nil }
        events.append(.epochEnded(ended))
        epochStart = nil
        lastProgress = nil
        return true
    }

    private mutating func event(_ record: FitwatchStreamJSON, into events: inout [TrainingEvent]) -> Bool {
        ensureSegment(record, into: &events)
        let kindName = record["kind"]?.string ?? ""
        let kind: CallbackMessage.Kind
        switch kindName {
        case "lr_change": kind = .learningRateChange
        case "stop_training": kind = record["reason"]?.string == "nan" ? .terminatedOnNaN : .earlyStopping
        case "checkpoint": kind = .checkpoint
        case "restored_best_weights": kind = .restoredBestWeights
        default: kind = .warning  // "nan" (a non-finite loss that did not stop training) and newer kinds
        }
        let text = record["text"]?.string ?? kindName
        events.append(.message(CallbackMessage(kind: kind, epoch: record["epoch"]?.int,
                                               value: record["value"]?.double, text: text)))
        return true
    }

    private mutating func footer(_ record: FitwatchStreamJSON, into events: inout [TrainingEvent]) -> Bool {
        closeCutOffEpoch(into: &events)
        let error = record["error"]?.string
        switch record["status"]?.string {
        case "interrupted": events.append(.runEnded(.interrupted(error ?? "interrupted")))
        case "failed": events.append(.runEnded(.failed(error ?? "failed")))
        default: events.append(.runEnded(.finished))
        }
        segmentOpen = false
        epochStart = nil
        return true
    }

    /// The epoch that stopped mid-way, with its last running averages, as `complete: false`.
    private mutating func closeCutOffEpoch(into events: inout [TrainingEvent]) {
        guard let progress = lastProgress else { return }
        lastProgress = nil
        events.append(.epochEnded(EpochRecord(epoch: progress.epoch, of: epochsRequested, steps: progress.step,
                                              metrics: progress.metrics, complete: false)))
    }

    /// A `logs` object as metric values in logged order; non-numeric entries are skipped.
    static func metrics(_ logs: FitwatchStreamJSON?) -> MetricValues {
        var values = MetricValues()
        for (name, value) in logs?.object ?? [:] {
            if let number = value.double { values[name] = number }
        }
        return values
    }
}
