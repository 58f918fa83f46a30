import Diagnostics
import Foundation
import Monitor
import RunModel
import TerminalCore
import TrainingLog

/// `fitwatch-bench table`: frame time of the runs table at 300x100 over 500 runs (20 metrics,
/// 200 epochs each, built in memory, two findings each), with and without an overlay of 20
/// selected runs, sorted by the best value, filtered, and while one run grows by an epoch
/// every frame. Baseline, measured in the same run: the single-run screen's frame at the same
/// size over one of those runs.
enum TableBenchmark {
    static let runs = 500
    static let metrics = 20
    static let epochs = 200
    static let size = Size(width: 300, height: 100)

    static func run() {
        print("table: \(runs) runs x \(metrics) metrics x \(epochs) epochs at \(size.width)x\(size.height) (mean of \(MonitorBenchmark.frames) frames)")
        let start = DispatchTime.now().uptimeNanoseconds
        var state = sweep(runs: runs)
        let built = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9

        // Baseline: one run, today's single-run screen (metrics table, chart, findings strip).
        let single = sweep(runs: 1)
        let baseline = measure { MonitorView.render(single).cells.count }

        _ = state.update(.key(.character("t")))
        // The first frame computes every run's summary (cold cache).
        let coldStart = DispatchTime.now().uptimeNanoseconds
        _ = MonitorView.render(state)
        let cold = Double(DispatchTime.now().uptimeNanoseconds - coldStart) / 1e9
        let table = MonitorView.render(state)
        precondition(table.lines.contains { $0.contains("\(runs) runs") }, "the table is not on screen")
        let plain = measure { MonitorView.render(state).cells.count }

        // Sorted by the best value, filtered by a hyper-parameter.
        var sorted = state
        sorted.table.sort = RunsTable.Sort(column: .best, reversed: false)
        sorted.table.filter = "lr=0.0[13]"
        let filtered = measure { MonitorView.render(sorted).cells.count }

        // 20 runs selected: their curves overlay under the table.
        var overlay = state
        for _ in 0..<20 {
            _ = overlay.update(.key(.character(" ")))
            _ = overlay.update(.key(.down))
        }
        precondition(MonitorView.render(overlay).lines.contains { $0.contains("20 selected runs") }, "no overlay")
        let withOverlay = measure { MonitorView.render(overlay).cells.count }

        // Following: an epoch lands on a random run before every frame (its summary is redone).
        var growing = overlay
        var generator = SystemRandomNumberGenerator()
        var epoch = epochs
        let following = measure {
            epoch += 1
            let id = growing.sourceOrder[Int.random(in: 0..<runs, using: &generator)]
            _ = growing.update(.feed(.event(id, .epochEnded(EpochRecord(epoch: epoch, of: 400, metrics: values(epoch: epoch, seed: 1))))))
            return MonitorView.render(growing).cells.count
        }

        print(String(format: "  built in memory in %.1f s; single-run frame (baseline) %.3f ms wall, %.3f ms CPU",
                     built, baseline.wall * 1000, baseline.cpu * 1000))
        print(String(format: "  table, first frame (every summary computed): %.1f ms", cold * 1000))
        // Wall time counts the time the thread waited for a core on a loaded machine; the
        // thread's CPU time is what the frame itself costs.
        func line(_ name: String, _ time: (wall: Double, cpu: Double)) {
            print(String(format: "  %@: %.3f ms/frame wall, %.3f ms CPU (%.2fx the single-run frame's CPU; goal 3 ms: %@)", name,
                         time.wall * 1000, time.cpu * 1000, time.cpu / baseline.cpu, time.cpu < 0.003 ? "met" : "NOT met"))
        }
        line("table", plain)
        line("table sorted by best, filtered /lr=0.0[13]", filtered)
        line("table + overlay of 20 runs", withOverlay)
        line("table + overlay, an epoch appended to a random run each frame", following)
    }

    /// Mean wall and thread-CPU seconds per call of `body`, as `MonitorBenchmark.measure` counts.
    static func measure(_ body: () -> Int) -> (wall: Double, cpu: Double) {
        var sink = 0
        for _ in 0..<MonitorBenchmark.warmup { sink &+= body() }
        func cpuNow() -> Double {
            var spec = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
            return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
        }
        let frames = MonitorBenchmark.frames
        let cpuStart = cpuNow()
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<frames { sink &+= body() }
        let end = DispatchTime.now().uptimeNanoseconds
        let cpu = cpuNow() - cpuStart
        if sink == -1 { print("") }
        return (Double(end - start) / 1e9 / Double(frames), cpu / Double(frames))
    }

    /// 20 metrics: loss and 9 others, each with its validation twin.
    static let names: [String] = {
        let base = ["loss", "accuracy", "auc", "precision", "recall", "mae", "mse", "top5", "kl", "cosine"]
        return base + base.map { "val_" + $0 }
    }()

    static func values(epoch: Int, seed: Int) -> MetricValues {
        var metrics = MetricValues()
        let decay = 1 / Double(epoch) + Double(seed % 7) * 0.01
        for (index, name) in names.enumerated() { metrics[name] = decay * Double(index + 1) }
        return metrics
    }

    /// `runs` finished runs named by their hyper-parameters, with two findings each.
    static func sweep(runs: Int) -> MonitorState {
        let findings = [
            Finding(id: "accuracy-on-regression", severity: .error, confidence: .certain, epoch: 1, title: "t",
                    evidence: [], explanation: "", fix: "", metrics: ["accuracy"]),
            Finding(id: "stuck-metric", severity: .warning, confidence: .certain, epoch: 1, title: "t",
                    evidence: [], explanation: "", fix: "", metrics: ["accuracy"]),
        ]
        var state = MonitorState(size: size, diagnose: { _, _, _ in findings })
        _ = state.update(.tick(1000))
        let rates = ["0.1", "0.03", "0.01", "0.003", "0.001"]
        let ids = (0..<runs).map { SourceID("sweep/lr=\(rates[$0 % 5]),bs=\(32 << ($0 % 3))/seed-\($0)/train.log") }
        state.register(sources: ids)
        for (index, id) in ids.enumerated() {
            _ = state.update(.feed(.state(id, .following)))
            _ = state.update(.feed(.event(id, .runStarted(RunStart(epochs: 400, format: .keras3)))))
            for epoch in 1...epochs {
                _ = state.update(.feed(.event(id, .epochEnded(EpochRecord(epoch: epoch, of: 400, seconds: 1, metrics: values(epoch: epoch, seed: index))))))
            }
        }
        _ = state.settle(state.update(.tick(1001)))
        return state
    }
}
