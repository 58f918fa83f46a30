import Foundation
import Feeds
import TrainingLog

/// A reader that turns each chunk into one `.noise` event holding its bytes verbatim, so a
/// test can check byte for byte what a source delivered (nothing lost, nothing twice).
struct ChunkEchoReader: LogReader {
    mutating func feed(_ bytes: some Collection<UInt8>) -> [TrainingEvent] {
        [.noise(String(decoding: Array(bytes), as: UTF8.self))]
    }
    mutating func finish() -> [TrainingEvent] { [] }
}

/// Starts a feed on a fresh inbox and collects what it posts, waiting with deadlines.
final class FeedProbe: @unchecked Sendable {
    let inbox = Inbox()
    private(set) var messages: [FeedMessage] = []

    init(_ feed: any Feed) {
        feed.start(inbox: inbox)
    }

    /// Collect until `condition` holds or `timeout` seconds pass; returns whether it held.
    @discardableResult
    func wait(timeout: Double = 10, until condition: (FeedProbe) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            messages += inbox.drain()
            if condition(self) { return true }
            if Date() >= deadline { return false }
            var descriptor = pollfd(fd: inbox.wakeDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, 20)
        }
    }

    /// Everything the echo reader saw, concatenated.
    var text: String {
        messages.compactMap { message -> String? in
            if case .event(_, .noise(let text)) = message { return text }
            return nil
        }.joined()
    }

    /// States posted, in order.
    var states: [SourceState] {
        messages.compactMap { message -> SourceState? in
            if case .state(_, let state) = message { return state }
            return nil
        }
    }

    /// Output lines posted, in order.
    var outputLines: [String] {
        messages.compactMap { message -> String? in
            if case .output(_, let line) = message { return line }
            return nil
        }
    }

    /// Training events posted, in order.
    var events: [TrainingEvent] {
        messages.compactMap { message -> TrainingEvent? in
            if case .event(_, let event) = message { return event }
            return nil
        }
    }

    /// Epoch numbers of finished epochs, in arrival order.
    var epochs: [Int] {
        events.compactMap { event -> Int? in
            if case .epochEnded(let record) = event { return record.epoch }
            return nil
        }
    }
}

/// A fresh empty directory under the system temp dir, removed by `remove()`.
struct TemporaryDirectory {
    let path: String
    init(_ label: String = "fitwatch-feeds") {
        path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Append text to a file (created if missing), as a training process writes its log.
func append(_ text: String, to path: String) {
    if !FileManager.default.fileExists(atPath: path) {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
    }
    let handle = FileHandle(forWritingAtPath: path)!
    handle.seekToEndOfFile()
    handle.write(Data(text.utf8))
    try? handle.close()
}
