import Dispatch
import Foundation
import Feeds
import TrainingLog

/// `fitwatch-bench feeds`: append-to-screen latency for a local file and for ssh on loopback
/// (median and p99 over 100 appends), and peak memory after following a long log.
/// Baselines measured in the same run: a pipe read by a Dispatch source and posted through the
/// same inbox (the floor any source pays), and the same log at 1% of the size (memory).
/// `FITWATCH_BENCH_LOG_MB` sets the long log's size (default 1024).
enum FeedBenchmark {
    static let appends = 100

    static func run() {
        print("== feeds ==")
        let baseline = pipeLatency()
        report("pipe -> inbox (baseline)", baseline, against: nil)
        let directory = NSTemporaryDirectory() + "fitwatch-bench-feeds-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let localPath = directory + "/local.log"
        let local = latency(of: FileFeed(path: localPath, makeReader: FeedFactory.readerMaker(format: nil)), appendingTo: localPath)
        report("local file (goal < 50 ms)", local, against: baseline)

        if let server = LoopbackSSH(directory: directory + "/sshd") {
            defer { server.stop() }
            let remotePath = directory + "/remote.log"
            var options = SSHFeed.Options(sshCommand: server.sshCommand)
            options.firstDelay = 0.2
            let feed = SSHFeed(target: SSHTarget(user: server.user, host: "127.0.0.1", path: remotePath),
                               options: options, makeReader: FeedFactory.readerMaker(format: nil))
            let ssh = latency(of: feed, appendingTo: remotePath)
            report("ssh on loopback (goal < 250 ms)", ssh, against: local)
        } else {
            print("ssh on loopback: skipped (no sshd on PATH or in its sbin folders, nor FITWATCH_SSHD, or it did not start)")
        }

        let megabytes = Int(ProcessInfo.processInfo.environment["FITWATCH_BENCH_LOG_MB"] ?? "") ?? 1024
        memory(directory: directory, megabytes: megabytes)
    }

    // MARK: latency

    /// Milliseconds from `write` to the main loop draining the epoch it completed.
    private static func latency(of feed: any Feed, appendingTo path: String) -> [Double] {
        _ = FileManager.default.createFile(atPath: path, contents: Data("Epoch 0/1000\n".utf8))
        let inbox = Inbox()
        feed.start(inbox: inbox)
        defer { feed.stop() }
        // Let the source reach its steady state (connected, caught up) before timing.
        guard waitFor(inbox: inbox, timeout: 15, where: { message in
            if case .state(_, let state) = message { return state == .following || state == .live }
            return false
        }) else {
            print("  \(feed.id): never became live")
            return []
        }
        let handle = FileHandle(forWritingAtPath: path)!
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        var samples: [Double] = []
        for epoch in 1...appends {
            let chunk = epochText(epoch, of: 1000, redraws: 3)
            let start = DispatchTime.now().uptimeNanoseconds
            handle.write(Data(chunk.utf8))
            let arrived = waitFor(inbox: inbox, timeout: 5) { message in
                guard case .event(_, let event) = message else { return false }
                switch event {
                case .epochEnded(let record): return record.epoch == epoch
                case .noise(let text): return text.contains("fitwatch-bench-epoch \(epoch) ")
                default: return false
                }
            }
            guard arrived else { print("  epoch \(epoch) never arrived"); break }
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            usleep(5_000)
        }
        return samples
    }

    /// The floor: a pipe write read by a Dispatch source on its own queue and posted.
    private static func pipeLatency() -> [Double] {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return [] }
        defer { close(fds[1]) }
        let inbox = Inbox()
        let source = DispatchSource.makeReadSource(fileDescriptor: fds[0], queue: DispatchQueue(label: "bench.pipe"))
        source.setEventHandler {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = read(fds[0], &buffer, buffer.count)
            if count > 0 { inbox.post(.output(SourceID("pipe"), String(decoding: buffer[0..<count], as: UTF8.self))) }
        }
        source.setCancelHandler { close(fds[0]) }
        source.resume()
        defer { source.cancel() }
        var samples: [Double] = []
        for epoch in 1...appends {
            let chunk = Array(epochText(epoch, of: 1000, redraws: 3).utf8)
            let start = DispatchTime.now().uptimeNanoseconds
            _ = chunk.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
            guard waitFor(inbox: inbox, timeout: 5, where: { _ in true }) else { break }
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            usleep(5_000)
        }
        return samples
    }

    private static func waitFor(inbox: Inbox, timeout: Double, where matches: (FeedMessage) -> Bool) -> Bool {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
        while DispatchTime.now().uptimeNanoseconds < deadline {
            if inbox.drain().contains(where: matches) { return true }
            var descriptor = pollfd(fd: inbox.wakeDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, 50)
        }
        return false
    }

    private static func report(_ name: String, _ samples: [Double], against baseline: [Double]?) {
        guard !samples.isEmpty else { print("\(name): no samples"); return }
        let sorted = samples.sorted()
        let median = sorted[sorted.count / 2]
        let p99 = sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)]
        var line = String(format: "%@: median %.2f ms, p99 %.2f ms over %d appends", name, median, p99, samples.count)
        if let baseline, !baseline.isEmpty {
            let baseMedian = baseline.sorted()[baseline.count / 2]
            line += String(format: " (%.1fx the line above's median)", median / baseMedian)
        }
        print(line)
    }

    // MARK: memory

    /// Peak resident memory while following a log of `megabytes` MB to its end, next to the
    /// same kind of log at 1% of the size.
    private static func memory(directory: String, megabytes: Int) {
        let smallMB = max(1, megabytes / 100)
        guard let small = follow(directory: directory, megabytes: smallMB),
              let large = follow(directory: directory, megabytes: megabytes) else { return }
        print(String(format: "peak memory following a %d MB log (%d epochs read): %.1f MB (%.0f MB/s); a %d MB log (%d epochs): %.1f MB; ratio %.2f",
                     megabytes, large.epochs, large.peakMB, large.rate, smallMB, small.epochs, small.peakMB, large.peakMB / small.peakMB))
    }

    private static func follow(directory: String, megabytes: Int) -> (peakMB: Double, rate: Double, epochs: Int)? {
        let path = directory + "/long-\(megabytes).log"
        writeLongLog(path, megabytes: megabytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        resetPeakMemory()
        let inbox = Inbox()
        let feed = FileFeed(path: path, makeReader: FeedFactory.readerMaker(format: nil))
        let start = DispatchTime.now().uptimeNanoseconds
        feed.start(inbox: inbox)
        defer { feed.stop() }
        // The consumer does what the monitor does with each message: apply it to the history.
        var history = RunHistory()
        var done = false
        let deadline = start + 1_800 * 1_000_000_000
        while !done && DispatchTime.now().uptimeNanoseconds < deadline {
            var descriptor = pollfd(fd: inbox.wakeDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, 50)
            for message in inbox.drain() {
                guard case .event(_, let event) = message else { continue }
                history.apply(event)
                if case .noise(let text) = event, text.contains("fitwatch-bench-end") { done = true }
            }
        }
        guard done else { print("following \(megabytes) MB did not finish within 30 minutes"); return nil }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return (peakResidentMB(), Double(megabytes) / seconds, history.epochs.count)
    }

    /// A tf-keras style log of about `megabytes` MB: ~1 MB of progress redraws per epoch, as a
    /// long epoch captured from a terminal looks (6,000 redraws of ~170 bytes).
    private static func writeLongLog(_ path: String, megabytes: Int) {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        defer { try? handle.close() }
        let epochs = megabytes
        for epoch in 1...epochs {
            handle.write(Data(epochText(epoch, of: epochs, redraws: 6_000).utf8))
        }
        handle.write(Data("fitwatch-bench-end\n".utf8))
    }

    /// One epoch as tf-keras prints it to a terminal: `redraws` progress updates erased with
    /// backspaces, the final line with validation metrics, and a marker line so the epoch is
    /// recognised even by a reader that yields no epochs.
    static func epochText(_ epoch: Int, of total: Int, redraws: Int) -> String {
        var text = "Epoch \(epoch)/\(total)\n"
        let erase = String(repeating: "\u{8}", count: 80)
        let steps = redraws + 1
        for step in 1...max(1, redraws) {
            let filled = step * 29 / steps
            let bar = String(repeating: "=", count: filled) + ">" + String(repeating: ".", count: 29 - filled)
            text += "\r\(step)/\(steps) [\(bar)] - ETA: 1s - loss: 0.5000 - accuracy: 0.7500" + erase
        }
        let loss = 1.0 / Double(epoch)
        text += String(format: "\r%d/%d [==============================] - 1s 2ms/step - loss: %.4f - accuracy: 0.7500 - val_loss: %.4f - val_accuracy: 0.7000\n",
                       steps, steps, loss, loss * 1.1)
        return text + "fitwatch-bench-epoch \(epoch) \n"
    }

    private static func resetPeakMemory() {
        // Writing 5 to clear_refs resets VmHWM (Linux 4.0+).
        if let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
            handle.write(Data("5".utf8))
            try? handle.close()
        }
    }

    private static func peakResidentMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") ?? .nan
            return kilobytes / 1024
        }
        return .nan
    }
}
