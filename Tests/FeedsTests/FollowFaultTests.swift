import Testing
import Foundation
@testable import Feeds
import TrainingLog

/// Issue 14: a followed file that changes under a fast writer must lose nothing. Each test
/// drives one fault with a writer that writes as fast as it can (one `write` per piece, no
/// pauses) through the real `FileFeed` and `AutoReader`, and requires every epoch exactly once
/// with the values written. Before the fix: copytruncate with an immediate longer refill lost
/// 9 of 29 epochs in 2 of 5 runs (reading resumed at the old offset); rename-and-create with
/// the writer finishing in the renamed file lost 20 epochs in 9 of 13 runs and glued the new
/// file's first line onto the old file's unfinished one.
///
/// `FITWATCH_FAULT_REPEAT=20 swift test --filter FollowFaultTests` runs each fault 20 times.
@Suite(.serialized) struct FollowFaultTests {
    static let repeats = ProcessInfo.processInfo.environment["FITWATCH_FAULT_REPEAT"].flatMap { Int($0) } ?? 2

    /// The bytes of one epoch as tf-keras prints them through a pipe; `run` makes the values
    /// of different runs differ (run 1: 0.1xxx, run 2: 0.2xxx).
    static func epoch(_ number: Int, of total: Int, run: Int = 1) -> String {
        "Epoch \(number)/\(total)\n"
            + "1/1 [==============================] - 0s 2ms/step - loss: \(value(number, run: run))\n"
    }

    static func value(_ number: Int, run: Int = 1) -> String {
        String(format: "%.4f", Double(run) / 10 + Double(number) / 10_000)
    }

    /// A writer holding its own descriptor, as a training process does (O_APPEND, like Python's
    /// `print` to a file opened with "a" or a shell `>>`).
    final class Writer {
        private(set) var fd: Int32
        init(_ path: String) { fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644) }
        func write(_ text: String) {
            let bytes = Array(text.utf8)
            var written = 0
            while written < bytes.count {
                let count = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if count > 0 { written += count } else if errno != EINTR { return }
            }
        }
        /// Writes `text` in pieces cut at random places, so the follower sees partial lines.
        func writeInPieces<G: RandomNumberGenerator>(_ text: String, using random: inout G) {
            var rest = Substring(text)
            while !rest.isEmpty {
                let length = Int.random(in: 1...max(1, min(rest.count, 40)), using: &random)
                write(String(rest.prefix(length)))
                rest = rest.dropFirst(length)
            }
        }
        func reopen(_ path: String) { close(fd); fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644) }
        deinit { close(fd) }
    }

    /// Follows `path` while `body` writes; returns the finished epochs of each `fit` segment.
    struct Follower {
        let feed: FileFeed
        let probe: FeedProbe
        init(_ path: String) {
            feed = FileFeed(path: path, pollInterval: 0.2, makeReader: { AutoReader() })
            probe = FeedProbe(feed)
        }

        /// Epoch records by segment (a `runStarted` opens one).
        var segments: [[EpochRecord]] {
            var result: [[EpochRecord]] = []
            for event in probe.events {
                switch event {
                case .runStarted: result.append([])
                case .epochEnded(let record):
                    if result.isEmpty { result.append([]) }
                    result[result.count - 1].append(record)
                default: break
                }
            }
            return result
        }

        /// Waits until the epochs read include `epoch` with `value`, then a little longer so a
        /// duplicate or a late spurious epoch would show.
        @discardableResult
        func waitFor(epoch: Int, value: String) -> Bool {
            let seen = probe.wait(timeout: 15) { probe in
                probe.events.contains {
                    if case .epochEnded(let record) = $0 { record.epoch == epoch && record.metrics["loss"] == Double(value) } else { false }
                }
            }
            return seen
        }

        func settle() -> [[EpochRecord]] {
            _ = probe.wait(timeout: 0.4) { _ in false }
            return segments
        }
    }

    /// The records are exactly `epochs` in order, complete, each with the value `run` wrote.
    static func expectExactly(_ records: [EpochRecord], _ epochs: ClosedRange<Int>, run: Int, _ context: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(records.map(\.epoch) == Array(epochs), "\(context): epochs \(records.map(\.epoch))", sourceLocation: sourceLocation)
        for record in records where epochs.contains(record.epoch) {
            #expect(record.complete, "\(context): epoch \(record.epoch) not complete", sourceLocation: sourceLocation)
            #expect(record.metrics["loss"] == Double(value(record.epoch, run: run)),
                    "\(context): epoch \(record.epoch) has \(record.metrics)", sourceLocation: sourceLocation)
        }
    }

    /// Runs `body` `repeats` times, each with a fresh directory, a writer on its `train.log`
    /// and a follower of that path, stopped and removed afterwards.
    static func attempts(_ body: (_ attempt: Int, _ path: String, _ writer: Writer, _ follower: Follower) -> Void) {
        for attempt in 1...repeats {
            let directory = TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("train.log")
            let writer = Writer(path)
            let follower = Follower(path)
            defer { follower.feed.stop() }
            body(attempt, path, writer, follower)
        }
    }

    @Test func appendsAtFullSpeedArriveOnceEach() {
        Self.attempts { attempt, path, writer, follower in
            for number in 1...300 { writer.write(Self.epoch(number, of: 300)) }
            #expect(follower.waitFor(epoch: 300, value: Self.value(300)), "attempt \(attempt): epoch 300 never arrived")
            let segments = follower.settle()
            #expect(segments.count == 1, "attempt \(attempt): \(segments.count) segments")
            Self.expectExactly(segments.flatMap { $0 }, 1...300, run: 1, "attempt \(attempt)")
        }
    }

    @Test func partialLinesAtFullSpeedArriveOnceEach() {
        var random = SystemRandomNumberGenerator()
        Self.attempts { attempt, path, writer, follower in
            for number in 1...80 { writer.writeInPieces(Self.epoch(number, of: 80), using: &random) }
            #expect(follower.waitFor(epoch: 80, value: Self.value(80)), "attempt \(attempt): epoch 80 never arrived")
            Self.expectExactly(follower.settle().flatMap { $0 }, 1...80, run: 1, "attempt \(attempt)")
        }
    }

    /// logrotate's copytruncate racing the writer: the file is cut to zero and at once refilled
    /// by a longer run, past the old offset, before the follower looks again.
    @Test func copytruncateWithAnImmediateLongerRefillReadsTheNewRunWhole() {
        Self.attempts { attempt, path, writer, follower in
            for number in 1...10 { writer.write(Self.epoch(number, of: 10, run: 1)) }
            #expect(follower.waitFor(epoch: 10, value: Self.value(10, run: 1)), "attempt \(attempt): first run not read")
            // Truncate and refill in one go (the writer's O_APPEND descriptor writes at the new end).
            #expect(truncate(path, 0) == 0)
            writer.write((1...29).map { Self.epoch($0, of: 29, run: 2) }.joined())
            #expect(follower.waitFor(epoch: 29, value: Self.value(29, run: 2)), "attempt \(attempt): second run not read to its end")
            let segments = follower.settle()
            #expect(segments.count == 2, "attempt \(attempt): segments \(segments.map { $0.map(\.epoch) })")
            if let first = segments.first { Self.expectExactly(first, 1...10, run: 1, "attempt \(attempt), first run") }
            if segments.count > 1 { Self.expectExactly(segments[1], 1...29, run: 2, "attempt \(attempt), second run") }
        }
    }

    /// logrotate without copytruncate: the log is renamed under the writer and a new empty file
    /// created at its path; the writer finishes more epochs in the renamed file before it
    /// reopens the path and goes on there.
    @Test func renameAndCreateWithTheWriterStillOnTheOldFileLosesNothing() {
        Self.attempts { attempt, path, writer, follower in
            for number in 1...5 { writer.write(Self.epoch(number, of: 40)) }
            #expect(follower.waitFor(epoch: 5, value: Self.value(5)), "attempt \(attempt): first epochs not read")
            #expect(rename(path, path + ".1") == 0)
            close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644))
            for number in 6...20 { writer.write(Self.epoch(number, of: 40)) }
            writer.reopen(path)
            for number in 21...40 { writer.write(Self.epoch(number, of: 40)) }
            #expect(follower.waitFor(epoch: 40, value: Self.value(40)), "attempt \(attempt): epoch 40 never arrived")
            let segments = follower.settle()
            #expect(segments.count == 1, "attempt \(attempt): segments \(segments.map { $0.map(\.epoch) })")
            Self.expectExactly(segments.flatMap { $0 }, 1...40, run: 1, "attempt \(attempt)")
        }
    }

    /// The renamed file ends inside a line (the writer was cut off mid-print): that unfinished
    /// line must not join the new file's first line, and the epoch it cut is never complete.
    @Test func anUnfinishedLineOfTheOldFileNeverJoinsTheNewFilesFirstLine() {
        Self.attempts { attempt, path, writer, follower in
            for number in 1...5 { writer.write(Self.epoch(number, of: 9)) }
            let sixth = Self.epoch(6, of: 9)
            writer.write(String(sixth.prefix(sixth.count - 9))) // "...loss: 0.10" of epoch 6
            #expect(follower.waitFor(epoch: 5, value: Self.value(5)), "attempt \(attempt): first epochs not read")
            #expect(rename(path, path + ".1") == 0)
            writer.reopen(path)
            for number in 7...9 { writer.write(Self.epoch(number, of: 9)) }
            #expect(follower.waitFor(epoch: 9, value: Self.value(9)), "attempt \(attempt): epoch 9 never arrived")
            let records = follower.settle().flatMap { $0 }
            let others = records.filter { $0.epoch != 6 }
            #expect(others.map(\.epoch) == [1, 2, 3, 4, 5, 7, 8, 9], "attempt \(attempt): epochs \(records.map(\.epoch))")
            for record in others {
                #expect(record.complete && record.metrics["loss"] == Double(Self.value(record.epoch)),
                        "attempt \(attempt): epoch \(record.epoch) has \(record.metrics)")
            }
            let sixths = records.filter { $0.epoch == 6 }
            #expect(sixths.allSatisfy { !$0.complete }, "attempt \(attempt): the cut epoch 6 came out complete: \(sixths)")
        }
    }

    /// Deleted and recreated: the new file continues the run.
    @Test func deleteAndRecreateContinuesInTheNewFile() {
        Self.attempts { attempt, path, writer, follower in
            for number in 1...5 { writer.write(Self.epoch(number, of: 30)) }
            #expect(follower.waitFor(epoch: 5, value: Self.value(5)), "attempt \(attempt): first epochs not read")
            #expect(unlink(path) == 0)
            writer.reopen(path)
            for number in 6...30 { writer.write(Self.epoch(number, of: 30)) }
            #expect(follower.waitFor(epoch: 30, value: Self.value(30)), "attempt \(attempt): epoch 30 never arrived")
            Self.expectExactly(follower.settle().flatMap { $0 }, 1...30, run: 1, "attempt \(attempt)")
        }
    }
}
