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
    /// The bytes stopped mid-line and will not go on (a followed file was truncated, rotated or
    /// replaced): forget the unfinished line, so it never joins the next file's first line.
    /// Everything else (the run, the epoch in progress) is kept.
    mutating func discardPartialLine()
}

extension LogReader {
    public mutating func discardPartialLine() {}
}
