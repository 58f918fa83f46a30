/// The reader every feed uses: detects the format from the first bytes and streams events
/// through the matching reader. `format` overrides detection (`--format`).
///
/// Detection: a TFRecord frame (binary, `brain.Event` near the start) is TensorBoard; a first
/// non-blank line that is a JSON object containing `"fitwatch"` is the callback stream; a
/// first line starting `epoch,` (or `epoch;`, `epoch\t`) is a CSVLogger file; anything else
/// is Keras's printed output (every flavour, told apart per update). Text that cannot be a CSV
/// header or JSON is routed at once, so a live bar is not held back waiting for a newline.
public struct AutoReader: LogReader {
    private enum Inner {
        case keras(KerasLogReader)
        case csv(CSVLoggerReader)
        case tensorBoard(TensorBoardReader)
        case callback(FitwatchStreamReader)
    }

    private var inner: Inner?
    private var head: [UInt8] = []
    /// Bytes to look at before giving up on a CSV or JSON first line: 64 KiB.
    private static let detectionLimit = 1 << 16

    /// `format` skips detection (the `--format` override); nil detects from the first bytes.
    public init(format: LogFormat? = nil) {
        if let format { inner = Self.reader(for: format) }
    }

    /// The format in use: forced, detected, or (for Keras text) recognised from the first update.
    public var format: LogFormat? {
        switch inner {
        case .keras(let reader)?: return reader.format
        case .csv?: return .csvLogger
        case .tensorBoard?: return .tensorBoard
        case .callback?: return .fitwatchCallback
        case nil: return nil
        }
    }

    private static func reader(for format: LogFormat) -> Inner {
        switch format {
        case .csvLogger: return .csv(CSVLoggerReader())
        case .tensorBoard: return .tensorBoard(TensorBoardReader())
        case .fitwatchCallback: return .callback(FitwatchStreamReader())
        case .unknown, .trainingCore: return .keras(KerasLogReader())
        case .keras3, .keras2, .keras1, .kerasVerbose2: return .keras(KerasLogReader(format: format))
        }
    }

    /// Consumes the next bytes; returns the events they completed.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [TrainingEvent] {
        if inner != nil { return feedInner(bytes) }
        head.append(contentsOf: bytes)
        guard let detected = Self.detect(head, final: false) else { return [] }
        inner = Self.reader(for: detected)
        let buffered = head
        head = []
        return feedInner(buffered)
    }

    /// The input ended: flushes what is pending, reports a cut-off epoch and the run's end.
    public mutating func finish() -> [TrainingEvent] {
        var events: [TrainingEvent] = []
        if inner == nil {
            guard !head.isEmpty else { return [] }
            inner = Self.reader(for: Self.detect(head, final: true) ?? .unknown)
            let buffered = head
            head = []
            events = feedInner(buffered)
        }
        switch inner {
        case .keras(var reader)?: events += reader.finish(); inner = .keras(reader)
        case .csv(var reader)?: events += reader.finish(); inner = .csv(reader)
        case .tensorBoard(var reader)?: events += reader.finish(); inner = .tensorBoard(reader)
        case .callback(var reader)?: events += reader.finish(); inner = .callback(reader)
        case nil: break
        }
        return events
    }

    /// See `LogReader.discardPartialLine()`. Before detection the unfinished first line is
    /// dropped with the rest of what was buffered for it.
    public mutating func discardPartialLine() {
        switch inner {
        case .keras(var reader)?: inner = nil; reader.discardPartialLine(); inner = .keras(reader)
        case .csv(var reader)?: inner = nil; reader.discardPartialLine(); inner = .csv(reader)
        case .tensorBoard(var reader)?: inner = nil; reader.discardPartialLine(); inner = .tensorBoard(reader)
        case .callback(var reader)?: inner = nil; reader.discardPartialLine(); inner = .callback(reader)
        case nil:
            if let newline = head.lastIndex(of: 10) { head.removeSubrange((newline + 1)...) } else { head = [] }
        }
    }

    private mutating func feedInner(_ bytes: some Collection<UInt8>) -> [TrainingEvent] {
        switch inner {
        case .keras(var reader)?:
            inner = nil // keep the reader uniquely referenced while it mutates
            let events = reader.feed(bytes)
            inner = .keras(reader)
            return events
        case .csv(var reader)?:
            inner = nil
            let events = reader.feed(bytes)
            inner = .csv(reader)
            return events
        case .tensorBoard(var reader)?:
            inner = nil
            let events = reader.feed(bytes)
            inner = .tensorBoard(reader)
            return events
        case .callback(var reader)?:
            inner = nil
            let events = reader.feed(bytes)
            inner = .callback(reader)
            return events
        case nil:
            return []
        }
    }

    /// The format of a stream starting with `head`, or nil when more bytes are needed.
    /// `final`: no more bytes will come, decide now.
    public static func detect(_ head: [UInt8], final: Bool) -> LogFormat? {
        // TFRecord: an 8-byte little-endian length whose high bytes are zero, then binary.
        if head.count >= 12, head[4...7].allSatisfy({ $0 == 0 }), head[0] != 0 || head[1] != 0,
           head.prefix(12).contains(where: { $0 < 9 }) {
            return .tensorBoard
        }
        // Too short to tell a TFRecord length (bytes 4...7 zero) from text: wait, unless a
        // non-zero byte at 4... already rules TFRecord out.
        if !final, head.count < 12, head.count <= 4 || head[4..<min(8, head.count)].allSatisfy({ $0 == 0 }) { return nil }
        var index = 0
        while index < head.count, [9, 10, 13, 32].contains(head[index]) { index += 1 }
        guard index < head.count else { return final ? .unknown : nil }
        let first = head[index]
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "e") {
            // Might be the callback's JSON or a CSV header: look at the whole first line.
            guard let newline = head[index...].firstIndex(of: 10) else {
                if final || head.count >= detectionLimit { return classifyLine(head[index...]) }
                return nil
            }
            return classifyLine(head[index..<newline])
        }
        return .unknown
    }

    private static func classifyLine(_ line: ArraySlice<UInt8>) -> LogFormat {
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("{"), text.contains("\"fitwatch\"") { return .fitwatchCallback }
        if text.hasPrefix("epoch,") || text.hasPrefix("epoch;") || text.hasPrefix("epoch\t") { return .csvLogger }
        return .unknown
    }
}
