import Dispatch
import Foundation
import Feeds
import Monitor
import TerminalCore
import TrainingLog
#if canImport(Glibc)
import Glibc
#endif

/// `fitwatch-bench sweep`: a sweep of 500 local runs (20 metrics, 200 epochs each, Keras 3
/// `verbose=2` lines under `runs/lr=…,seed=…/train.log`), followed by the built `fitwatch`.
///
/// - load: `fitwatch --jsonl runs/` from start to its 100,000th epoch record (discovery, 500
///   followers, every epoch parsed and diagnosed), against `fitwatch export runs/` of the
///   same files (the batch reader) in the same run. Goal: within 1 s.
/// - follow: the full screen (`fitwatch runs/` in tmux, 200x60) while a generator appends one
///   epoch to a random run every millisecond for 10 s: its CPU share of a core, against
///   `tail -q -F` of the same 500 files in the same window. Goal: under 25 %.
/// - memory: the screen's peak RSS (`VmHWM`) after the load and the follow. Goal: under 300 MB.
///
/// `FITWATCH_BENCH_SWEEP_RUNS=50` makes a smaller sweep.
enum SweepBenchmark {
    static let metrics = 20
    static let epochs = 200

    static func run() {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fitwatch").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("sweep: \(binary) not built; run `swift build -c release` first")
            return
        }
        let count = ProcessInfo.processInfo.environment["FITWATCH_BENCH_SWEEP_RUNS"].flatMap { Int($0) } ?? 500
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fitwatch-sweep-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let root = directory + "/runs"
        let paths = writeSweep(runs: count, under: root)
        let total = count * epochs
        print("sweep: \(count) runs x \(epochs) epochs x \(metrics) metrics under runs/ (\(bytes(of: paths) / 1_000_000) MB)")

        // Load.
        let export = timed(binary, ["export", root])
        let load = timeToEpochRecords(binary, ["--jsonl", root], records: total, timeout: 120)
        if let load {
            print(String(format: "sweep: load  --jsonl to the last of %d epochs %.3f s; baseline export of the same runs %.3f s (%.2fx)  goal < 1 s: %@",
                         total, load, export, load / export, load < 1 ? "met" : "NOT met"))
        } else {
            print("sweep: load  --jsonl did not deliver \(total) epochs within 120 s; baseline export \(String(format: "%.3f", export)) s")
        }

        sourcesOnly(root: root, paths: paths, total: total)
        screenModelLoad(root: root, total: total)

        // Follow, on the screen.
        guard let screen = ScreenProcess.start("sweep: follow", binary: binary, arguments: [root], width: 200, height: 60,
                                                scratch: directory) else { return }
        defer { screen.stop() }
        let pid = screen.pid
        sleep(3)  // the load, and its diagnoses
        let idle = MonitorBenchmark.cpuFraction(pid: pid) { usleep(3_000_000) }

        let tail = TailBaseline(following: paths)
        defer { tail.stop() }
        let tailPID = tail.pid
        usleep(300_000)

        var tailBusy = 0.0
        var appended = 0
        let window = 10.0
        let busy = MonitorBenchmark.cpuFraction(pid: pid) {
            tailBusy = MonitorBenchmark.cpuFraction(pid: tailPID) {
                appended = generate(paths: paths, seconds: window)
            }
        }
        let peak = peakMB(pid: pid)
        print(String(format: "sweep: follow %d epochs appended (1 a ms to a random run) over %.0f s: fitwatch %.1f%% of a core (idle before %.1f%%), baseline tail -F of the same files %.1f%%  goal < 25 %%: %@",
                     appended, window, busy * 100, idle * 100, tailBusy * 100, busy < 0.25 ? "met" : "NOT met"))
        print(String(format: "sweep: memory peak RSS of the screen %.1f MB  goal < 300 MB: %@", peak, peak < 300 ? "met" : "NOT met"))
    }

    /// The sources alone, in this process: `DiscoveryFeed` with the Keras reader, its inbox
    /// drained and dropped (no run model, no diagnosis, no screen): time to the last epoch of
    /// the load, then CPU while the generator appends (the generator's own thread time is
    /// subtracted). What the feeds cost, apart from what the monitor does with the epochs.
    static func sourcesOnly(root: String, paths: [String], total: Int) {
        let feed = DiscoveryFeed(root: root) { AutoReader() }
        let inbox = Inbox()
        final class Counter: @unchecked Sendable {
            let lock = NSLock()
            var epochs = 0
            var done = false
        }
        let counter = Counter()
        let start = DispatchTime.now().uptimeNanoseconds
        let drainer = Thread {
            while true {
                counter.lock.lock(); let done = counter.done; counter.lock.unlock()
                if done { break }
                var descriptor = pollfd(fd: inbox.wakeDescriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&descriptor, 1, 50)
                var count = 0
                for message in inbox.drain() { if case .event(_, .epochEnded) = message { count += 1 } }
                counter.lock.lock(); counter.epochs += count; counter.lock.unlock()
            }
        }
        drainer.start()
        feed.start(inbox: inbox)
        var loaded: Double?
        while loaded == nil, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < 60 {
            counter.lock.lock(); let epochs = counter.epochs; counter.lock.unlock()
            if epochs >= total { loaded = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 } else { usleep(2_000) }
        }
        usleep(500_000)
        let before = LogParseBenchmark.cpuSeconds(RUSAGE_SELF)
        let threadBefore = threadCPU()
        let wallStart = DispatchTime.now().uptimeNanoseconds
        let appended = generate(paths: paths, seconds: 5)
        let wall = Double(DispatchTime.now().uptimeNanoseconds - wallStart) / 1e9
        let generator = threadCPU() - threadBefore
        let cpu = (LogParseBenchmark.cpuSeconds(RUSAGE_SELF) - before - generator) / wall
        usleep(300_000)
        feed.stop()
        counter.lock.lock(); counter.done = true; let epochs = counter.epochs; counter.lock.unlock()
        print(String(format: "sweep: sources alone (DiscoveryFeed, inbox drained): load %@, follow %d appends in %.0f s: %.1f%% of a core; %d of %d epochs delivered",
                     loaded.map { String(format: "%.3f s", $0) } ?? "not within 60 s", appended, wall, cpu * 100, epochs, total + appended))
    }

    /// The screen's model, in this process: `DiscoveryFeed` into `MonitorState` (every message
    /// applied as the main loop applies it; diagnoses, which run off the main thread, left
    /// out): seconds until every run holds all its epochs, then one full 200x60 frame.
    static func screenModelLoad(root: String, total: Int) {
        let feed = DiscoveryFeed(root: root) { AutoReader() }
        let inbox = Inbox()
        var state = MonitorState()
        state.size = Size(width: 200, height: 60)
        let start = DispatchTime.now().uptimeNanoseconds
        feed.start(inbox: inbox)
        defer { feed.stop() }
        var epochs = 0
        var loaded: Double?
        while loaded == nil, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < 60 {
            var descriptor = pollfd(fd: inbox.wakeDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, 20)
            _ = state.update(.clock(Double(DispatchTime.now().uptimeNanoseconds) / 1e9))
            for message in inbox.drain() {
                if case .event(_, .epochEnded) = message { epochs += 1 }
                _ = state.update(.feed(message))
            }
            if epochs >= total { loaded = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        }
        let frameStart = DispatchTime.now().uptimeNanoseconds
        let cells = MonitorView.render(state).cells.count
        let frame = Double(DispatchTime.now().uptimeNanoseconds - frameStart) / 1e6
        print(String(format: "sweep: screen model (DiscoveryFeed into MonitorState, diagnoses aside): every epoch of %d runs in %@, then a %d-cell frame in %.1f ms  goal < 1 s: %@",
                     state.sourceOrder.count, loaded.map { String(format: "%.3f s", $0) } ?? "not within 60 s", cells, frame,
                     (loaded ?? 99) + frame / 1000 < 1 ? "met" : "NOT met"))
    }

    /// `runs/lr=…,seed=…/train.log`, each with `epochs` of `2 * epochs` done.
    static func writeSweep(runs: Int, under root: String) -> [String] {
        var paths: [String] = []
        for index in 0..<runs {
            let folder = "\(root)/lr=\([0.1, 0.01, 0.001, 0.0001, 0.00001][index % 5]),seed=\(index / 5)"
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let path = folder + "/train.log"
            var text = ""
            for epoch in 1...epochs { text += epochText(epoch, run: index) }
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            paths.append(path)
        }
        return paths
    }

    static func epochText(_ epoch: Int, run: Int) -> String {
        var line = "Epoch \(epoch)/\(epochs * 2)\n50/50 - 0s - 3ms/step - loss: \(String(format: "%.4f", 1.0 / Double(epoch + run % 7)))"
        for metric in 1..<metrics / 2 { line += String(format: " - m%d: %.4f", metric, Double((epoch * metric + run) % 1000) / 1000) }
        line += String(format: " - val_loss: %.4f", 1.1 / Double(epoch + run % 7))
        for metric in 1..<metrics / 2 { line += String(format: " - val_m%d: %.4f", metric, Double((epoch * metric + run) % 997) / 1000) }
        return line + "\n"
    }

    /// One epoch appended to a random run every millisecond; returns how many.
    static func generate(paths: [String], seconds: Double) -> Int {
        var next = [Int](repeating: epochs + 1, count: paths.count)
        var random = UInt64(0x2545_F491_4F6C_DD1D)
        let start = DispatchTime.now().uptimeNanoseconds
        var written = 0
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            if Double(now - start) / 1e9 >= seconds { break }
            let due = start + UInt64(written) * 1_000_000
            if due > now { usleep(UInt32((due - now) / 1000)); continue }
            random ^= random << 13; random ^= random >> 7; random ^= random << 17
            let index = Int(random % UInt64(paths.count))
            guard next[index] <= epochs * 2 else { written += 1; continue }
            let text = epochText(next[index], run: index)
            next[index] += 1
            let fd = open(paths[index], O_WRONLY | O_APPEND)
            if fd >= 0 {
                _ = text.withCString { write(fd, $0, strlen($0)) }
                close(fd)
            }
            written += 1
        }
        return written
    }

    static func bytes(of paths: [String]) -> Int {
        paths.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
    }

    /// Wall seconds of one run of the binary, output discarded.
    static func timed(_ binary: String, _ arguments: [String]) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        _ = ScalingBenchmark.spawn(binary, arguments)
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Seconds from spawning the binary until `records` epoch records were on its stdout.
    static func timeToEpochRecords(_ binary: String, _ arguments: [String], records: Int, timeout: Double) -> Double? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        let all = [binary] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = all.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        guard posix_spawn(&pid, binary, &actions, nil, argv, environ) == 0 else { return nil }
        close(fds[1])
        defer {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            close(fds[0])
        }
        let needle = Array("\"epoch\":".utf8)
        var seen = 0
        var carry: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while seen < records {
            if Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 > timeout { return nil }
            let count = read(fds[0], &buffer, buffer.count)
            if count <= 0 { return nil }
            // Count lines that are epoch records: each holds `"epoch":` once.
            carry += buffer[0..<count]
            guard let lastNewline = carry.lastIndex(of: 10) else { continue }
            var index = 0
            while index + needle.count <= lastNewline {
                if carry[index] == needle[0], Array(carry[index..<(index + needle.count)]) == needle { seen += 1; index += needle.count } else { index += 1 }
            }
            carry.removeFirst(lastNewline + 1)
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// CPU seconds of the calling thread (`RUSAGE_THREAD`, 1, is not imported into Swift).
    static func threadCPU() -> Double {
        var usage = rusage()
        getrusage(1, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// `VmHWM` of a process, in MB.
    static func peakMB(pid: pid_t) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kib / 1024
    }
}
