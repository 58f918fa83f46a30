import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `fitwatch-bench memory-bound`: the built `fitwatch --jsonl -` (the binary next to this one)
/// fed as fast as a pipe goes, for `FITWATCH_BENCH_SECONDS` (default 10) seconds per input:
/// /dev/zero (no newline ever), 1 KB lines of text, 100 KB lines, and a Keras 3 log of
/// short epochs repeated. Each child's peak RSS (`VmHWM`, read just before it is stopped with
/// SIGINT) and the bytes it consumed are printed against the goal of 100 MB, next to `cat`'s
/// peak on the same input as a baseline for what a process reading the pipe costs.
enum MemoryBoundBenchmark {
    static let goalMB = 100.0

    static func run() {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("fitwatch").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("memory-bound: \(binary) not built; run `swift build -c release` first")
            return
        }
        let seconds = ProcessInfo.processInfo.environment["FITWATCH_BENCH_SECONDS"].flatMap { Double($0) } ?? 10
        let epoch = Array("Epoch 7/9\n\u{1B}[1m1/1\u{1B}[0m \u{1B}[32m━━━━━━━━━━━━━━━━━━━━\u{1B}[0m \u{1B}[1m0s\u{1B}[0m 3ms/step - loss: 0.1234 - val_loss: 0.2345\n".utf8)
        let inputs: [(String, [UInt8])] = [
            ("/dev/zero", [UInt8](repeating: 0, count: 1 << 16)),
            ("1 KB lines", Array(repeating: Array(repeating: UInt8(ascii: "x"), count: 1023) + [10], count: 64).flatMap { $0 }),
            ("100 KB lines", Array(repeating: UInt8(ascii: "y"), count: 102_399) + [10]),
            ("Keras 3 epochs", Array(repeating: epoch, count: 512).flatMap { $0 }),
        ]
        print(String(format: "memory-bound: `fitwatch --jsonl -` fed at full speed for %.0f s per input (goal: peak < %.0f MB)", seconds, goalMB))
        for (name, pattern) in inputs {
            let baseline = feed([Executable.find("cat") ?? "cat"], pattern: pattern, seconds: min(seconds, 2))
            let result = feed([binary, "--jsonl", "-"], pattern: pattern, seconds: seconds)
            let verdict = result.peakMB < goalMB ? "under the goal" : "OVER THE GOAL"
            print(String(format: "  %-15@ peak %6.1f MB (%@), read %8.1f MB in %.1f s; cat: peak %5.1f MB",
                         name as NSString, result.peakMB, verdict, Double(result.bytes) / 1e6, result.seconds, baseline.peakMB))
        }
    }

    /// Runs `arguments` with a pipe on stdin that a thread fills with `pattern` over and over
    /// until `seconds` passed, then SIGINT; returns the child's peak RSS and the bytes written.
    static func feed(_ arguments: [String], pattern: [UInt8], seconds: Double) -> (peakMB: Double, bytes: Int, seconds: Double) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return (.infinity, 0, 0) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_addclose(&actions, fds[1])
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ) == 0 else { return (.infinity, 0, 0) }
        close(fds[0])
        let writeEnd = fds[1]
        // Non-blocking writes so the deadline holds even when the child stops reading.
        _ = fcntl(writeEnd, F_SETFL, fcntl(writeEnd, F_GETFL) | O_NONBLOCK)
        let start = DispatchTime.now()
        var written = 0
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }
        pattern.withUnsafeBytes { bytes in
            var offset = 0
            while elapsed() < seconds {
                let count = write(writeEnd, bytes.baseAddress! + offset, bytes.count - offset)
                if count > 0 {
                    written += count
                    offset = (offset + count) % bytes.count
                } else if errno == EAGAIN {
                    var request = pollfd(fd: writeEnd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&request, 1, 50)
                } else if errno != EINTR {
                    break
                }
            }
        }
        let took = elapsed()
        // The child's own high-water mark: `ru_maxrss` from wait4 would include this process's
        // peak, which Linux carries across posix_spawn's exec.
        let peak = highWaterMB(pid)
        kill(pid, SIGINT)
        close(writeEnd)
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        return (peak, written, took)
    }

    /// `VmHWM` of a live process, in MB (1024 KiB), from /proc.
    static func highWaterMB(_ pid: pid_t) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return .nan }
        return kib / 1024
    }
}
