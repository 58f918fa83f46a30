import Foundation
import TestSupport
import TrainingLog
#if canImport(Glibc)
import Glibc
#endif

/// `fitwatch-bench logs`: parse throughput of the Keras log readers on generated logs of
/// 200+ MB (Keras 3 and tf-keras dynamic display, every step drawn), next to `wc -l` on the
/// same files in the same run, plus peak memory before and after each parse.
enum LogParseBenchmark {
    /// 200 MiB per file, the size the issue asks for; `FITWATCH_BENCH_MB=50` makes smaller
    /// files for quick iterations (the figures in the README use the default).
    static let targetBytes = (ProcessInfo.processInfo.environment["FITWATCH_BENCH_MB"].flatMap { Int($0) } ?? 200) << 20
    /// Steps per epoch: 10,000 in-epoch updates between epoch lines, so the figures are about
    /// updates, not epochs.
    static let stepsPerEpoch = 10_000

    static func run() {
        if let path = ProcessInfo.processInfo.environment["FITWATCH_BENCH_LOG"] {
            // Profiling aid: parse an existing file only, no generation or baseline.
            // `FITWATCH_BENCH_REPEAT=N` parses it N times and reports the fastest (A/B runs).
            let repeats = max(1, ProcessInfo.processInfo.environment["FITWATCH_BENCH_REPEAT"].flatMap { Int($0) } ?? 1)
            let results = (0..<repeats).map { _ in parseFile(path) }
            let best = results.map(\.cpu).min()!
            print(String(format: "logs: %@ parsed in %.4f s CPU (best of %d), %d epochs", path, best, repeats, results[0].epochs))
            return
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("fitwatch-bench-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer {
            if ProcessInfo.processInfo.environment["FITWATCH_BENCH_KEEP"] == nil {
                try? FileManager.default.removeItem(at: directory)
            }
        }
        print("logs: generating 2 × \(targetBytes >> 20) MiB in \(directory.path)")
        for flavour in [Flavour.keras3, .tfKeras] {
            let path = directory.appendingPathComponent("\(flavour).log").path
            let (bytes, updates) = generate(flavour, to: path)
            let before = maxRSS()
            // Warm the page cache for both contestants, then best of 5 each, interleaved so a
            // busy moment on a shared machine hits both alike.
            _ = wcLines(path)
            var wc: [(seconds: Double, cpu: Double)] = []
            var parses: [(seconds: Double, cpu: Double, epochs: Int)] = []
            for _ in 0..<5 {
                wc.append(wcLines(path))
                parses.append(parseFile(path))
            }
            let after = maxRSS()
            let mb = Double(bytes) / 1_000_000
            // Best of the runs; CPU time too, since on a shared machine wall time mostly measures the neighbours.
            let wcWall = wc.map(\.seconds).min()!, wcCPU = wc.map(\.cpu).min()!
            let parseWall = parses.map(\.seconds).min()!, parseCPU = parses.map(\.cpu).min()!
            print(String(format: "logs %@: %.0f MB, %d updates, %d epochs read", "\(flavour)", mb, updates, parses[0].epochs))
            print(String(format: "  fitwatch AutoReader  %7.1f MB/s wall (%.2f s), %7.1f MB/s CPU (%.2f s)",
                         mb / parseWall, parseWall, mb / parseCPU, parseCPU))
            print(String(format: "  wc -l                %7.1f MB/s wall (%.2f s), %7.1f MB/s CPU (%.2f s)",
                         mb / wcWall, wcWall, mb / wcCPU, wcCPU))
            print(String(format: "  ratio                %7.1f %% of wc -l (wall), %.1f %% (CPU)",
                         100 * wcWall / parseWall, 100 * wcCPU / parseCPU))
            print(String(format: "  peak RSS             %7.1f MiB before parsing, %.1f MiB after (%d updates)",
                         before, after, updates))
            // What `fitwatch export` does with the file: stream it into segments and print.
            let exportStart = DispatchTime.now()
            var builder = RunSegment.Builder()
            _ = try? LogLoader.stream(at: path, format: nil) { builder.add($0) }
            let exported = ExportJSON.document(runs: builder.segments.map {
                ExportJSON.run(source: path, segment: $0)
            })
            let exportSeconds = seconds(since: exportStart)
            print(String(format: "  export (streamed)    %7.1f MB/s wall (%.2f s), %d bytes of JSON, peak RSS %.1f MiB after",
                         mb / exportSeconds, exportSeconds, exported.utf8.count, maxRSS()))
            if ProcessInfo.processInfo.environment["FITWATCH_BENCH_KEEP"] == nil {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }

    enum Flavour: CustomStringConvertible {
        case keras3, tfKeras
        var description: String { self == .keras3 ? "keras3" : "tf-keras" }
    }

    /// Parses `path` as `export` and `check` read a file (`LogLoader.stream`, in
    /// `LogLoader.readSize` reads), counting events without keeping them (as a feed does);
    /// `FITWATCH_BENCH_READ_KIB` changes the read size.
    static func parseFile(_ path: String) -> (seconds: Double, cpu: Double, epochs: Int) {
        let readSize = (ProcessInfo.processInfo.environment["FITWATCH_BENCH_READ_KIB"].flatMap { Int($0) }
            ?? (LogLoader.readSize >> 10)) << 10
        var epochs = 0
        let cpuStart = cpuSeconds(RUSAGE_SELF)
        let start = DispatchTime.now()
        _ = try? LogLoader.stream(at: path, format: nil, readSize: readSize) { events in
            for event in events {
                if case .epochEnded = event { epochs += 1 }
            }
        }
        return (seconds(since: start), cpuSeconds(RUSAGE_SELF) - cpuStart, epochs)
    }

    /// `wc -l path`, started with `posix_spawn` and reaped with `wait4`, output to /dev/null:
    /// wall time from spawn to exit (a shell's `time wc -l` measures the same ~1 ms of process
    /// start-up) and the child's own CPU time. Foundation's `Process` added ~20 ms of its own
    /// start-up and exit polling to the wall time, which made `wc -l` look half as fast on a
    /// 200 MB file as it is; earlier README figures compared against that inflated baseline.
    static func wcLines(_ path: String) -> (seconds: Double, cpu: Double) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        guard let wc = Executable.find("wc") else { return (.infinity, .infinity) }
        let arguments = [wc, "-l", path]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let start = DispatchTime.now()
        guard posix_spawn(&pid, wc, &actions, nil, &argv, environ) == 0 else { return (.infinity, .infinity) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let elapsed = seconds(since: start)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return (elapsed, cpu)
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    /// User plus system CPU seconds of this process or of its waited-for children.
    static func cpuSeconds(_ who: __rusage_who) -> Double {
        var usage = rusage()
        getrusage(who.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// Peak resident set size so far, in MiB (Linux reports ru_maxrss in KiB).
    static func maxRSS() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    // MARK: Generation

    /// Writes a log of at least `targetBytes` as Keras draws it; returns its size and update count.
    static func generate(_ flavour: Flavour, to path: String) -> (bytes: Int, updates: Int) {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { return (0, 0) }
        defer { try? handle.close() }
        var out: [UInt8] = []
        out.reserveCapacity(1 << 21)
        var written = 0
        var updates = 0
        var epoch = 1
        var state: UInt64 = 42
        func noise() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % 10_000
        }
        let epochs = 1000
        while written + out.count < targetBytes {
            append("Epoch \(epoch)/\(epochs)\n", to: &out)
            var previousWidth = 0
            for step in 1...stepsPerEpoch {
                let final = step == stepsPerEpoch
                if previousWidth > 0 { out.append(contentsOf: repeatElement(8, count: previousWidth)) }
                out.append(13)
                let visibleStart = out.count
                let loss = 5000 + noise(), accuracy = noise()
                switch flavour {
                case .keras3:
                    append("\u{1B}[1m", to: &out)
                    appendPadded(step, width: 5, to: &out)
                    append("/\(stepsPerEpoch)\u{1B}[0m ", to: &out)
                    let done = 20 * step / stepsPerEpoch
                    if done > 0 {
                        append("\u{1B}[32m", to: &out)
                        for _ in 0..<done { out += [0xE2, 0x94, 0x81] }
                        append("\u{1B}[0m", to: &out)
                    }
                    append("\u{1B}[37m", to: &out)
                    for _ in 0..<(20 - done) { out += [0xE2, 0x94, 0x81] }
                    append("\u{1B}[0m \u{1B}[1m\(final ? 120 : (stepsPerEpoch - step) / 80)s\u{1B}[0m 12ms/step", to: &out)
                    appendMetric("accuracy", accuracy, to: &out)
                    appendMetric("loss", loss, to: &out)
                    if final {
                        appendMetric("val_accuracy", noise(), to: &out)
                        appendMetric("val_loss", 5000 + noise(), to: &out)
                    }
                case .tfKeras:
                    appendPadded(step, width: 5, to: &out)
                    append("/\(stepsPerEpoch) [", to: &out)
                    let done = 30 * step / stepsPerEpoch
                    if done > 0 {
                        out += repeatElement(UInt8(ascii: "="), count: done - 1)
                        out.append(final ? UInt8(ascii: "=") : UInt8(ascii: ">"))
                    }
                    out += repeatElement(UInt8(ascii: "."), count: 30 - done)
                    out.append(UInt8(ascii: "]"))
                    if final {
                        append(" - 120s 12ms/step", to: &out)
                    } else {
                        let eta = (stepsPerEpoch - step) / 80
                        append(" - ETA: \(eta / 60):\(eta % 60 < 10 ? "0" : "")\(eta % 60)", to: &out)
                    }
                    appendMetric("loss", loss, to: &out)
                    appendMetric("accuracy", accuracy, to: &out)
                    if final {
                        appendMetric("val_loss", 5000 + noise(), to: &out)
                        appendMetric("val_accuracy", noise(), to: &out)
                    }
                }
                previousWidth = out.count - visibleStart
                if final { out.append(10) }
                updates += 1
                if out.count >= 1 << 20 {
                    handle.write(Data(out))
                    written += out.count
                    out.removeAll(keepingCapacity: true)
                }
            }
            epoch += 1
        }
        handle.write(Data(out))
        written += out.count
        return (written, updates)
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }

    private static func appendPadded(_ value: Int, width: Int, to out: inout [UInt8]) {
        let digits = Array(String(value).utf8)
        if digits.count < width { out += repeatElement(32, count: width - digits.count) }
        out += digits
    }

    /// ` - name: 0.1234` from a value in ten-thousandths.
    private static func appendMetric(_ name: String, _ tenThousandths: Int, to out: inout [UInt8]) {
        append(" - \(name): \(tenThousandths / 10_000).", to: &out)
        let fraction = tenThousandths % 10_000
        appendPadded(fraction, width: 4, to: &out)
        // Zero-pad rather than space-pad the fraction.
        for index in (out.count - 4)..<out.count where out[index] == 32 { out[index] = 48 }
    }
}
