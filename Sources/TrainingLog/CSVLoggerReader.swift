/// Reads Keras `CSVLogger` files: a header `epoch,<keys sorted>` and one row per epoch with a
/// 0-based epoch column and floats in Python `repr`. A header appearing again (`append=True`
/// and a new run) starts a new `fit` segment.
public struct CSVLoggerReader: LogReader {
    private var pending: [UInt8] = []
    private var columns: [String] = []
    private var separator: Character = ","
    private var lastEpoch = -1
    private var runOpen = false
    /// 1-based number of the line being handled, for messages naming it.
    private var lineNumber = 0

    public init() {}

    /// Longest line kept: 1 MiB (a header of 80,000 columns). The rest of a longer line is
    /// dropped as it arrives, with a note counting it, so memory stays bounded on any input.
    public static let maximumLineBytes = 1 << 20
    /// Bytes of the current line dropped past `maximumLineBytes`.
    private var droppedBytes = 0
    /// `pending` before this index holds no newline (not searched again on the next feed).
    private var searched = 0

    /// Consumes the next bytes; returns the events they completed.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [TrainingEvent] {
        var events: [TrainingEvent] = []
        var rest = bytes[...]
        while !rest.isEmpty {
            if droppedBytes > 0 || pending.count >= Self.maximumLineBytes {
                // Over the limit: skip to the end of this line, counting what is dropped.
                guard let newline = rest.firstIndex(of: 10) else {
                    droppedBytes += rest.count
                    return events
                }
                droppedBytes += rest.distance(from: rest.startIndex, to: newline)
                rest = rest[rest.index(after: newline)...]
                let kept = pending.count
                if pending.starts(with: "epoch".utf8) {
                    handle(line: pending[...], into: &events) // a header: its first columns
                } else {
                    lineNumber += 1 // a row whose last cell is cut is not an epoch
                }
                events.append(.noise("CSVLogger line \(lineNumber): cut at \(kept) bytes, \(droppedBytes) more bytes dropped"))
                pending.removeAll(keepingCapacity: false)
                droppedBytes = 0
                searched = 0
                continue
            }
            let room = Self.maximumLineBytes - pending.count
            let take = rest.prefix(room)
            pending.append(contentsOf: take)
            rest = rest[take.endIndex...]
            var start = 0
            while let newline = pending[max(start, searched)...].firstIndex(of: 10) {
                handle(line: pending[start..<newline], into: &events)
                start = newline + 1
            }
            pending.removeFirst(start)
            searched = pending.count
        }
        return events
    }

    /// See `LogReader.discardPartialLine()`.
    public mutating func discardPartialLine() {
        pending.removeAll(keepingCapacity: false)
        droppedBytes = 0
        searched = 0
    }

    /// The input ended: flushes what is pending, reports a cut-off epoch and the run's end.
    public mutating func finish() -> [TrainingEvent] {
        var events: [TrainingEvent] = []
        if !pending.isEmpty { handle(line: pending[...], into: &events, unterminated: true) }
        if droppedBytes > 0 {
            events.append(.noise("CSVLogger line \(lineNumber): cut at \(pending.count) bytes, \(droppedBytes) more bytes dropped"))
        }
        pending = []
        droppedBytes = 0
        searched = 0
        if runOpen { events.append(.runEnded(.finished)) }
        runOpen = false
        return events
    }

    private mutating func handle(line bytes: ArraySlice<UInt8>, into events: inout [TrainingEvent],
                                 unterminated: Bool = false) {
        lineNumber += 1
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
        // 0..<2^40: an absurd epoch number would trap in `epoch + 1` and is not a real run.
        guard !columns.isEmpty, let first = cells.first, let epoch = Int(first), epoch >= 0, epoch < 1 << 40 else {
            events.append(.noise(text))
            return
        }
        if unterminated, cells.count < columns.count || cells.last?.isEmpty == true {
            // The file ends mid-row (CSVLogger is still writing it, or the run was killed):
            // fewer cells than the header, or a last cell cut before its first character
            // (`2,`). The cells seen so far are not an epoch.
            events.append(.noise("CSVLogger line \(lineNumber): half-written row skipped: \(text)"))
            return
        }
        var metrics: MetricValues = [:]
        for (index, cell) in cells.enumerated().dropFirst() where index < columns.count {
            if let value = PrintedNumber.parse(cell) {
                metrics[columns[index]] = value
            } else if !cell.isEmpty, cell != "NA" {
                // CSVLogger writes "NA" for a key a given epoch lacks; anything else that is
                // not a number is damage, reported and left out rather than guessed.
                events.append(.noise("CSVLogger line \(lineNumber): \(columns[index]) is not a number: \(cell)"))
            }
        }
        guard !metrics.isEmpty else {
            events.append(.noise("CSVLogger line \(lineNumber): row without a numeric value skipped: \(text)"))
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
        lastEpoch = epoch
        events.append(.epochEnded(EpochRecord(epoch: epoch + 1, metrics: metrics)))
    }
}
