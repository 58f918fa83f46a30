/// Reads the fitwatch Keras callback stream (`*.fitwatch.jsonl`). Owned by the callback work
/// (issue 7); until then every line is noise.
public struct FitwatchStreamReader: LogReader {
    private var pending: [UInt8] = []
    public init() {}

    public mutating func feed(_ bytes: some Collection<UInt8>) -> [TrainingEvent] {
        pending.append(contentsOf: bytes)
        var events: [TrainingEvent] = []
        while let newline = pending.firstIndex(of: 10) {
            events.append(.noise(String(decoding: pending[..<newline], as: UTF8.self)))
            pending.removeSubrange(...newline)
        }
        return events
    }

    public mutating func finish() -> [TrainingEvent] {
        defer { pending = [] }
        return pending.isEmpty ? [] : [.noise(String(decoding: pending, as: UTF8.self))]
    }
}
