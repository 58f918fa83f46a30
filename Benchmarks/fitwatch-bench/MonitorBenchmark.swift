import Diagnostics
import Feeds
import Foundation
import Monitor
import RunModel
import TerminalCore
import TrainingLog

/// `fitwatch-bench monitor`: render time per frame at 120x40 and 300x100, and the CPU a
/// running `fitwatch` uses idle and while following a log that grows by 10,000 lines per
/// second. Baselines, measured in the same run: filling a buffer of the same size cell by cell
/// (the floor of any renderer), and `tail -F` following the same growing log.
enum MonitorBenchmark {
    static func run() {
        print("monitor: render (mean of \(frames) frames after \(warmup) warm-up frames)")
        for size in [Size(width: 120, height: 40), Size(width: 300, height: 100)] {
            renderFrames(size: size)
        }
        cursorMoves()
        framesDuringDiagnosis()
        followCPU()
    }

    /// Frames per measurement: enough for a stable mean at ~1 ms per frame.
    static let frames = 200
    static let warmup = 20

    // MARK: render

    /// A state like a long live run: 300 epochs of loss/accuracy/two outputs with validation,
    /// 30,000 batch updates, one finding, a chart with smoothing.
    static func syntheticState(size: Size) -> MonitorState {
        let finding = Finding(id: "accuracy-on-regression", severity: .error, confidence: .certain, epoch: 1,
                              title: "'accuracy' on a regression loss measures nothing", evidence: [],
                              explanation: "", fix: "", metrics: ["accuracy", "val_accuracy"])
        var state = MonitorState(size: size, diagnose: { _, _, _ in [finding] })
        let id = SourceID("bench.log")
        _ = state.update(.feed(.state(id, .live)))
        _ = state.update(.feed(.event(id, .runStarted(RunStart(epochs: 400, format: .keras3)))))
        var generator = SystemRandomNumberGenerator()
        for epoch in 1...300 {
            let decay = 1 / Double(epoch)
            for step in stride(from: 1, through: 100, by: 1) {
                let noise = Double.random(in: -0.05...0.05, using: &generator)
                _ = state.update(.feed(.event(id, .batchProgress(BatchProgress(
                    epoch: epoch, step: step, total: 100, eta: 1,
                    metrics: ["loss": decay + noise, "accuracy": 1 - decay, "out1_loss": decay, "out2_loss": decay / 2])))))
            }
            _ = state.update(.feed(.event(id, .epochEnded(EpochRecord(
                epoch: epoch, of: 400, seconds: 1.5,
                metrics: ["loss": decay, "accuracy": 1 - decay, "out1_loss": decay, "out2_loss": decay / 2,
                          "val_loss": decay * 1.1, "val_accuracy": 1 - decay * 1.2,
                          "val_out1_loss": decay * 1.1, "val_out2_loss": decay / 1.8])))))
        }
        _ = state.settle(state.update(.tick(1000)))
        _ = state.perform(.smoothing)
        return state
    }

    static func renderFrames(size: Size) {
        let state = syntheticState(size: size)
        // Baseline: write every cell of a fresh buffer once.
        let baseline = measure {
            var buffer = Buffer(size: size)
            for y in 0..<size.height { for x in 0..<size.width { buffer[x, y] = Cell("x") } }
            return buffer.cells.count
        }
        let render = measure { MonitorView.render(state).cells.count }
        var next = state
        _ = next.update(.feed(.event(SourceID("bench.log"), .epochEnded(EpochRecord(epoch: 301, of: 400, metrics: ["loss": 0.003])))))
        let previous = MonitorView.render(state)
        let current = MonitorView.render(next)
        let diff = measure { current.changes(since: previous).count }
        let changed = current.changes(since: previous).count
        print(String(format: "  %dx%d: render %.3f ms/frame (%.1fx the %.3f ms baseline fill); diff %.3f ms, %d of %d cells changed after one epoch",
                     size.width, size.height, render * 1000, render / baseline, baseline * 1000, diff * 1000, changed, size.width * size.height))
        // The robust y scale (the default) against the full range, same state, same run.
        var full = state
        full.chart.robust = false
        let fullRender = measure { MonitorView.render(full).cells.count }
        print(String(format: "  %dx%d: robust scale %.3f ms/frame, full range %.3f ms/frame (%.2fx)",
                     size.width, size.height, render * 1000, fullRender * 1000, render / fullRender))
    }

    // MARK: the value cursor

    /// The cursor's move-to-frame time at 120x40 and 300x100 on the synthetic run: a `←` key
    /// applied, the frame rendered and diffed against the previous one (what reaches the
    /// terminal). Baseline, in the same run: the same render and diff with no key (a frame
    /// redrawn for any other reason).
    static func cursorMoves() {
        for size in [Size(width: 120, height: 40), Size(width: 300, height: 100)] {
            var state = syntheticState(size: size)
            _ = state.update(.key(.character("v")))
            var previous = MonitorView.render(state)
            let still = measure {
                let frame = MonitorView.render(state)
                defer { previous = frame }
                return frame.changes(since: previous).count
            }
            var moved = 0
            let move = measure {
                // Back and forth over the run, so the cursor never sticks at an end.
                _ = state.update(.key(moved % 400 < 200 ? .left : .right))
                moved += 1
                let frame = MonitorView.render(state)
                defer { previous = frame }
                return frame.changes(since: previous).count
            }
            print(String(format: "  %dx%d: cursor ← to frame %.3f ms (%.2fx the %.3f ms frame without a key)",
                         size.width, size.height, move * 1000, move / still, still * 1000))
        }
    }

    // MARK: frames while a diagnosis runs

    /// A live run of 3,000 epochs diagnosed by the real rules: the diagnosis runs on a worker
    /// queue as the main loop runs it, and the frames drawn meanwhile (a new epoch applied,
    /// a tick, a render) are timed. Baseline: the same frames with no diagnosis running, and
    /// the diagnosis itself, which every frame that diagnosed used to wait for.
    static func framesDuringDiagnosis() {
        let size = Size(width: 120, height: 40)
        var state = MonitorState(size: size)
        let id = SourceID("long.log")
        _ = state.update(.feed(.state(id, .live)))
        _ = state.update(.feed(.event(id, .runStarted(RunStart(epochs: 5000, format: .keras3)))))
        for epoch in 1...3000 {
            let decay = 1 / Double(epoch)
            _ = state.update(.feed(.event(id, .epochEnded(EpochRecord(
                epoch: epoch, of: 5000, seconds: 1,
                metrics: ["loss": decay, "accuracy": 0, "out1_loss": decay, "out2_loss": decay / 2, "precision": 1,
                          "val_loss": decay * 1.1 + Double(epoch % 7) * 1e-3, "val_accuracy": 0,
                          "val_out1_loss": decay, "val_out2_loss": decay / 2, "val_precision": 1])))))
        }
        let request = state.runs[id]!.run.diagnosisRequest
        let diagnosisStart = DispatchTime.now().uptimeNanoseconds
        let result = Diagnosis.run(request)
        let diagnosisTime = Double(DispatchTime.now().uptimeNanoseconds - diagnosisStart) / 1e9
        _ = state.update(.diagnosed(id, result))

        var epoch = 3000
        func frame() -> Double {
            epoch += 1
            let start = DispatchTime.now().uptimeNanoseconds
            _ = state.update(.feed(.event(id, .epochEnded(EpochRecord(epoch: epoch, of: 5000, metrics: ["loss": 1 / Double(epoch)])))))
            // The tick asks for a diagnosis (an effect); the loop hands it to the worker.
            _ = state.update(.tick(Double(epoch)))
            _ = MonitorView.render(state).cells.count
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        for _ in 0..<warmup { _ = frame() }
        let idle = (0..<frames).map { _ in frame() }

        // The same frames while the worker diagnoses (repeatedly, so every frame overlaps one).
        let done = Mailbox<Int>(size: { _ in 8 })
        let worker = DispatchQueue(label: "bench.diagnosis", qos: .utility)
        let rounds = 5
        for round in 0..<rounds { worker.async { _ = Diagnosis.run(request); done.post(round) } }
        var during: [Double] = []
        var finished = 0
        while finished < rounds {
            during.append(frame())
            finished += done.drain().count
        }
        let mean = { (values: [Double]) in values.reduce(0, +) / Double(max(1, values.count)) }
        print(String(format: "monitor: 3,000-epoch run at 120x40: a diagnosis takes %.1f ms; frames while %d run on the worker: mean %.3f ms, max %.3f ms (%d frames); without one running: mean %.3f ms, max %.3f ms",
                     diagnosisTime * 1000, rounds, mean(during) * 1000, (during.max() ?? 0) * 1000, during.count,
                     mean(idle) * 1000, (idle.max() ?? 0) * 1000))
        print(String(format: "monitor: frame during diagnosis / without: %.2fx mean; a frame that waited for the rules would take %.1fx longer",
                     mean(during) / mean(idle), (mean(idle) + diagnosisTime) / mean(idle)))
    }

    /// Mean seconds per call of `body` over `frames` calls after `warmup` calls.
    static func measure(_ body: () -> Int) -> Double {
        var sink = 0
        for _ in 0..<warmup { sink &+= body() }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<frames { sink &+= body() }
        let end = DispatchTime.now().uptimeNanoseconds
        if sink == -1 { print("") }
        return Double(end - start) / 1e9 / Double(frames)
    }

    // MARK: CPU of a running fitwatch

    /// Seconds of each CPU measurement window.
    static let window = 10.0
    /// Lines appended per second while following.
    static let linesPerSecond = 10_000

    static func followCPU() {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fitwatch").path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fitwatch-bench-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("train.log")
        var writer = KerasLogWriter()
        _ = FileManager.default.createFile(atPath: log.path, contents: Data(writer.lines(count: 2_000).utf8))

        guard let screen = ScreenProcess.start("monitor: cpu", binary: binary, arguments: [log.path], width: 120, height: 40,
                                                scratch: directory.path) else { return }
        defer { screen.stop() }
        let pid = screen.pid
        sleep(2)  // let it load the first 2,000 lines and draw

        let idle = cpuFraction(pid: pid) { usleep(UInt32(window * 1_000_000)) }

        // Baseline: tail -F of the same file, appended to at the same time.
        let tail = TailBaseline(following: [log.path])
        defer { tail.stop() }
        let tailPID = tail.pid
        usleep(200_000)

        var tailBusy = 0.0
        let busy = cpuFraction(pid: pid) {
            tailBusy = cpuFraction(pid: tailPID) {
                guard let handle = try? FileHandle(forWritingTo: log) else { return }
                handle.seekToEndOfFile()
                // 100 batches of 1/100 s: 100 lines every 10 ms.
                let batches = Int(window * 100)
                let start = DispatchTime.now().uptimeNanoseconds
                for batch in 0..<batches {
                    handle.write(Data(writer.lines(count: linesPerSecond / 100).utf8))
                    let due = start + UInt64(batch + 1) * 10_000_000
                    let now = DispatchTime.now().uptimeNanoseconds
                    if due > now { usleep(UInt32((due - now) / 1000)) }
                }
                try? handle.close()
            }
        }
        print(String(format: "monitor: cpu idle %.2f%% of a core over %.0f s (following a quiet 2,000-line log)", idle * 100, window))
        print(String(format: "monitor: cpu following %d lines/s: fitwatch %.1f%% of a core, baseline tail -F %.1f%% (%.1fx)",
                     linesPerSecond, busy * 100, tailBusy * 100, tailBusy > 0 ? busy / tailBusy : 0))
    }

    /// The share of one core `pid` used while `body` ran: utime + stime from /proc (the
    /// counters getrusage reports) over wall time.
    static func cpuFraction(pid: pid_t, during body: () -> Void) -> Double {
        let before = cpuSeconds(pid: pid)
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return (cpuSeconds(pid: pid) - before) / wall
    }

    static func cpuSeconds(pid: pid_t) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // Fields after the command: state is index 0, utime 11, stime 12 (proc(5) fields 14, 15).
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// Keras 2 style progress: `Epoch N/M`, per-batch updates ending in `\r`, a final line with
/// validation metrics; each update counts as one line.
struct KerasLogWriter {
    private var epoch = 0
    private var step = 0
    static let steps = 98

    init() {}

    mutating func lines(count: Int) -> String {
        var text = ""
        for _ in 0..<count {
            if step == 0 {
                epoch += 1
                text += "Epoch \(epoch)/100000\n"
                step = 1
                continue
            }
            let loss = 1.0 / Double(epoch) + Double(step) * 1e-5
            if step == Self.steps {
                text += "\r\(step)/\(step) [==============================] - 1s 10ms/step - loss: \(String(format: "%.4f", loss)) - acc: 0.9000 - val_loss: \(String(format: "%.4f", loss * 1.1)) - val_acc: 0.8800\n"
                step = 0
            } else {
                text += "\r\(String(repeating: " ", count: 2 - String(step).count))\(step)/\(Self.steps) [=====>........................] - ETA: 0s - loss: \(String(format: "%.4f", loss)) - acc: 0.9000"
                step += 1
            }
        }
        return text
    }
}
