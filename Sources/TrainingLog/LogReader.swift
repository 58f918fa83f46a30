/// A streaming reader: feed byte chunks of any size as they arrive, get events back.
///
/// Contract: the concatenation of events returned by `feed` calls followed by `finish()`
/// does not depend on where the chunks were split (inside UTF-8, an escape sequence, a
/// number). Garbage never throws: it becomes `.noise`.
public protocol LogReader {
    /// Consume the next bytes; return the events they completed.
    mutating func feed(_ bytes: some Collection<UInt8>) -> [TrainingEvent]
    /// The input ended (end of file, closed pipe): flush what is pending, report a cut-off epoch.
    mutating func finish() -> [TrainingEvent]
}
