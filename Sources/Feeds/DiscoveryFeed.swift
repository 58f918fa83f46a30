import Dispatch
import Foundation
import TrainingLog
#if canImport(Glibc)
import Glibc
#endif

/// Every run under a local directory or glob (`fitwatch runs/`, `fitwatch 'runs/*/train.log'`),
/// as `RunDiscovery` decides from a bounded walk, each posted under its own name (its path
/// relative to the root). New runs are found as they appear (inotify on every folder walked,
/// a rescan every `rescanInterval` as a safety net); a deleted run says `waiting` (it was
/// deleted) until it comes back. One queue, one inotify descriptor and one timer for all
/// runs; each file is read by a `FileTail` the feed wakes.
public final class DiscoveryFeed: MultiRunFeed, @unchecked Sendable {
    /// The root as given; messages about the root itself (nothing found yet, a limit
    /// reached) are posted under it.
    public let id: SourceID
    private let root: String
    private let glob: PathGlob?
    private let limits: RunDiscovery.Limits
    private let makeReader: ReaderMaker
    private let rescanInterval: Double
    private let pollInterval: Double
    private let namePrefix: String
    private let keepsRootName: Bool
    private let queue = DispatchQueue(label: "fitwatch.discovery")
    private var inbox: Inbox?
    private var timer: DispatchSourceTimer?
    private var inotifyFD: Int32 = -1
    private var inotifySource: DispatchSourceRead?
    private var watches: [Int32: String] = [:]
    private var watchedFolders: Set<String> = []
    /// Followers by run path (the log file or the TensorBoard folder).
    private var followers: [String: RunFollower] = [:]
    /// Tails by file path, and the run path each belongs to.
    private var tails: [String: FileTail] = [:]
    private var runOfFile: [String: String] = [:]
    private var lastRescan = Date.distantPast
    private var rescanPending = false
    private var lastNote: String?
    private var saidWaiting = false
    private let lock = NSLock()
    private var stopped = false

    /// - Parameters:
    ///   - root: the directory, or the glob pattern, as the user gave it.
    ///   - namePrefix: put in front of every run's name (another root or host shown too).
    ///   - keepsRootName: a root whose first run is found alone posts that run under the
    ///     root's own name, as a directory source always did (`runs/ → b/train.log`).
    ///   - rescanInterval: seconds between safety-net walks (inotify finds new runs at once).
    ///   - pollInterval: seconds between safety-net looks at every followed file.
    public init(root: String, limits: RunDiscovery.Limits = .init(), namePrefix: String = "", keepsRootName: Bool = true,
                rescanInterval: Double = 2, pollInterval: Double = 1, makeReader: @escaping ReaderMaker) {
        self.root = root
        let isDirectory = (try? FileManager.default.attributesOfItem(atPath: root)[.type] as? FileAttributeType) == .typeDirectory
        glob = !isDirectory && RunDiscovery.isGlob(root) ? PathGlob(root) : nil
        self.limits = limits
        self.namePrefix = namePrefix
        self.keepsRootName = keepsRootName
        self.rescanInterval = rescanInterval
        self.pollInterval = pollInterval
        self.makeReader = makeReader
        id = SourceID(root)
    }

    public var rootIDs: [SourceID] { [id] }

    /// The runs followed now, by id (tests and benchmarks).
    public var runIDs: [SourceID] {
        queue.sync { followers.values.map(\.id).sorted { $0.rawValue < $1.rawValue } }
    }

    private var isStopped: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopped
    }

    public func start(inbox: Inbox) {
        queue.async { [self] in
            guard self.inbox == nil, !isStopped else { return }
            self.inbox = inbox
            startInotify()
            let timer = DispatchSource.makeTimerSource(queue: queue)
            let interval = min(pollInterval, rescanInterval)
            timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(100))
            timer.setEventHandler { [weak self] in self?.sweep() }
            timer.resume()
            self.timer = timer
            rescan()
        }
    }

    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        queue.async { [self] in
            timer?.cancel()
            timer = nil
            inotifySource?.cancel()
            inotifySource = nil
            for tail in tails.values { tail.stop() }
            tails = [:]
        }
    }

    // MARK: walking

    private func rescan() {
        guard let inbox, !isStopped else { return }
        lastRescan = Date()
        rescanPending = false
        let listing = LocalListing.list(root: root, glob: glob, limits: limits)
        for folder in listing.folders where !watchedFolders.contains(folder) { watch(folder) }
        let namingRoot = glob?.root ?? root
        let result = listing.runs(root: namingRoot, limits: limits)
        if let note = RunDiscovery.note(result, root: root, limits: limits), note != lastNote {
            lastNote = note
            // The screen's log pane shows it; headless output says it on stderr.
            inbox.post(.output(id, note))
        }
        if result.runs.isEmpty, followers.isEmpty {
            if !saidWaiting {
                saidWaiting = true
                let what = glob == nil ? "no run under \(root) yet (\(RunDiscovery.rule))" : "nothing matches \(root) yet"
                inbox.post(.state(id, .waiting(what)))
            }
            return
        }
        // The first run of a root, when it is alone, takes the root's name (so an empty directory
        // that says `waiting` goes on under the same name once its run appears).
        let single = followers.isEmpty && result.runs.count == 1 && keepsRootName
        for run in result.runs {
            if let follower = followers[run.path] {
                if run.kind == .tensorBoard { startTails(follower, files: follower.update(groups: run.groups)) }
                continue
            }
            let name = single ? id.rawValue : namePrefix + run.name
            let follower = RunFollower(id: SourceID(name), run: run, inbox: inbox, makeReader: makeReader)
            followers[run.path] = follower
            if run.kind == .log { inbox.post(.reading(follower.id, single ? RunDiscovery.relativeName(run.path, root: namingRoot) : run.name)) }
            startTails(follower, files: follower.files)
        }
    }

    private func startTails(_ follower: RunFollower, files: [String]) {
        for file in files where tails[file] == nil {
            runOfFile[file] = follower.run.path
            let tail = FileTail(path: file, queue: queue, pollInterval: pollInterval,
                                onBytes: { [weak self, weak follower] bytes in
                                    guard let self, let follower else { return }
                                    self.received(bytes, file: file, follower: follower)
                                },
                                onState: { [weak follower] in follower?.state($0) },
                                onBoundary: { [weak follower] in follower?.boundary(file: file) },
                                onWritten: { [weak follower] in follower?.pipeline.wrote(at: $0) },
                                externallyWoken: true)
            tails[file] = tail
            tail.start()
        }
    }

    private func received(_ bytes: UnsafeRawBufferPointer, file: String, follower: RunFollower) {
        guard !isStopped else { return }
        if follower.run.kind == .tensorBoard {
            // A group that appeared since the last walk (Keras opens `validation/` at the first
            // validation, just before it writes the epoch's training scalars) is waited for.
            startTails(follower, files: follower.update(groups: DirectoryRun.groups(ofRun: follower.run.path)))
        }
        follower.bytes(bytes, file: file, shouldStop: { [weak self] in self?.isStopped ?? true })
    }

    /// The safety net: every file looked at, TensorBoard epochs that waited too long shown,
    /// and a walk every `rescanInterval`.
    private func sweep() {
        guard !isStopped else { return }
        for tail in tails.values { tail.poke() }
        for follower in followers.values { follower.tick() }
        if Date().timeIntervalSince(lastRescan) >= rescanInterval * 0.9 { rescan() }
    }

    // MARK: inotify

    private func startInotify() {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { return }
        inotifyFD = descriptor
        let source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: queue)
        source.setEventHandler { [weak self] in self?.drainInotify() }
        source.setCancelHandler { close(descriptor) }
        source.resume()
        inotifySource = source
    }

    private func watch(_ folder: String) {
        watchedFolders.insert(folder)
        guard inotifyFD >= 0 else { return }
        let mask = UInt32(IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB | IN_CLOSE_WRITE | IN_DELETE_SELF)
        let wd = inotify_add_watch(inotifyFD, folder, mask)
        if wd >= 0 { watches[wd] = folder }
    }

    private func drainInotify() {
        guard !isStopped else { return }
        let size = 65_536
        let events = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { events.deallocate() }
        var poked: Set<String> = []
        var structural = false
        while true {
            let count = read(inotifyFD, events, size)
            if count <= 0 { break }
            var position = 0
            while position + 16 <= count {
                let wd = events.load(fromByteOffset: position, as: Int32.self)
                let mask = events.load(fromByteOffset: position + 4, as: UInt32.self)
                let length = Int(events.load(fromByteOffset: position + 12, as: UInt32.self))
                if mask & UInt32(IN_Q_OVERFLOW) != 0 { structural = true; poked.formUnion(tails.keys) }
                if mask & UInt32(IN_IGNORED) != 0, let folder = watches.removeValue(forKey: wd) {
                    watchedFolders.remove(folder)
                    structural = true
                }
                if mask & UInt32(IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF) != 0 { structural = true }
                if length > 0, let folder = watches[wd] {
                    let namePointer = (events + position + 16).assumingMemoryBound(to: CChar.self)
                    let path = LocalListing.join(folder, String(cString: namePointer))
                    if tails[path] != nil { poked.insert(path) }
                }
                position += 16 + length
            }
        }
        for path in poked { tails[path]?.poke() }
        if structural, !rescanPending {
            // A burst of creations (a sweep starting fifty runs) is walked once.
            rescanPending = true
            queue.asyncAfter(deadline: .now() + 0.1) { [weak self] in self?.rescan() }
        }
    }
}

extension RunDiscovery {
    /// The rule, for messages and help.
    public static let rule = "every *.log, *.txt, *.out, *.csv or *.jsonl file and TensorBoard run, up to 4 folders down"
}
