import Foundation
import TrainingLog

/// Makes a fresh streaming reader for a source (one per source; restarted after truncation).
public typealias ReaderMaker = @Sendable () -> any LogReader

/// Bytes in, events out: feeds a source's reader and posts what it completes to the inbox,
/// and posts state changes only when the state really changed. Used from the source's serial
/// queue only.
final class EventPipeline: @unchecked Sendable {
    let id: SourceID
    let inbox: Inbox
    private var reader: any LogReader
    private(set) var lastState: SourceState?

    /// Past this many undrained messages a source waits: 50,000 messages are a few MB, and
    /// the main loop drains them in well under a frame.
    static let backlogLimit = 50_000
    /// ... or past this many bytes of text in them: 50,000 lines of 1 KB noise held 50 MB
    /// (plus the copies the main loop makes while draining them), over the 100 MB goal.
    static let backlogBytesLimit = 4 << 20

    init(id: SourceID, inbox: Inbox, reader: any LogReader) {
        self.id = id
        self.inbox = inbox
        self.reader = reader
    }

    /// Feed bytes as they arrived; post the events they completed.
    func feed(_ bytes: UnsafeRawBufferPointer, shouldStop: () -> Bool = { false }) {
        guard !bytes.isEmpty else { return }
        let events = reader.feed(bytes.bindMemory(to: UInt8.self))
        post(events, shouldStop: shouldStop)
    }

    /// The bytes stopped mid-line for good (truncation, rotation): forget the unfinished line.
    func discardPartialLine() {
        reader.discardPartialLine()
    }

    /// The input ended: flush the reader.
    func finish() {
        post(reader.finish())
    }

    /// Post a state if it differs from the last one posted.
    /// The source's file was last written at `time` (seconds since 1970).
    func wrote(at time: Double) {
        inbox.post(.wrote(id, at: time))
    }

    func state(_ state: SourceState) {
        guard state != lastState else { return }
        lastState = state
        inbox.post(.state(id, state))
    }

    /// Post events a source read itself (a TensorBoard run merged from several files).
    func post(_ events: [TrainingEvent], shouldStop: () -> Bool = { false }) {
        guard !events.isEmpty else { return }
        inbox.post(EventPipeline.coalesced(events).map { .event(id, $0) })
        while (inbox.pendingCount > EventPipeline.backlogLimit || inbox.pendingBytes > EventPipeline.backlogBytesLimit)
                && !shouldStop() {
            usleep(1_000)
        }
    }

    /// Of a run of consecutive progress updates only the last matters on screen; a 64 KiB
    /// chunk of a backlog holds hundreds of them, so keeping one per run bounds the messages a
    /// 1 GB log produces by its epochs rather than its bytes.
    static func coalesced(_ events: [TrainingEvent]) -> [TrainingEvent] {
        var result: [TrainingEvent] = []
        result.reserveCapacity(events.count)
        for event in events {
            if case .batchProgress = event, case .batchProgress? = result.last {
                result[result.count - 1] = event
            } else {
                result.append(event)
            }
        }
        return result
    }
}
