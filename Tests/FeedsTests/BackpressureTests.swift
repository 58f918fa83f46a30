import Testing
import Foundation
@testable import Feeds
import TrainingLog

/// Issue 14: input arriving faster than it is parsed waited in an unbounded queue (1 KB lines
/// on stdin reached 1.2-1.9 GB in 3-5 s; /dev/zero grew ~300 MB/s). A descriptor feed now
/// reads only while the parser keeps up, so the rest stays in the pipe and its writer blocks.
@Suite struct BackpressureTests {
    /// A reader that takes 20 ms per chunk: far slower than a pipe.
    struct SlowReader: LogReader {
        mutating func feed(_ bytes: some Collection<UInt8>) -> [TrainingEvent] {
            usleep(20_000)
            return []
        }
        mutating func finish() -> [TrainingEvent] { [] }
    }

    @Test func aWriterFasterThanTheParserIsHeldBackAtThePipe() throws {
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        let feed = DescriptorFeed(descriptor: fds[0], id: SourceID("pipe"), closeWhenDone: true,
                                  makeReader: { SlowReader() })
        let inbox = Inbox()
        feed.start(inbox: inbox)
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 65_536)
        var accepted = 0
        let deadline = Date().addingTimeInterval(1.5)
        while Date() < deadline {
            let count = chunk.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
            if count > 0 { accepted += count } else { usleep(1_000) }
        }
        close(fds[1])
        feed.stop()
        // 1.5 s at 20 ms per 64 KiB read parses ~5 MB; without back-pressure a pipe takes
        // gigabytes in that time. Held back: what was parsed, the reads in flight and the pipe.
        let parsed = Int(1.5 / 0.020) * 65_536
        let bound = parsed + (DescriptorFeed.readsInFlight + 1) * 65_536 + (1 << 20)
        #expect(accepted <= bound, "the feed took \(accepted) bytes, more than \(bound)")
        #expect(accepted > 65_536, "the feed read nothing")
    }
}
