import Dispatch
import Foundation

/// A local log followed like `tail -F` (see `FileTail`), parsed as it grows.
public final class FileFeed: Feed, @unchecked Sendable {
    public let id: SourceID
    private let path: String
    private let makeReader: ReaderMaker
    private let queue: DispatchQueue
    private let pollInterval: Double
    private let useInotify: Bool
    private let quietPeriod: TimeInterval
    private let lock = NSLock()
    private var tail: FileTail?
    private var stopped = false

    /// - Parameters:
    ///   - pollInterval: seconds between safety-net checks (tests shorten it).
    ///   - useInotify: false forces polling (every `pollInterval / 4` seconds).
    ///   - quietPeriod: seconds without new bytes before the state goes from live to following.
    public init(path: String, id: SourceID? = nil, pollInterval: Double = 1, useInotify: Bool = true,
                quietPeriod: Double = 30, makeReader: @escaping ReaderMaker) {
        self.path = path
        self.quietPeriod = quietPeriod
        self.useInotify = useInotify
        self.id = id ?? SourceID(path)
        self.makeReader = makeReader
        self.pollInterval = pollInterval
        queue = DispatchQueue(label: "fitwatch.file")
    }

    public func start(inbox: Inbox) {
        lock.lock(); defer { lock.unlock() }
        guard tail == nil, !stopped else { return }
        let pipeline = EventPipeline(id: id, inbox: inbox, reader: makeReader())
        let tail = FileTail(path: path, queue: queue, pollInterval: pollInterval, useInotify: useInotify,
                            quietPeriod: quietPeriod,
                            onBytes: { [weak self] bytes in
                                pipeline.feed(bytes, shouldStop: { self?.isStopped ?? true })
                            },
                            onState: { pipeline.state($0) },
                            onBoundary: { pipeline.discardPartialLine() },
                            onWritten: { pipeline.wrote(at: $0) })
        self.tail = tail
        tail.start()
    }

    private var isStopped: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopped
    }

    /// Safe from any thread, even while the queue is reading a backlog.
    public func stop() {
        lock.lock()
        stopped = true
        let tail = self.tail
        lock.unlock()
        tail?.stop()
    }
}
