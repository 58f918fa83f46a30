import Foundation
import Monitor
import RunModel
import Sharing
import TerminalCore
import TrainingLog
import Widgets

/// `fitwatch-bench plot`: `fitwatch plot`'s SVG and `check --format markdown` for two runs of
/// 10,000 epochs with 10 metric families (train and validation), against a baseline measured
/// in the same run: the screen drawing the same charts (one 200x60 `LineChart` per family
/// with both runs' series).
enum PlotBenchmark {
    static let repetitions = 10

    static func run() {
        let epochs = 10_000, families = 10
        print("plot: mean time over \(repetitions) renders (after 2 warm-up renders), 2 runs x \(families) families x \(epochs) epochs")
        var generator = SystemRandomNumberGenerator()
        let runs = (1...2).map { run in
            var history = RunHistory()
            for epoch in 1...epochs {
                var metrics: MetricValues = [:]
                for family in 0..<families {
                    let value = Double(family + run) / Double(epoch).squareRoot() + Double.random(in: 0...0.02, using: &generator)
                    metrics["m\(family)"] = value
                    metrics["val_m\(family)"] = value * 1.1
                }
                history.apply(.epochEnded(EpochRecord(epoch: epoch, metrics: metrics)))
            }
            return PlotRun(name: "run\(run).log", history: history)
        }
        let theme = Theme.dark
        let area = Rect(x: 0, y: 0, width: 200, height: 60)
        var buffer = Buffer(size: Size(width: 200, height: 60))
        let series = (0..<families).map { family in
            runs.flatMap { run in
                ["m\(family)", "val_m\(family)"].map { LineChart.Series(name: $0, values: run.history.values(of: $0), style: theme[.trainLine]) }
            }
        }
        let screen = measure {
            for lines in series {
                var chart = LineChart(series: lines, theme: theme, glyphs: .unicode)
                chart.robust = true
                chart.render(into: &buffer, area: area)
            }
            return 1
        }
        report("screen: \(families) charts 200x60 (baseline)", screen, baseline: screen)
        var bytes = 0
        let svg = measure {
            let text = SVGPlot(runs: runs).render()
            bytes = text.utf8.count
            return bytes
        }
        report("SVG, robust scale (\(bytes / 1024) KB)", svg, baseline: screen)
        let smoothed = measure { SVGPlot(runs: runs, options: .init(smoothing: 0.6)).render().utf8.count }
        report("SVG, robust scale, EMA 0.6", smoothed, baseline: screen)
        let checked = runs.map { CheckedRun(history: $0.history, logLines: [], findings: []) }
        let markdown = measure { MarkdownReport.document([("run.log", checked)]).utf8.count }
        report("check --format markdown (tables and sparklines)", markdown, baseline: screen)
    }

    /// Mean seconds per call of `body` (its result is kept so nothing is optimised away).
    static func measure(_ body: () -> Int) -> Double {
        var sink = 0
        for _ in 0..<2 { sink &+= body() }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repetitions { sink &+= body() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(repetitions)
        if sink == Int.min { print(sink) }
        return seconds
    }

    static func report(_ name: String, _ seconds: Double, baseline: Double) {
        let name = name.padding(toLength: 52, withPad: " ", startingAt: 0)
        print("  \(name) \(String(format: "%9.2f", seconds * 1000)) ms  (\(String(format: "%.1f", seconds / baseline))x baseline)")
    }
}
