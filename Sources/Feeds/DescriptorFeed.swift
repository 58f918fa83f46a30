import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a stream descriptor to its end: stdin (`fitwatch -`) or any pipe. A thread blocked in
/// poll() reads it, not a Dispatch read source: epoll refuses /dev/null and regular files
/// (EPERM), so `fitwatch --headless - </dev/null` waited forever, and a source whose
/// descriptor is closed around its cancel is the libdispatch crash CommandFeed and SSHFeed had.
/// The descriptor is left blocking: O_NONBLOCK on stdin would leak to the shell's terminal.
public final class DescriptorFeed: Feed, @unchecked Sendable {
    public let id: SourceID
    private let descriptor: Int32
    private let closeWhenDone: Bool
    private let makeReader: ReaderMaker
    private let queue = DispatchQueue(label: "fitwatch.descriptor")
    private let lock = NSLock()
    /// Set by stop(); the reader thread notices within one 100 ms poll.
    private var stopRequested = false
    /// Set once started.
    private var pipeline: EventPipeline?
    private var finished = false
    /// Reads handed to the queue and not parsed yet. The reader thread waits for a slot before
    /// each read, so input arriving faster than it is parsed stays in the pipe (its writer
    /// blocks) instead of piling up here: /dev/zero on stdin grew ~300 MB/s without it.
    private let inFlight = DispatchSemaphore(value: DescriptorFeed.readsInFlight)
    /// Reads of 64 KiB that may wait for the parser at once (256 KiB in all).
    static let readsInFlight = 4

    /// Standard input, as `fitwatch -`.
    public static func standardInput(makeReader: @escaping ReaderMaker) -> DescriptorFeed {
        DescriptorFeed(descriptor: STDIN_FILENO, id: SourceID("stdin"), closeWhenDone: false, makeReader: makeReader)
    }

    public init(descriptor: Int32, id: SourceID, closeWhenDone: Bool, makeReader: @escaping ReaderMaker) {
        self.descriptor = descriptor
        self.id = id
        self.closeWhenDone = closeWhenDone
        self.makeReader = makeReader
    }

    public func start(inbox: Inbox) {
        queue.async { [self] in
            guard pipeline == nil, !finished else { return }
            let pipeline = EventPipeline(id: id, inbox: inbox, reader: makeReader())
            self.pipeline = pipeline
            pipeline.state(.live)
            let reader = Thread { [self] in readLoop() }
            reader.name = "fitwatch-descriptor"
            reader.start()
        }
    }

    private var shouldStop: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopRequested
    }

    /// Reads until end of file, an error or stop(); only this thread closes the descriptor.
    private func readLoop() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: FileTail.chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var failure: String?
        while !shouldStop {
            // Back-pressure: no read while `readsInFlight` earlier ones wait for the parser.
            guard inFlight.wait(timeout: .now() + .milliseconds(100)) == .success else { continue }
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            // 100 ms: stop() is noticed within a tenth of a second without a busy loop.
            let ready = poll(&request, 1, 100)
            if ready < 0 && errno == EINTR { inFlight.signal(); continue }
            if ready < 0 { inFlight.signal(); failure = String(cString: strerror(errno)); break }
            if ready == 0 { inFlight.signal(); continue }
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count > 0 {
                let chunk = [UInt8](buffer[0..<count])
                queue.async { [self] in
                    defer { inFlight.signal() }
                    guard !finished else { return }
                    chunk.withUnsafeBytes { pipeline?.feed($0, shouldStop: { self.shouldStop }) }
                }
                continue
            }
            inFlight.signal()
            if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            // 0 is end of file; any other error ends the stream just the same.
            if count < 0 { failure = String(cString: strerror(errno)) }
            break
        }
        if closeWhenDone { close(descriptor) }
        let reason = failure
        queue.async { [self] in end(failure: reason) }
    }

    private func end(failure: String?) {
        guard !finished else { return }
        finished = true
        pipeline?.finish()
        pipeline?.state(failure.map { .failed("cannot read \(id): \($0)") } ?? .finished)
    }

    public func stop() {
        lock.lock()
        stopRequested = true
        lock.unlock()
        queue.async { [self] in finished = true }
    }
}
