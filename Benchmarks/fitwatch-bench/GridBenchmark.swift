import Dispatch
import Foundation
import Monitor
import RunModel
import TerminalCore
import TrainingLog

/// `fitwatch-bench grid`: the grid view (`a`) at 300x100 with 20 metric families (goal: under
/// 2 ms a frame), against the single-chart frame of the same run measured in the same run;
/// the filter typed in the grid; and the value cursor's move-to-frame time on that run's chart.
enum GridBenchmark {
    /// `FITWATCH_BENCH_FRAMES` lowers the count for a run under valgrind (instruction counts
    /// on a machine whose timings are noisy).
    static let frames = ProcessInfo.processInfo.environment["FITWATCH_BENCH_FRAMES"].flatMap(Int.init) ?? 200
    static let warmup = min(20, frames)

    /// A finished run of 300 epochs of 20 metric families with validation (40 keys), printed
    /// epoch times and steps, smoothing on: the grid draws 40 series of 300 points each.
    static func state(size: Size) -> MonitorState {
        var state = MonitorState(size: size, diagnose: { _, _, _ in [] })
        let id = SourceID("grid-bench.log")
        _ = state.update(.feed(.state(id, .finished)))
        _ = state.update(.feed(.event(id, .runStarted(RunStart(epochs: 300, format: .keras3)))))
        var generator = SystemRandomNumberGenerator()
        for epoch in 1...300 {
            var metrics = MetricValues()
            for family in 0..<20 {
                let value = 1 / Double(epoch) + Double(family) + Double.random(in: -0.01...0.01, using: &generator)
                metrics["m\(family)_loss"] = value
                metrics["val_m\(family)_loss"] = value * 1.1
            }
            _ = state.update(.feed(.event(id, .epochEnded(EpochRecord(epoch: epoch, of: 300, steps: 100, seconds: 2, metrics: metrics)))))
        }
        _ = state.settle(state.update(.tick(1000)))
        _ = state.perform(.smoothing)
        return state
    }

    static func run() {
        let size = Size(width: 300, height: 100)
        print("grid: render at \(size.width)x\(size.height), 20 metric families, 300 epochs (mean of \(frames) frames after \(warmup) warm-up frames)")
        let chart = state(size: size)
        var grid = chart
        _ = grid.update(.key(.character("a")))
        precondition(grid.mode == .grid && GridPanelViewCount.cells(MonitorView.render(grid).lines) == 20, "the grid does not show 20 cells")
        // Baseline, same run: the single-chart frame of the same state.
        let single = measure { MonitorView.render(chart).cells.count }
        let gridFrame = measure { MonitorView.render(grid).cells.count }
        print(String(format: "  grid %.3f ms/frame (%.2fx the %.3f ms single-chart frame; goal < 2 ms)",
                     gridFrame * 1000, gridFrame / single, single * 1000))
        // The same frames in this thread's CPU time: on a shared, loaded machine the wall time
        // above includes time the thread waited for a core.
        let singleCPU = measureCPU { MonitorView.render(chart).cells.count }
        let gridCPU = measureCPU { MonitorView.render(grid).cells.count }
        print(String(format: "  grid %.3f ms CPU/frame (%.2fx the %.3f ms CPU single-chart frame)",
                     gridCPU * 1000, gridCPU / singleCPU, singleCPU * 1000))
        // A frame after new data: the run's last epoch reported again with other values before
        // each frame (a Keras 3 epoch line redrawn), so every cell's y scale is computed afresh;
        // the frames above have no new data and reuse the scales of the frame before.
        var growing = grid
        var round = 0
        let freshCPU = measureCPU {
            var metrics = MetricValues()
            round += 1
            for family in 0..<20 {
                let value = 1 / 300 + Double(family) + Double(round % 7) * 0.001
                metrics["m\(family)_loss"] = value
                metrics["val_m\(family)_loss"] = value * 1.1
            }
            _ = growing.update(.feed(.event(SourceID("grid-bench.log"),
                                            .epochEnded(EpochRecord(epoch: 300, of: 300, steps: 100, seconds: 2, metrics: metrics)))))
            return MonitorView.render(growing).cells.count
        }
        print(String(format: "  grid after new data %.3f ms CPU/frame (%.2fx the CPU grid frame without new data)",
                     freshCPU * 1000, freshCPU / gridCPU))
        // The grid on the time axis (the run's epoch times summed per frame).
        var timed = grid
        _ = timed.update(.key(.character("x")))
        _ = timed.update(.key(.character("x")))
        let timedFrame = measure { MonitorView.render(timed).cells.count }
        print(String(format: "  grid on the time axis %.3f ms/frame (%.2fx the epoch-axis grid)", timedFrame * 1000, timedFrame / gridFrame))
        // ← in the grid: the key, the frame and its diff against the previous frame.
        var moving = grid
        var previous = MonitorView.render(moving)
        var moved = 0
        let move = measure {
            _ = moving.update(.key(moved % 38 < 19 ? .right : .left))
            moved += 1
            let frame = MonitorView.render(moving)
            defer { previous = frame }
            return frame.changes(since: previous).count
        }
        print(String(format: "  grid selection → to frame %.3f ms (%.2fx the grid frame)", move * 1000, move / gridFrame))
        // The value cursor on this run's single chart: ← applied, rendered and diffed.
        var cursor = chart
        _ = cursor.update(.key(.character("v")))
        previous = MonitorView.render(cursor)
        moved = 0
        let still = measure {
            let frame = MonitorView.render(cursor)
            defer { previous = frame }
            return frame.changes(since: previous).count
        }
        let cursorMove = measure {
            _ = cursor.update(.key(moved % 400 < 200 ? .left : .right))
            moved += 1
            let frame = MonitorView.render(cursor)
            defer { previous = frame }
            return frame.changes(since: previous).count
        }
        print(String(format: "  cursor ← to frame %.3f ms (%.2fx the %.3f ms frame without a key)",
                     cursorMove * 1000, cursorMove / still, still * 1000))
        // The metric filter: a grid frame with `/m1` in force (compiled per frame) against the unfiltered grid.
        var filtered = grid
        for key in "/m1" { _ = filtered.update(.key(.character(key))) }
        _ = filtered.update(.key(.enter))
        let filteredFrame = measure { MonitorView.render(filtered).cells.count }
        print(String(format: "  grid filtered by /m1/ (11 families) %.3f ms/frame (%.2fx the unfiltered grid)", filteredFrame * 1000, filteredFrame / gridFrame))
    }

    /// Mean seconds of this thread's CPU time per call of `body` (CLOCK_THREAD_CPUTIME_ID).
    static func measureCPU(_ body: () -> Int) -> Double {
        func now() -> Double {
            var spec = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
            return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
        }
        var sink = 0
        for _ in 0..<warmup { sink &+= body() }
        let start = now()
        for _ in 0..<frames { sink &+= body() }
        let end = now()
        if sink == -1 { print("") }
        return (end - start) / Double(frames)
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
}

/// Counts the grid's cells on a rendered screen (their top-left corners below the outer border).
enum GridPanelViewCount {
    static func cells(_ lines: [String]) -> Int {
        lines.dropFirst(3).reduce(0) { $0 + $1.components(separatedBy: "│┌").count - 1 + $1.components(separatedBy: "┐┌").count - 1 }
    }
}
