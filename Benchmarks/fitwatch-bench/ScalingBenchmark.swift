import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `fitwatch-bench scaling`: does the cost grow linearly with the input, and does memory stay
/// bounded? Runs the built `fitwatch export` and `fitwatch check` (the binary next to this one)
/// on generated Keras 3 logs of 10k, 100k and 1M short epochs of four metrics (`accuracy`,
/// `loss`, `val_accuracy`, `val_loss`), and on CSVLogger files whose header has 1k and 10k
/// `X_loss` columns, each in a child process whose peak memory (`VmHWM`) is sampled until it
/// exits, and prints each time against the smallest input's (the goal: 100x the epochs costs
/// at most 120x the time), each peak against the goal of 100 MB, and the bytes each kept epoch
/// adds (peak growth over the smallest input's, per epoch). `FITWATCH_BENCH_SCALING_MAX=100000`
/// stops at 100k epochs; `FITWATCH_BENCH_SCALING_METRICS=2` writes `loss` and `val_loss` only.
enum ScalingBenchmark {
    static func run() {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("fitwatch").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("scaling: \(binary) not built; run `swift build -c release` first")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fitwatch-scaling-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let maximum = ProcessInfo.processInfo.environment["FITWATCH_BENCH_SCALING_MAX"].flatMap { Int($0) } ?? 1_000_000

        let metrics = ProcessInfo.processInfo.environment["FITWATCH_BENCH_SCALING_METRICS"] == "2"
            ? ["loss", "val_loss"] : ["accuracy", "loss", "val_accuracy", "val_loss"]
        print("scaling: Keras 3 log, one step per epoch (`1/1 ━━━━ 0s 3ms/step - \(metrics.map { "\($0): …" }.joined(separator: " - "))`)")
        var epochSizes = [10_000, 100_000, 1_000_000].filter { $0 <= maximum }
        if epochSizes.isEmpty { epochSizes = [10_000] }
        let logs = epochSizes.map { count -> (Int, String) in
            let path = directory.appendingPathComponent("epochs-\(count).log").path
            writeKerasLog(epochs: count, metrics: metrics, to: path)
            return (count, path)
        }
        for command in ["export", "check"] {
            report(command: command, unit: "epochs", inputs: logs, binary: binary)
        }

        print("scaling: CSVLogger file, 10 rows, header `epoch,loss,o0_loss,o1_loss,…`")
        let csvs = [1_000, 10_000].map { columns -> (Int, String) in
            let path = directory.appendingPathComponent("columns-\(columns).csv").path
            writeWideCSV(columns: columns, rows: 10, to: path)
            return (columns, path)
        }
        for command in ["export", "check"] {
            report(command: command, unit: "columns", inputs: csvs, binary: binary)
        }
    }

    /// Runs `fitwatch COMMAND path` for each input (best of 3 for inputs under 100 MB) and
    /// prints time, time ratio against the first input, size ratio, and the child's peak RSS.
    /// The child's CPU time (user + system) and its ratio come next to the wall time: on a
    /// shared machine the wall time also counts waiting for a core.
    static func report(command: String, unit: String, inputs: [(Int, String)], binary: String) {
        var baseline: (size: Int, seconds: Double, peakMB: Double, cpu: Double)?
        for (size, path) in inputs {
            let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            let repeats = bytes < 100 << 20 ? 3 : 1
            let runs = (0..<repeats).map { _ in spawn(binary, [command, path]) }
            let best = runs.min { $0.seconds < $1.seconds }!
            let peak = runs.map(\.peakMB).max()!
            let cpu = runs.map(\.cpu).min()!
            let ratio = baseline.map { String(format: "%6.1fx time (%5.1fx cpu) for %5.0fx %@", best.seconds / $0.seconds,
                                              cpu / $0.cpu, Double(size) / Double($0.size), unit) }
                ?? "                       (baseline)"
            let verdict = peak < MemoryBoundBenchmark.goalMB ? "under" : "OVER"
            // What each kept unit adds: the peak's growth over the smallest input's.
            let perUnit = baseline.map { String(format: ", %4.0f B/%@", (peak - $0.peakMB) * 1_048_576 / Double(size - $0.size),
                                                String(unit.dropLast())) } ?? ""
            print(String(format: "  %@ %9d %@ (%6.1f MB): %8.3f s (cpu %7.3f s)  %@  peak %6.1f MB (%@ the %.0f MB goal%@)",
                         command.padding(toLength: 6, withPad: " ", startingAt: 0), size,
                         unit.padding(toLength: 7, withPad: " ", startingAt: 0), Double(bytes) / 1e6,
                         best.seconds, cpu, ratio, peak, verdict, MemoryBoundBenchmark.goalMB, perUnit))
            if baseline == nil { baseline = (size, best.seconds, peak, cpu) }
        }
        if let baseline, let last = inputs.last, last.0 >= baseline.size * 100 {
            print("  goal: 100x the \(unit) in at most 120x the time (see the ratio above)")
        }
    }

    /// Wall time of one run of the binary, its own peak RSS and its CPU time (user + system,
    /// from `wait4`).
    static func spawn(_ binary: String, _ arguments: [String]) -> (seconds: Double, peakMB: Double, cpu: Double) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd in [Int32(0), 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_RDWR, 0) }
        let all = [binary] + arguments
        var argv: [UnsafeMutablePointer<CChar>?] = all.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let start = DispatchTime.now()
        guard posix_spawn(&pid, binary, &actions, nil, &argv, environ) == 0 else { return (.infinity, .infinity, .infinity) }
        // The child's own high-water mark (`VmHWM`), sampled every 2 ms until it exits:
        // `ru_maxrss` from wait4 would include this process's peak, which Linux carries
        // across posix_spawn's exec.
        var status: Int32 = 0
        var peak = 0.0
        var usage = rusage()
        while true {
            peak = max(peak, MemoryBoundBenchmark.highWaterMB(pid).isNaN ? 0 : MemoryBoundBenchmark.highWaterMB(pid))
            let reaped = wait4(pid, &status, WNOHANG, &usage)
            if reaped == pid || (reaped < 0 && errno != EINTR) { break }
            usleep(2_000)
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return (elapsed, peak, seconds(usage.ru_utime) + seconds(usage.ru_stime))
    }

    /// A Keras 3 pipe log of `epochs` one-step epochs (`Epoch N/M`, the final bar line with
    /// `metrics`, each a random value printed to 4 decimals).
    static func writeKerasLog(epochs: Int, metrics: [String], to path: String) {
        guard let file = fopen(path, "w") else { return }
        defer { fclose(file) }
        var random = UInt64(0x9E37_79B9_7F4A_7C15)
        func next() -> Double {
            random ^= random << 13; random ^= random >> 7; random ^= random << 17
            return Double(random % 10_000) / 10_000
        }
        for epoch in 1...epochs {
            let values = metrics.map { String(format: "%@: %.4f", $0, next()) }.joined(separator: " - ")
            let line = String(format: "Epoch %d/%d\n\u{1B}[1m1/1\u{1B}[0m \u{1B}[32m━━━━━━━━━━━━━━━━━━━━\u{1B}[0m\u{1B}[37m\u{1B}[0m \u{1B}[1m0s\u{1B}[0m 3ms/step - %@\n",
                              epoch, epochs, values)
            fputs(line, file)
        }
    }

    /// A CSVLogger file with `columns` per-output losses (what a model with that many outputs
    /// writes) and `rows` epochs.
    static func writeWideCSV(columns: Int, rows: Int, to path: String) {
        guard let file = fopen(path, "w") else { return }
        defer { fclose(file) }
        let names = (["loss"] + (0..<columns).map { "o\($0)_loss" }).sorted()
        fputs("epoch," + names.joined(separator: ",") + "\r\n", file)
        for row in 0..<rows {
            fputs("\(row)," + names.indices.map { String(Double($0 % 97 + row) / 100) }.joined(separator: ",") + "\r\n", file)
        }
    }
}
