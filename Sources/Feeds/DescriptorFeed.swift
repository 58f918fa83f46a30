import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a stream descriptor to its end: stdin (`fitwatch -`) or any pipe. A read source on
/// a descriptor at end of file keeps firing, so end of file cancels it.
public final class DescriptorFeed: Feed, @unchecked Sendable {
    public let id: SourceID
    private let descriptor: Int32
    private let closeWhenDone: Bool
    private let makeReader: ReaderMaker
    private let queue = DispatchQueue(label: "fitwatch.descriptor")
    private var source: DispatchSourceRead?
    private var pipeline: EventPipeline?
    private var finished = false

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
            guard source == nil, !finished else { return }
            let pipeline = EventPipeline(id: id, inbox: inbox, reader: makeReader())
            self.pipeline = pipeline
            pipeline.state(.live)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            let source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: queue)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: FileTail.chunkSize, alignment: 16)
            source.setEventHandler { [weak self] in
                guard let self else { return }
                while true {
                    let count = read(descriptor, buffer.baseAddress, buffer.count)
                    if count > 0 {
                        pipeline.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                        continue
                    }
                    if count < 0 && (errno == EAGAIN || errno == EINTR) { return }
                    // 0 is end of file; any other error ends the stream just the same.
                    let reason = count < 0 ? String(cString: strerror(errno)) : nil
                    self.end(failure: reason)
                    return
                }
            }
            source.setCancelHandler { [descriptor, closeWhenDone] in
                buffer.deallocate()
                if closeWhenDone { close(descriptor) }
            }
            self.source = source
            source.resume()
        }
    }

    private func end(failure: String?) {
        guard !finished else { return }
        finished = true
        source?.cancel()
        source = nil
        pipeline?.finish()
        pipeline?.state(failure.map { .failed("cannot read \(id): \($0)") } ?? .finished)
    }

    public func stop() {
        queue.async { [self] in
            finished = true
            source?.cancel()
            source = nil
        }
    }
}
