import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Follows a file by name like `tail -F`: reads what is there, then appends. Survives
/// truncation (copytruncate), rotation (a new inode at the path), a file that is not there yet
/// and deletion. Woken by inotify on the parent directory, with a slow poll as a safety net
/// (and as the only mechanism where inotify is unavailable). Callbacks run on `queue`.
final class FileTail: @unchecked Sendable {
    let path: String
    private let queue: DispatchQueue
    private let onBytes: (UnsafeRawBufferPointer) -> Void
    private let onState: (SourceState) -> Void

    private var fd: Int32 = -1
    private var device: UInt64 = 0
    private var inode: UInt64 = 0
    private(set) var offset: Int64 = 0
    private var inotifyFD: Int32 = -1
    private var inotifySource: DispatchSourceRead?
    private var timer: DispatchSourceTimer?
    private var lastBytesAt = Date.distantPast
    private var caughtUp = false
    private let stopLock = NSLock()
    private var stopped = false
    /// One read buffer for the life of the tail: memory does not depend on the file's size.
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: FileTail.chunkSize, alignment: 16)

    /// 64 KiB reads: large enough that a 1 GB backlog costs ~16k syscalls, small enough that
    /// the first screen appears before the backlog is read.
    static let chunkSize = 65_536
    /// After this long without appends the state goes from live to following.
    static let idleAfter: TimeInterval = 30

    /// - Parameter pollInterval: seconds between safety-net checks when inotify works; a
    ///   quarter of it when polling is all there is.
    ///   - useInotify: false forces the polling fallback (tests cover both paths).
    ///   - quietPeriod: how long without new bytes before `live` becomes `following`.
    init(path: String, queue: DispatchQueue, pollInterval: Double = 1, useInotify: Bool = true,
         quietPeriod: TimeInterval = FileTail.idleAfter,
         onBytes: @escaping (UnsafeRawBufferPointer) -> Void,
         onState: @escaping (SourceState) -> Void,
         onBoundary: @escaping () -> Void = {}, onWritten: @escaping (Double) -> Void = { _ in },
         externallyWoken: Bool = false) {
        self.path = path
        self.onWritten = onWritten
        self.externallyWoken = externallyWoken
        self.quietPeriod = quietPeriod
        self.onBoundary = onBoundary
        self.useInotify = useInotify
        self.queue = queue
        self.onBytes = onBytes
        self.onState = onState
        self.pollInterval = pollInterval
    }

    private let pollInterval: Double
    /// The owner wakes the tail with `poke()` (one inotify descriptor and one timer for a
    /// whole tree of runs, instead of one each: inotify instances are limited to 128 a user).
    private let externallyWoken: Bool
    private let useInotify: Bool
    private let quietPeriod: TimeInterval
    private let onBoundary: () -> Void
    /// The open file's modification time (seconds since 1970) after bytes were read from it,
    /// when it changed.
    private let onWritten: (Double) -> Void
    private var lastModified: Double?
    /// The file's first bytes and the bytes just before `offset`, as read (see `rewritten`).
    private var headPrint: [UInt8] = []
    private var recentPrint: [UInt8] = []
    /// The path has no file now (the open one, if any, is still read).
    private var pathGone = false

    deinit {
        buffer.deallocate()
    }

    private var isStopped: Bool {
        stopLock.lock(); defer { stopLock.unlock() }
        return stopped
    }

    /// Start following (asynchronously, on the queue).
    func start() {
        queue.async { [self] in
            if externallyWoken {
                check(fromTimer: false)
                return
            }
            if useInotify { watchDirectory() }
            let interval = inotifySource == nil ? pollInterval / 4 : pollInterval
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(50))
            timer.setEventHandler { [weak self] in self?.check(fromTimer: true) }
            timer.resume()
            self.timer = timer
            check(fromTimer: false)
        }
    }

    /// Stop and release the descriptors. Safe from any thread; idempotent.
    func stop() {
        stopLock.lock()
        let wasStopped = stopped
        stopped = true
        stopLock.unlock()
        guard !wasStopped else { return }
        queue.async { [self] in
            timer?.cancel()
            timer = nil
            inotifySource?.cancel()
            inotifySource = nil
            if fd >= 0 { close(fd); fd = -1 }
        }
    }

    /// Look now (on the queue): the owner saw the file change, or its safety-net poll is due.
    func poke() {
        check(fromTimer: true)
    }

    /// inotify on the parent directory sees appends (IN_MODIFY on the entry), truncation,
    /// creation, renames and deletion of the file with one watch.
    private func watchDirectory() {
        // URL rather than NSString: swift-corelibs-foundation's NSString path APIs trap on a
        // one-character path such as "y" (SIGILL, seen following `fitwatch --headless y`).
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { return }
        let mask = UInt32(IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB | IN_CLOSE_WRITE)
        guard inotify_add_watch(descriptor, directory.isEmpty ? "." : directory, mask) >= 0 else {
            close(descriptor)
            return
        }
        inotifyFD = descriptor
        let source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: queue)
        let name = url.lastPathComponent
        source.setEventHandler { [weak self] in
            guard let self else { return }
            if FileTail.drainInotify(descriptor, concerns: name) { self.check(fromTimer: false) }
        }
        source.setCancelHandler { close(descriptor) }
        source.resume()
        inotifySource = source
    }

    /// Read every pending inotify event; true if one names the file (or events were lost).
    private static func drainInotify(_ descriptor: Int32, concerns name: String) -> Bool {
        var relevant = false
        let size = 16_384
        let events = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { events.deallocate() }
        while true {
            let count = read(descriptor, events, size)
            if count <= 0 { break }
            var position = 0
            while position + 16 <= count {
                let mask = events.load(fromByteOffset: position + 4, as: UInt32.self)
                let length = Int(events.load(fromByteOffset: position + 12, as: UInt32.self))
                if mask & UInt32(IN_Q_OVERFLOW) != 0 { relevant = true }
                if length > 0 {
                    let namePointer = (events + position + 16).assumingMemoryBound(to: CChar.self)
                    if String(cString: namePointer) == name { relevant = true }
                }
                position += 16 + length
            }
        }
        return relevant
    }

    /// Read what is new and notice truncation, rotation and deletion.
    private func check(fromTimer: Bool) {
        guard !isStopped else { return }
        if fd >= 0 {
            if rewritten() { restartAtZero() }
            readAvailable()
        }
        var current = stat()
        guard stat(path, &current) == 0 else {
            // Gone from its path (deleted or renamed away). The descriptor stays open: a writer
            // still holding the file may append to it, and those bytes are read until a new
            // file at the path has bytes of its own.
            if fd >= 0 {
                if !pathGone { onState(.waiting("\(path) was deleted; waiting for it to come back")) }
            } else {
                onState(.waiting("no such file: \(path); waiting for it"))
            }
            pathGone = true
            return
        }
        if (current.st_mode & S_IFMT) == S_IFDIR {
            onState(.failed("\(path) is a directory"))
            return
        }
        if fd >= 0, isDifferentFile(current) {
            // Rotated (renamed away and recreated, or deleted and recreated). A writer may still
            // be finishing in the old file (logrotate without copytruncate renames it under the
            // writer, which reopens later): keep reading the old one until the new one has bytes,
            // then read the old one to its end, and only then switch.
            guard current.st_size > 0 else {
                if pathGone { pathGone = false; onState(.live) }
                return
            }
            readAvailable()
            onBoundary()
            close(fd)
            fd = -1
        }
        pathGone = false
        if fd < 0 {
            // First open, or the switch to a new file: from its first byte.
            let opened = open(path, O_RDONLY | O_CLOEXEC)
            guard opened >= 0 else {
                onState(.failed("cannot read \(path): \(String(cString: strerror(errno)))"))
                return
            }
            fd = opened
            var status = stat()
            fstat(opened, &status)
            inode = UInt64(status.st_ino)
            device = UInt64(status.st_dev)
            offset = 0
            headPrint = []
            recentPrint = []
            caughtUp = false
            // Live before its first bytes: the run they fold into knows its source is live, so
            // a log that says its run finished reads as finished (and its findings as final)
            // from the first diagnosis, as the same bytes through a pipe do.
            onState(.live)
            readAvailable()
        }
        if !caughtUp {
            // Caught up with what was there: `live` until no byte came for the quiet period
            // (README: following is "no new bytes for 30 s"), measured from the file's last
            // write: a log nobody wrote to for longer is `following` at once.
            caughtUp = true
            let written = modificationTime().map(Date.init(timeIntervalSince1970:)) ?? Date()
            lastBytesAt = min(Date(), written)
            onState(Date().timeIntervalSince(lastBytesAt) >= quietPeriod ? .following : .live)
        } else if Date().timeIntervalSince(lastBytesAt) >= quietPeriod {
            onState(.following)
        }
    }

    /// True when the file at the path is not the open one: another inode, or the open one was
    /// deleted (an inode number can be reused at once by the file created next).
    private func isDifferentFile(_ current: stat) -> Bool {
        if UInt64(current.st_ino) != inode || UInt64(current.st_dev) != device { return true }
        var open = stat()
        return fstat(fd, &open) == 0 && open.st_nlink == 0
    }

    /// True when the open file no longer holds what was read from it: shorter than the offset
    /// (truncated), or its first bytes or the bytes just before the offset differ (truncated
    /// and refilled past the old offset before this check, which the size alone cannot show).
    private func rewritten() -> Bool {
        var status = stat()
        if fstat(fd, &status) == 0, Int64(status.st_size) < offset { return true }
        return !matches(headPrint, at: 0) || !matches(recentPrint, at: offset - Int64(recentPrint.count))
    }

    /// The file holds `bytes` at `position`.
    private func matches(_ bytes: [UInt8], at position: Int64) -> Bool {
        guard !bytes.isEmpty else { return true }
        var found = [UInt8](repeating: 0, count: bytes.count)
        let count = found.withUnsafeMutableBytes { pread(fd, $0.baseAddress, bytes.count, off_t(position)) }
        return count == bytes.count && found == bytes
    }

    /// Truncated (copytruncate) or rewritten: read again from the start, with the unfinished
    /// line of the old content forgotten.
    private func restartAtZero() {
        offset = 0
        lseek(fd, 0, SEEK_SET)
        headPrint = []
        recentPrint = []
        onBoundary()
    }

    private func readAvailable() {
        var gotBytes = false
        while fd >= 0, !isStopped {
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            // Checked after the read, before the bytes are used: a truncation and refill that
            // happened before this read makes these bytes the middle of another content.
            if rewritten() {
                restartAtZero()
                continue
            }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            remember(chunk)
            offset += Int64(count)
            gotBytes = true
            onBytes(chunk)
        }
        if gotBytes {
            lastBytesAt = Date()
            if caughtUp { onState(.live) }
            if let modified = modificationTime(), modified != lastModified {
                lastModified = modified
                onWritten(modified)
            }
        }
    }

    /// The open file's modification time, seconds since 1970; nil without one open.
    private func modificationTime() -> Double? {
        var status = stat()
        guard fd >= 0, fstat(fd, &status) == 0 else { return nil }
        return Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
    }

    /// Keeps the file's first `printSize` bytes and the last `printSize` before the offset.
    private func remember(_ chunk: UnsafeRawBufferPointer) {
        if headPrint.count < Self.printSize, offset == Int64(headPrint.count) {
            headPrint += chunk.prefix(Self.printSize - headPrint.count)
        }
        if chunk.count >= Self.printSize {
            recentPrint = Array(chunk.suffix(Self.printSize))
        } else {
            recentPrint += chunk
            if recentPrint.count > Self.printSize { recentPrint.removeFirst(recentPrint.count - Self.printSize) }
        }
    }

    /// Bytes compared at the start of the file and before the offset: 1 KiB each.
    static let printSize = 1024
}
