import Foundation

/// The one channel from sources (each on its own serial Dispatch queue) to the main loop.
public typealias Inbox = Mailbox<FeedMessage>

/// A channel from background queues to the main loop: the sources' `Inbox`, and the answers
/// of diagnoses run off the main thread. Posting is thread-safe; the main loop drains
/// everything posted so far in one go, and can wait on `wakeDescriptor` (readable after a
/// post) instead of polling.
public final class Mailbox<Item: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [Item] = []
    private var wakePending = false
    private let pipe: (read: Int32, write: Int32)
    /// About how much memory an item holds, for `pendingBytes`.
    private let size: @Sendable (Item) -> Int

    /// A mailbox whose `pendingBytes` counts each item as `size` says.
    public init(size: @escaping @Sendable (Item) -> Int) {
        self.size = size
        var fds: [Int32] = [0, 0]
        if Foundation.pipe(&fds) == 0 {
            pipe = (fds[0], fds[1])
            _ = fcntl(pipe.read, F_SETFL, fcntl(pipe.read, F_GETFL) | O_NONBLOCK)
            _ = fcntl(pipe.write, F_SETFL, fcntl(pipe.write, F_GETFL) | O_NONBLOCK)
            _ = fcntl(pipe.read, F_SETFD, FD_CLOEXEC)
            _ = fcntl(pipe.write, F_SETFD, FD_CLOEXEC)
        } else {
            pipe = (-1, -1)
        }
    }

    deinit {
        if pipe.read >= 0 { close(pipe.read) }
        if pipe.write >= 0 { close(pipe.write) }
    }

    /// Readable whenever messages are waiting; poll() it with the terminal's input.
    public var wakeDescriptor: Int32 { pipe.read }

    /// Post one message from any thread.
    public func post(_ message: Item) { post([message]) }

    /// Post several messages atomically, in order.
    public func post(_ messages: [Item]) {
        guard !messages.isEmpty else { return }
        var bytes = 0
        for message in messages { bytes += size(message) }
        lock.lock()
        pending.append(contentsOf: messages)
        pendingBytesTotal += bytes
        let needsWake = !wakePending
        wakePending = true
        lock.unlock()
        if needsWake, pipe.write >= 0 {
            var byte: UInt8 = 1
            _ = write(pipe.write, &byte, 1)
        }
    }

    /// Messages posted and not drained yet; sources reading a backlog wait while it is large,
    /// so a fast reader cannot grow memory faster than the main loop drains.
    public var pendingCount: Int {
        lock.lock(); defer { lock.unlock() }
        return pending.count
    }

    /// About how much memory the undrained messages hold (their text, plus 64 bytes each).
    public var pendingBytes: Int {
        lock.lock(); defer { lock.unlock() }
        return pendingBytesTotal
    }
    private var pendingBytesTotal = 0

    /// Take everything posted so far.
    public func drain() -> [Item] {
        lock.lock()
        let messages = pending
        pending.removeAll(keepingCapacity: true)
        pendingBytesTotal = 0
        wakePending = false
        lock.unlock()
        if pipe.read >= 0 {
            var scratch = [UInt8](repeating: 0, count: 64)
            while read(pipe.read, &scratch, scratch.count) > 0 {}
        }
        return messages
    }
}

/// A running source. Starts on its own serial queue and posts to the inbox until stopped.
public protocol Feed: AnyObject, Sendable {
    var id: SourceID { get }
    /// Start reading; post messages to `inbox`. Returns immediately.
    func start(inbox: Inbox)
    /// Stop reading and release every resource (child processes included). Idempotent.
    func stop()
    /// Pause, speed, step, seek; sources that cannot do it ignore it.
    func control(_ control: FeedControl)
}

extension Feed {
    public func control(_ control: FeedControl) {}
}

/// A feed that posts several runs under their own ids (a discovered directory, a host):
/// `rootIDs` are the ids it speaks under before any run is known (a root with nothing in it
/// yet, an unreachable host), which headless output waits on instead of the feed's own id.
public protocol MultiRunFeed: Feed {
    var rootIDs: [SourceID] { get }
}

extension Mailbox where Item == FeedMessage {
    /// The sources' inbox: its memory bound counts each message's text.
    public convenience init() { self.init(size: { $0.approximateBytes }) }
}

extension FeedMessage {
    /// The text a message carries plus 64 bytes: what the inbox's memory bound counts.
    var approximateBytes: Int {
        switch self {
        case .output(_, let text), .event(_, .noise(let text)): return 64 + text.utf8.count
        case .event(_, .message(let message)): return 64 + message.text.utf8.count
        default: return 64
        }
    }
}
