/// Reads Keras `CSVLogger` files: a header `epoch,<keys sorted>` and one row per epoch with a
/// 0-based epoch column and floats in Python `repr`. A header appearing again (`append=True`
/// and a new run) starts a new `fit` segment.
public struct CSVLoggerReader: LogReader {
    private var pending: [UInt8] = []
    private var columns: [String] = []
    private var separator: Character = ","
    private var lastEpoch = -1
    private var runOpen = false

    public init() {}

    /// Consumes the next bytes; returns the events they completed.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [TrainingEvent] {
        pending.append(contentsOf: bytes)
        var events: [TrainingEvent] = []
        var start = 0
        while let newline = pending[start...].firstIndex(of: 10) {
            handle(line: pending[start..<newline], into: &events)
            start = newline + 1
        }
        pending.removeFirst(start)
        return events
    }

    /// The input ended: flushes what is pending, reports a cut-off epoch and the run's end.
    public mutating func finish() -> [TrainingEvent] {
        var events: [TrainingEvent] = []
        if !pending.isEmpty { handle(line: pending[...], into: &events) }
        pending = []
        if runOpen { events.append(.runEnded(.finished)) }
        runOpen = false
        return events
    }

    private mutating func handle(line bytes: ArraySlice<UInt8>, into events: inout [TrainingEvent]) {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        if text.isEmpty { return }
        if text.hasPrefix("epoch") {
            separator = text.dropFirst(5).first ?? ","
            columns = text.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
            if runOpen { events.append(.runEnded(.finished)) }
            runOpen = false
            lastEpoch = -1
            return
        }
        let cells = text.split(separator: separator, omittingEmptySubsequences: false)
        guard !columns.isEmpty, let first = cells.first, let epoch = Int(first) else {
            events.append(.noise(text))
            return
        }
        if runOpen, epoch <= lastEpoch {
            // Rows restarting without a header: a new run appended to the same file.
            events.append(.runEnded(.finished))
            runOpen = false
        }
        if !runOpen {
            runOpen = true
            events.append(.runStarted(RunStart(epochs: nil, format: .csvLogger, startsMidRun: epoch != 0)))
        }
        var metrics: MetricValues = [:]
        for (index, cell) in cells.enumerated().dropFirst() where index < columns.count {
            if let value = PrintedNumber.parse(cell) { metrics[columns[index]] = value }
        }
        lastEpoch = epoch
        events.append(.epochEnded(EpochRecord(epoch: epoch + 1, metrics: metrics)))
    }
}
