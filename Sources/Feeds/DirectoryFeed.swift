import Dispatch
import Foundation
import TrainingLog

/// A directory of runs: follows the newest log (or TensorBoard event file) under it, and
/// switches when a newer one appears, so `fitwatch runs/` always shows the latest run.
public final class DirectoryFeed: Feed, @unchecked Sendable {
    public let id: SourceID
    private let directory: String
    private let makeReader: ReaderMaker
    private let rescanInterval: Double
    private let queue = DispatchQueue(label: "fitwatch.directory")
    private var timer: DispatchSourceTimer?
    private var current: (path: String, tail: FileTail)?
    private var inbox: Inbox?
    private var directoryPipeline: EventPipeline?
    private let lock = NSLock()
    private var stopped = false

    /// File names that hold a training log.
    static let logExtensions: Set<String> = ["log", "txt", "out", "csv", "jsonl"]
    /// How deep to look: `runs/<name>/train/events...` is three levels.
    static let maxDepth = 3

    /// - Parameters:
    ///   - makeReader: a reader for each file followed (an `AutoReader` tells a TensorBoard
    ///     event file from text by its first bytes).
    ///   - rescanInterval: seconds between looks for a newer run (2 s: a new run shows up
    ///     about as fast as a person switches windows, for a few stat calls).
    public init(directory: String, rescanInterval: Double = 2, makeReader: @escaping ReaderMaker) {
        self.directory = directory
        self.makeReader = makeReader
        self.rescanInterval = rescanInterval
        id = SourceID(directory)
    }

    /// The newest log under `directory`, by modification time.
    static func newestLog(in directory: String) -> String? {
        let manager = FileManager.default
        var best: (path: String, date: Date)?
        func visit(_ folder: String, depth: Int) {
            guard depth <= maxDepth, let names = try? manager.contentsOfDirectory(atPath: folder) else { return }
            for name in names where !name.hasPrefix(".") {
                // String joins, not NSString path APIs, which trap on one-character names.
                let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
                guard let attributes = try? manager.attributesOfItem(atPath: path) else { continue }
                if attributes[.type] as? FileAttributeType == .typeDirectory {
                    visit(path, depth: depth + 1)
                    continue
                }
                let isLog = logExtensions.contains(URL(fileURLWithPath: name).pathExtension.lowercased())
                    || name.hasPrefix("events.out.tfevents")
                guard isLog, let date = attributes[.modificationDate] as? Date else { continue }
                if best == nil || date > best!.date || (date == best!.date && path > best!.path) {
                    best = (path, date)
                }
            }
        }
        visit(directory, depth: 0)
        return best?.path
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
        guard let newest = DirectoryFeed.newestLog(in: directory) else {
            if current == nil {
                let pipeline = directoryPipeline ?? EventPipeline(id: id, inbox: inbox, reader: makeReader())
                directoryPipeline = pipeline
                pipeline.state(.waiting("no log under \(directory) yet"))
            }
            return
        }
        guard newest != current?.path else { return }
        current?.tail.stop()
        // A new run: a fresh reader, so nothing of the previous run's partial state leaks in.
        let pipeline = EventPipeline(id: id, inbox: inbox, reader: makeReader())
        directoryPipeline = pipeline
        let tail = FileTail(path: newest, queue: queue,
                            onBytes: { [weak self] bytes in pipeline.feed(bytes, shouldStop: { self?.isStopped ?? true }) },
                            onState: { pipeline.state($0) },
                            onBoundary: { pipeline.discardPartialLine() })
        current = (newest, tail)
        inbox.post(.output(id, "following \(newest)"))
        tail.start()
    }

    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        queue.async { [self] in
            timer?.cancel()
            timer = nil
            current?.tail.stop()
            current = nil
        }
    }
}
