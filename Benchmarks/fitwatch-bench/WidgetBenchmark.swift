import Foundation
import KerasModel
import Monitor
import TerminalCore
import TrainingLog
import Widgets

/// `fitwatch-bench widgets`: render time of the costly widgets at the sizes the monitor
/// gives them on a 300x100 screen, against a baseline measured in the same run: filling the
/// same area cell by cell (the floor of any widget).
enum WidgetBenchmark {
    /// Repetitions per measurement: enough for a stable mean at ~0.1-1 ms each.
    static let repetitions = 200

    static func run() {
        print("widgets: mean render time over \(repetitions) renders (after 10 warm-up renders)")
        let theme = Theme.dark
        // 30,000 points: a 300-epoch run's per-batch series at 100 steps per epoch.
        let count = 30_000
        var generator = SystemRandomNumberGenerator()
        let train = (1...count).map { 1 / Double($0).squareRoot() + Double.random(in: -0.02...0.02, using: &generator) }
        let val = train.map { $0 * 1.1 }
        let chartArea = Rect(x: 0, y: 0, width: 200, height: 60)
        let sparkArea = Rect(x: 0, y: 0, width: 40, height: 1)
        let graphArea = Rect(x: 0, y: 0, width: 300, height: 100)

        let cell = Cell("x", style: theme[.text])
        let fill = measure(area: chartArea) { buffer, area in
            for y in area.y..<area.maxY { for x in area.x..<area.maxX { buffer[x, y] = cell } }
        }
        report("fill 200x60 cell by cell (baseline)", fill, baseline: fill)
        let series = [LineChart.Series(name: "loss", values: train, style: theme[.trainLine]),
                      LineChart.Series(name: "val_loss", values: val, style: theme[.valLine])]
        let chart = measure(area: chartArea) { buffer, area in
            LineChart(series: series, theme: theme, glyphs: .unicode).render(into: &buffer, area: area)
        }
        report("chart 200x60, 2 x 30,000 points", chart, baseline: fill)
        let smoothed = measure(area: chartArea) { buffer, area in
            LineChart(series: series, theme: theme, glyphs: .unicode, logScale: true, smoothing: 0.9).render(into: &buffer, area: area)
        }
        report("chart 200x60, 2 x 30,000 points, log, EMA 0.9", smoothed, baseline: fill)
        let spark = measure(area: sparkArea) { buffer, area in
            Sparkline(values: train, glyphs: .unicode, style: theme[.spark]).render(into: &buffer, area: area)
        }
        report("sparkline 40 columns of 30,000 points", spark, baseline: fill)
        let model = chainOfBlocks(blocks: 40)
        // One epoch whose total is the weighted sum (out2 weighs 0.5).
        var history = RunHistory()
        history.apply(.epochEnded(EpochRecord(epoch: 1, metrics: ["loss": 0.2, "out1_loss": 0.1, "out2_loss": 0.2])))
        let breakdown = LossBreakdown(history: history, model: model)
        let graph = measure(area: graphArea) { buffer, area in
            let diagram = ModelDiagram.graph(model: model, breakdown: breakdown, selectedOutput: nil, glyphs: .unicode)
            GraphDiagram(graph: diagram, theme: theme, glyphs: .unicode, mode: .diagram).render(into: &buffer, area: area)
        }
        report("graph diagram, \(model.layers.count) layers, 300x100", graph, baseline: fill)
    }

    /// A deep model with two heads: blocks of Dense -> Dropout with a skip edge each.
    static func chainOfBlocks(blocks: Int) -> ModelGraph {
        var layers = [Layer(name: "input", className: "InputLayer", outputShape: [32])]
        var previous = "input"
        for block in 0..<blocks {
            let dense = "dense_\(block)", dropout = "dropout_\(block)", add = "add_\(block)"
            layers.append(Layer(name: dense, className: "Dense", outputShape: [32], activation: "relu", inbound: [previous]))
            layers.append(Layer(name: dropout, className: "Dropout", outputShape: [32], rate: 0.1, inbound: [dense]))
            layers.append(Layer(name: add, className: "Add", outputShape: [32], inbound: [previous, dropout]))
            previous = add
        }
        layers.append(Layer(name: "out1", className: "Dense", outputShape: [1], inbound: [previous]))
        layers.append(Layer(name: "out2", className: "Dense", outputShape: [1], activation: "sigmoid", inbound: [previous]))
        return ModelGraph(name: "deep", layers: layers, inputs: ["input"],
                          outputs: [OutputSpec(name: "out1", loss: LossSpec(kind: .meanSquaredError)),
                                    OutputSpec(name: "out2", loss: LossSpec(kind: .binaryCrossentropy), lossWeight: 0.5)],
                          provenance: .modelFile)
    }

    /// Mean seconds per render into a fresh-looking buffer of `area`'s size.
    static func measure(area: Rect, _ body: (inout Buffer, Rect) -> Void) -> Double {
        var buffer = Buffer(size: Size(width: area.width, height: area.height))
        for _ in 0..<10 { body(&buffer, area) }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repetitions { body(&buffer, area) }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(repetitions)
    }

    static func report(_ name: String, _ seconds: Double, baseline: Double) {
        let name = name.padding(toLength: 48, withPad: " ", startingAt: 0)
        print("  \(name) \(String(format: "%8.3f", seconds * 1000)) ms  (\(String(format: "%.1f", seconds / baseline))x baseline)")
    }
}
