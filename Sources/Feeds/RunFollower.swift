import Foundation
import TrainingLog

/// One discovered run's bytes to events, whoever reads the bytes (local tails or one ssh
/// connection for a host): a log goes through its reader; a TensorBoard run's event files
/// each through their own reader and are merged into one epoch per step (an epoch waits for
/// a group, validation, that has not reached it, at most `groupWait`). Used from its owner's
/// serial queue only.
final class RunFollower {
    let id: SourceID
    private(set) var run: RunDiscovery.Run
    let pipeline: EventPipeline
    private var eventReaders: [String: TensorBoardReader] = [:]
    private var merger = TensorBoardRunMerger()
    private var waitingSince: Date?
    /// The run was seen missing from its listing (deleted) and not seen again yet.
    var gone = false

    /// How long an epoch of a followed TensorBoard run waits for a group (validation) that
    /// stays silent before it is shown without it: TensorFlow's writers flush on their own
    /// schedule, so a few seconds of lag between train and validation files is normal.
    static let groupWait: TimeInterval = 10

    init(id: SourceID, run: RunDiscovery.Run, inbox: Inbox, makeReader: ReaderMaker) {
        self.id = id
        self.run = run
        pipeline = EventPipeline(id: id, inbox: inbox, reader: makeReader())
        if run.kind == .tensorBoard { _ = update(groups: run.groups, force: true) }
    }

    /// The files this run reads now.
    var files: [String] { run.kind == .log ? [run.path] : run.groups.flatMap(\.files) }

    /// A TensorBoard run's event files as listed now; returns the files not read before.
    @discardableResult
    func update(groups: [DirectoryRun.Group], force: Bool = false) -> [String] {
        guard run.kind == .tensorBoard else { return [] }
        var fresh: [String] = []
        for group in groups {
            merger.expect(group: group.prefix)
            for file in group.files where eventReaders[file] == nil {
                eventReaders[file] = TensorBoardReader(prefix: group.prefix)
                fresh.append(file)
            }
        }
        if force || groups.map(\.prefix) != run.groups.map(\.prefix) || !fresh.isEmpty {
            let before = run.groups.map(\.prefix)
            run.groups = groups
            if force || before != groups.map(\.prefix) {
                pipeline.inbox.post(.reading(id, shown))
            }
        }
        return fresh
    }

    /// What the run reads, as the header and `--jsonl` say it.
    var shown: String {
        guard run.kind == .tensorBoard else { return run.name }
        let parts = run.groups.map { $0.prefix.isEmpty ? "train" : "validation" }
        return "\(run.name) (TensorBoard: \(parts.joined(separator: ", ")))"
    }

    /// Bytes of one of the run's files, in order.
    func bytes(_ chunk: UnsafeRawBufferPointer, file: String, shouldStop: () -> Bool) {
        guard !chunk.isEmpty else { return }
        switch run.kind {
        case .log:
            pipeline.feed(chunk, shouldStop: shouldStop)
        case .tensorBoard:
            guard var reader = eventReaders[file], let prefix = run.prefix(ofEventFile: file) else { return }
            // The epoch still being written counts too: a followed run's last epoch has no next
            // step to end it; the merger replaces it when it grows.
            var events = reader.feed(chunk.bindMemory(to: UInt8.self))
            if let pending = reader.pendingEpoch() { events.append(.epochEnded(pending)) }
            eventReaders[file] = reader
            pipeline.post(merger.add(events, group: prefix), shouldStop: shouldStop)
            waitingSince = merger.waiting ? (waitingSince ?? Date()) : nil
        }
    }

    /// A file's bytes stopped mid-line for good (truncated, rotated): for a log, the reader
    /// forgets its unfinished line; an event file starts over with a fresh reader.
    func boundary(file: String) {
        switch run.kind {
        case .log: pipeline.discardPartialLine()
        case .tensorBoard:
            if let prefix = run.prefix(ofEventFile: file) { eventReaders[file] = TensorBoardReader(prefix: prefix) }
        }
    }

    func state(_ state: SourceState) { pipeline.state(state) }

    /// Epochs that waited too long for a silent group are shown without it.
    func tick() {
        if let since = waitingSince, Date().timeIntervalSince(since) >= Self.groupWait {
            pipeline.post(merger.ready(force: true))
            waitingSince = nil
        }
    }
}
