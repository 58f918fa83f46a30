import Dispatch
import Foundation
import TrainingLog

/// A directory of runs: follows the run `DirectoryRun.newest(in:)` finds under it (the rule
/// `replay`, `export` and `check` read a directory by), and switches when a newer one appears,
/// so `fitwatch runs/` always shows the latest run. A log file is followed like `tail -F`; a
/// TensorBoard run follows every event file of the run (`train/` and `validation/`, files
/// that appear later too) and merges them into one epoch per step.
public final class DirectoryFeed: Feed, @unchecked Sendable {
    public let id: SourceID
    private let directory: String
    private let makeReader: ReaderMaker
    private let rescanInterval: Double
    private let queue = DispatchQueue(label: "fitwatch.directory")
    private var timer: DispatchSourceTimer?
    private var current: DirectoryRun?
    /// Every file followed, by path (one for a log, each event file of a TensorBoard run).
    private var tails: [String: FileTail] = [:]
    /// A TensorBoard run's readers, by event file, and the merge of their epochs.
    private var eventReaders: [String: TensorBoardReader] = [:]
    private var merger = TensorBoardRunMerger()
    /// Since when a TensorBoard epoch waits for a group that has not reached it.
    private var waitingSince: Date?
    private var inbox: Inbox?
    private var directoryPipeline: EventPipeline?
    private let lock = NSLock()
    private var stopped = false

    /// How long an epoch of a followed TensorBoard run waits for a group (validation) that
    /// stays silent before it is shown without it: TensorFlow's writers flush on their own
    /// schedule, so a few seconds of lag between train and validation files is normal.
    static let groupWait: TimeInterval = 10

    /// - Parameters:
    ///   - makeReader: a reader for each log file followed (an `AutoReader` tells the formats
    ///     apart by their first bytes).
    ///   - rescanInterval: seconds between looks for a newer run (2 s: a new run shows up
    ///     about as fast as a person switches windows, for a few stat calls).
    public init(directory: String, rescanInterval: Double = 2, makeReader: @escaping ReaderMaker) {
        self.directory = directory
        self.makeReader = makeReader
        self.rescanInterval = rescanInterval
        id = SourceID(directory)
    }

    public func start(inbox: Inbox) {
        queue.async { [self] in
            guard self.inbox == nil, !isStopped else { return }
            self.inbox = inbox
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + rescanInterval, repeating: rescanInterval, leeway: .milliseconds(200))
            timer.setEventHandler { [weak self] in self?.rescan() }
            timer.resume()
            self.timer = timer
            rescan()
        }
    }

    private var isStopped: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopped
    }

    private func rescan() {
        guard let inbox, !isStopped else { return }
        guard let newest = DirectoryRun.newest(in: directory) else {
            if current == nil {
                let pipeline = directoryPipeline ?? EventPipeline(id: id, inbox: inbox, reader: makeReader())
                directoryPipeline = pipeline
                pipeline.state(.waiting("no run under \(directory) yet (\(DirectoryRun.rule))"))
            }
            return
        }
        if newest.path == current?.path, newest.kind == current?.kind {
            if newest.kind == .tensorBoard { followNewEventFiles(of: newest) }
            return
        }
        for tail in tails.values { tail.stop() }
        tails = [:]
        eventReaders = [:]
        merger = TensorBoardRunMerger()
        waitingSince = nil
        // A new run: a fresh reader, so nothing of the previous run's partial state leaks in.
        let pipeline = EventPipeline(id: id, inbox: inbox, reader: makeReader())
        directoryPipeline = pipeline
        current = newest
        inbox.post(.output(id, "following \(newest.path)"))
        if newest.kind == .log { inbox.post(.reading(id, newest.shown(under: directory))) }
        switch newest.kind {
        case .log:
            let tail = FileTail(path: newest.path, queue: queue,
                                onBytes: { [weak self] bytes in pipeline.feed(bytes, shouldStop: { self?.isStopped ?? true }) },
                                onState: { pipeline.state($0) },
                                onBoundary: { pipeline.discardPartialLine() })
            tails[newest.path] = tail
            tail.start()
        case .tensorBoard:
            current?.groups = []
            followNewEventFiles(of: newest)
        }
    }

    /// Follow the event files of the current TensorBoard run not followed yet (a validation
    /// file appears at the first validation, after the training file); show epochs that waited
    /// too long for a silent group.
    private func followNewEventFiles(of run: DirectoryRun) {
        guard let pipeline = directoryPipeline, let inbox else { return }
        let groups = DirectoryRun.groups(ofRun: run.path)
        if groups.map(\.prefix) != current?.groups.map(\.prefix) {
            current?.groups = groups
            if let current { inbox.post(.reading(id, current.shown(under: directory))) }
        }
        for group in groups {
            merger.expect(group: group.prefix)
            for file in group.files where tails[file] == nil {
                eventReaders[file] = TensorBoardReader(prefix: group.prefix)
                let prefix = group.prefix
                let tail = FileTail(path: file, queue: queue,
                                    onBytes: { [weak self] bytes in self?.eventBytes(bytes, file: file, prefix: prefix, pipeline: pipeline) },
                                    onState: { pipeline.state($0) })
                tails[file] = tail
                tail.start()
            }
        }
        if let since = waitingSince, Date().timeIntervalSince(since) >= Self.groupWait {
            pipeline.post(merger.ready(force: true))
            waitingSince = nil
        }
    }

    /// Bytes of one event file: its reader's epochs, the one still being written included
    /// (a followed run's last epoch has no next step to end it), through the merger.
    private func eventBytes(_ bytes: UnsafeRawBufferPointer, file: String, prefix: String, pipeline: EventPipeline) {
        guard !isStopped, pipeline === directoryPipeline, var reader = eventReaders[file] else { return }
        // A group that appeared since the last scan (Keras opens `validation/` at the first
        // validation, just before it writes the epoch's training scalars) is waited for.
        if let current { followNewEventFiles(of: current) }
        var events = reader.feed(bytes.bindMemory(to: UInt8.self))
        if let pending = reader.pendingEpoch() { events.append(.epochEnded(pending)) }
        eventReaders[file] = reader
        pipeline.post(merger.add(events, group: prefix), shouldStop: { [weak self] in self?.isStopped ?? true })
        waitingSince = merger.waiting ? (waitingSince ?? Date()) : nil
    }

    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        queue.async { [self] in
            timer?.cancel()
            timer = nil
            for tail in tails.values { tail.stop() }
            tails = [:]
            current = nil
        }
    }
}
