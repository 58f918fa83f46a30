import TrainingLog

// TEMPORARY until the readers work (issue 2) lands `AutoReader` in TrainingLog: lines become
// noise. Deleted when main has the real one.
struct AutoReader: LogReader {
    private var inner = FitwatchStreamReader()
    init(format: LogFormat?) {}
    mutating func feed(_ bytes: some Collection<UInt8>) -> [TrainingEvent] { inner.feed(bytes) }
    mutating func finish() -> [TrainingEvent] { inner.finish() }
}
