import Dispatch
import Foundation
import TrainingLog
#if canImport(Glibc)
import Glibc
#endif

/// Every remote source of one host (`gpu1:/scratch/runs/`, `gpu1:'/scratch/slurm-*.out'`,
/// `gpu1:/runs/b.log`, in any number) followed through ONE `ssh` process: a POSIX shell loop
/// on the remote side (`RemoteProtocol`) lists the roots with `find`/`wc -c` every
/// `pollInterval` and sends the bytes each file grew by; here they are demultiplexed into one
/// reader per run, named like local discovered runs. Reconnects with the back-off of
/// `SSHFeed` and resumes each file at the byte offset it had: a chunk counts only once the
/// remote side confirmed the file still held it, so every epoch arrives exactly once. While
/// the host is away its runs say `reconnecting`, never finished.
public final class SSHHostFeed: MultiRunFeed, @unchecked Sendable {
    /// One root on the host and what its runs' names start with.
    public struct Root: Sendable, Equatable {
        public var path: String
        /// In front of every run's name (the host when several hosts are shown).
        public var namePrefix: String
        public init(path: String, namePrefix: String = "") {
            self.path = path
            self.namePrefix = namePrefix
        }
    }

    public let id: SourceID
    /// The host (the target's path is unused).
    public let host: SSHTarget
    private let roots: [Root]
    private let options: SSHFeed.Options
    private let limits: RunDiscovery.Limits
    private let pollInterval: Double
    private let makeReader: ReaderMaker
    private let queue = DispatchQueue(label: "fitwatch.ssh-host")
    private let lock = NSLock()
    private var stopped = false
    private var inbox: Inbox?
    private var timer: DispatchSourceTimer?
    private var connection: SSHProcess?
    private var generation = 0
    private var failures = 0
    private var everLive = false
    private var failedForGood = false
    private var parser = RemoteProtocol.Parser()

    /// A followed remote file: where the next read starts (bytes delivered so far).
    private struct RemoteFile {
        var id: Int
        var offset: UInt64
        var run: String
        var reading = false
    }
    private var files: [String: RemoteFile] = [:]
    private var pathOfID: [Int: String] = [:]
    private var followers: [String: RunFollower] = [:]
    private var lastBytes: [String: Date] = [:]
    private var listings = 0
    /// The listing being received, by root index.
    private var listing: [Int: (kind: RemoteProtocol.RootKind, files: [(UInt64, String)])]?
    private var currentRoot: Int?
    private var listingAsked = false
    private var readsOutstanding = 0
    private var held: [Int: (offset: UInt64, bytes: [UInt8])] = [:]
    /// Roots whose own id said something (nothing found, missing, the connection's state).
    private var rootsSpoken: Set<Int> = []
    private var notes: [Int: String] = [:]

    /// Reads larger than this are split: one file's backlog does not hold up the others.
    static let maxRead = 1 << 20

    /// - Parameters:
    ///   - pollInterval: seconds between remote listings (each a `find` and a `wc`): 0.2 s
    ///     keeps the append-to-screen delay near a quarter second at a few forks a second.
    public init(host: SSHTarget, roots: [Root], options: SSHFeed.Options = .init(), limits: RunDiscovery.Limits = .init(),
                pollInterval: Double = 0.2, makeReader: @escaping ReaderMaker) {
        self.host = host
        self.roots = roots
        self.options = options
        self.limits = limits
        self.pollInterval = pollInterval
        self.makeReader = makeReader
        for index in roots.indices {
            var target = host
            target.path = roots[index].path
            ids.insert(SourceID(target.displayName))
        }
        var shown = host
        shown.path = ""
        id = SourceID(String(shown.displayName.dropLast()))
    }

    public var rootIDs: [SourceID] { roots.indices.map(rootID) }

    /// The id a root's own messages go under: the argument's form (`gpu1:/scratch/runs/`).
    private func rootID(_ index: Int) -> SourceID {
        var target = host
        target.path = roots[index].path
        return SourceID(target.displayName)
    }

    /// The runs followed now, by id (tests and benchmarks).
    public var runIDs: [SourceID] {
        queue.sync { followers.values.map(\.id).sorted { $0.rawValue < $1.rawValue } }
    }

    /// Whether `id` names one of this host's runs or roots (`--jsonl` says the host).
    public func follows(_ id: SourceID) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return ids.contains(id)
    }
    private var ids: Set<SourceID> = []

    private func remember(_ id: SourceID) {
        lock.lock(); ids.insert(id); lock.unlock()
    }

    /// The ssh processes this feed has running now (0 or 1).
    public var connectionCount: Int {
        queue.sync { connection == nil ? 0 : 1 }
    }

    private var isStopped: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopped
    }

    public func start(inbox: Inbox) {
        queue.async { [self] in
            guard self.inbox == nil, !isStopped else { return }
            self.inbox = inbox
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + pollInterval, repeating: pollInterval, leeway: .milliseconds(20))
            timer.setEventHandler { [weak self] in self?.tick() }
            timer.resume()
            self.timer = timer
            connect()
        }
    }

    /// Closes ssh's stdin (the remote loop's `read` ends), then ends ssh.
    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        queue.sync {
            generation += 1
            timer?.cancel()
            timer = nil
            connection?.stop()
        }
    }

    // MARK: the connection

    /// ssh (or FITWATCH_SSH_COMMAND) with the options `SSHFeed` uses, then the loop. `find`
    /// counts the file itself as a level: `maxDepth` folders down is `-maxdepth maxDepth + 1`,
    /// the same runs the local walk finds.
    func arguments() -> [String] {
        SSHProcess.arguments(target: host, remoteCommand: RemoteProtocol.command(depth: limits.maxDepth + 1, roots: roots.map(\.path)),
                             options: options)
    }

    private func connect() {
        guard !isStopped, !failedForGood else { return }
        generation += 1
        let current = generation
        parser = RemoteProtocol.Parser()
        listing = nil
        currentRoot = nil
        listingAsked = false
        readsOutstanding = 0
        held = [:]
        for key in files.keys { files[key]?.reading = false }
        everyone(.connecting)
        do {
            connection = try SSHProcess.launch(
                arguments: arguments(), generation: current, queue: queue, threadName: "fitwatch-ssh-host",
                received: { [weak self] connection, chunk, stdout in self?.received(chunk, stdout: stdout, connection) },
                changed: { [weak self] connection in self?.endIfDone(connection) })
        } catch {
            failedForGood = true
            everyone(.failed("cannot run ssh: \(error)"))
        }
    }

    private func received(_ chunk: [UInt8], stdout: Bool, _ connection: SSHProcess) {
        guard !connection.handled, connection.generation == generation, !isStopped else { return }
        if stdout {
            if !connection.live { markLive(connection) }
            for frame in parser.feed(chunk) { handle(frame) }
        } else {
            for line in connection.stderrLines.append(chunk[...]) {
                let text = line.trimmingCharacters(in: .whitespaces)
                if text == SSHTarget.readyMarker {
                    if !connection.live { markLive(connection) }
                    continue
                }
                guard !text.isEmpty else { continue }
                connection.remember(text)
            }
        }
    }

    private func markLive(_ connection: SSHProcess) {
        connection.live = true
        everLive = true
        failures = 0
        // The runs already known are live again; the next listing reads what they missed.
        for follower in followers.values where !follower.gone { follower.state(.live) }
        for index in rootsSpoken { inbox?.post(.state(rootID(index), .live)) }
        ask()
    }

    private func endIfDone(_ connection: SSHProcess) {
        guard connection.isOver, let status = connection.status else { return }
        for line in connection.stderrLines.finish() where !line.isEmpty { connection.messages.append(line) }
        connection.handled = true
        if connection.stdin >= 0 { close(connection.stdin); connection.stdin = -1 }
        if self.connection === connection { self.connection = nil }
        guard !isStopped, connection.generation == generation else { return }
        var target = host
        target.path = roots.first?.path ?? ""
        switch SSHFeed.classify(status: status, messages: connection.messages, target: target, wasLive: connection.live) {
        case .failed(let reason):
            failedForGood = true
            everyone(.failed(reason))
        case .retry(let reason):
            failures += 1
            if !everLive && failures >= options.attemptsBeforeFailing {
                failedForGood = true
                everyone(.failed(reason))
                return
            }
            let delay = connection.live ? options.firstDelay
                : min(options.maxDelay, options.firstDelay * pow(2, Double(max(0, failures - 1))))
            everyone(.reconnecting(inSeconds: delay, reason: reason))
            let ended = generation
            queue.asyncAfter(deadline: .now() + delay) { [weak self] in
                guard let self, self.generation == ended else { return }
                self.connect()
            }
        }
    }

    /// A state of the connection, said by every run of the host, and by the roots that have
    /// no run yet (so an unreachable host is on screen before any of its runs is known).
    private func everyone(_ state: SourceState) {
        guard let inbox else { return }
        for follower in followers.values where !follower.gone {
            if case .failed = state { follower.pipeline.finish() }
            follower.state(state)
        }
        // `connecting` alone would leave an empty entry per root on screen at every start.
        if state == .connecting { return }
        let withRuns = Set(followers.values.compactMap { rootIndex(ofRunPath: $0.run.path) })
        for index in roots.indices where !withRuns.contains(index) {
            rootsSpoken.insert(index)
            inbox.post(.state(rootID(index), state))
        }
    }

    private func rootIndex(ofRunPath path: String) -> Int? {
        roots.indices.first { index in
            let root = RunDiscovery.normalized(roots[index].path)
            let glob = RunDiscovery.isGlob(root) ? PathGlob(root).root : root
            return path == root || path.hasPrefix(glob == "/" ? "/" : glob + "/") || glob == "."
        }
    }

    // MARK: the conversation

    private func send(_ text: String) {
        guard let connection, connection.stdin >= 0 else { return }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(connection.stdin, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Ask for a listing when nothing is outstanding.
    private func ask() {
        guard let connection, connection.live, !listingAsked, readsOutstanding == 0 else { return }
        listingAsked = true
        send("l\n")
    }

    private func tick() {
        guard !isStopped else { return }
        ask()
        let now = Date()
        for (path, follower) in followers where !follower.gone {
            follower.tick()
            if let last = lastBytes[path], now.timeIntervalSince(last) >= FileTail.idleAfter, connection?.live == true {
                follower.state(.following)
            }
        }
    }

    private func handle(_ frame: RemoteProtocol.Frame) {
        switch frame {
        case .listStart:
            listing = [:]
            currentRoot = nil
        case .root(let index, let kind):
            currentRoot = index
            listing?[index] = (kind, [])
        case .file(let size, let path):
            if let index = currentRoot { listing?[index]?.files.append((size, path)) }
        case .listEnd:
            if let listing { apply(listing) }
            listing = nil
            listingAsked = false
            // The next listing waits for the timer: a listing right after the last one would
            // keep `find` running back to back on the host.
        case .data(let id, let offset, let bytes):
            held[id] = (offset, bytes)
        case .dataEnd(let id, let intact):
            readsOutstanding = max(0, readsOutstanding - 1)
            let chunk = held.removeValue(forKey: id)
            if let path = pathOfID[id], var file = files[path] {
                file.reading = false
                if intact, let chunk, chunk.offset == file.offset {
                    file.offset += UInt64(chunk.bytes.count)
                    files[path] = file
                    deliver(chunk.bytes, path: path, run: file.run)
                } else if !intact {
                    // The file shrank under the read: truncated (or rewritten); start over.
                    file.offset = 0
                    files[path] = file
                    followers[file.run]?.boundary(file: path)
                } else {
                    files[path] = file
                }
            }
        case .other:
            break
        }
    }

    private func deliver(_ bytes: [UInt8], path: String, run: String) {
        guard let follower = followers[run] else { return }
        lastBytes[run] = Date()
        if follower.gone { follower.gone = false }
        follower.state(.live)
        bytes.withUnsafeBytes { follower.bytes($0, file: path, shouldStop: { [weak self] in self?.isStopped ?? true }) }
    }

    /// A whole listing: new runs followed, deleted ones marked, and a read asked for every
    /// file that grew.
    private func apply(_ listing: [Int: (kind: RemoteProtocol.RootKind, files: [(UInt64, String)])]) {
        guard let inbox else { return }
        listings += 1
        var sizes: [String: UInt64] = [:]
        var seenRuns: Set<String> = []
        for index in roots.indices {
            guard let entry = listing[index] else { continue }
            let root = roots[index]
            for (size, path) in entry.files { sizes[path] = size }
            let paths = entry.files.map(\.1)
            let result: RunDiscovery.Result
            var namingRoot = root.path
            switch entry.kind {
            case .missing:
                // A file named on the command line that is not there: as `SSHFeed` says it.
                let known = followers.values.contains { rootIndex(ofRunPath: $0.run.path) == index }
                if !known, listings == 1 {
                    rootsSpoken.insert(index)
                    inbox.post(.state(rootID(index), .failed("no such file on \(host.host): \(root.path)")))
                }
                continue
            case .file:
                result = RunDiscovery.runs(files: paths, root: root.path, explicit: Set(paths), limits: limits)
            case .glob:
                let glob = PathGlob(root.path)
                namingRoot = glob.root
                let explicit = Set(paths.filter(glob.matches))
                result = RunDiscovery.runs(files: paths, root: glob.root, explicit: explicit, limits: limits)
                if result.runs.isEmpty, !rootsSpoken.contains(index) {
                    rootsSpoken.insert(index)
                    inbox.post(.state(rootID(index), .waiting("nothing matches \(root.path) on \(host.host) yet")))
                }
            case .directory:
                result = RunDiscovery.runs(files: paths, root: root.path, limits: limits)
                if result.runs.isEmpty, !rootsSpoken.contains(index) {
                    rootsSpoken.insert(index)
                    inbox.post(.state(rootID(index), .waiting("no run under \(root.path) on \(host.host) yet (\(RunDiscovery.rule))")))
                }
            }
            if let note = RunDiscovery.note(result, root: rootID(index).rawValue, limits: limits), notes[index] != note {
                notes[index] = note
                inbox.post(.output(rootID(index), note))
            }
            let single = result.runs.count == 1 && !followers.values.contains { rootIndex(ofRunPath: $0.run.path) == index }
            for run in result.runs {
                seenRuns.insert(run.path)
                if let follower = followers[run.path] {
                    if follower.gone {
                        follower.gone = false
                        follower.state(.live)
                    }
                    if run.kind == .tensorBoard { follower.update(groups: run.groups) }
                } else {
                    let name: SourceID
                    if entry.kind == .file || single {
                        name = rootID(index)
                    } else {
                        name = SourceID(root.namePrefix + run.name)
                    }
                    remember(name)
                    let follower = RunFollower(id: name, run: run, inbox: inbox, makeReader: makeReader)
                    followers[run.path] = follower
                    if run.kind == .log, entry.kind != .file {
                        inbox.post(.reading(name, single ? RunDiscovery.relativeName(run.path, root: namingRoot) : run.name))
                    }
                    follower.state(.live)
                }
                for file in followers[run.path]?.files ?? [] where files[file] == nil {
                    let id = files.count + 1
                    files[file] = RemoteFile(id: id, offset: 0, run: run.path)
                    pathOfID[id] = file
                }
            }
        }
        for (path, follower) in followers where !seenRuns.contains(path) && !follower.gone {
            follower.gone = true
            follower.state(.waiting("deleted on \(host.host): \(follower.run.path); waiting for it to come back"))
        }
        // Reads: every file that grew, each at most `maxRead` at a time.
        for (path, file) in files where !file.reading {
            guard let size = sizes[path] else { continue }
            var file = file
            if size < file.offset {
                file.offset = 0
                followers[file.run]?.boundary(file: path)
            }
            guard size > file.offset,
                  let request = RemoteProtocol.read(id: file.id, offset: file.offset,
                                                    length: Int(min(size - file.offset, UInt64(Self.maxRead))), path: path) else {
                files[path] = file
                continue
            }
            file.reading = true
            files[path] = file
            readsOutstanding += 1
            send(request)
        }
    }
}
