import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import Monitor
import RunModel
import TestSupport
import TrainingLog
import Widgets
@testable import Sharing

/// `fitwatch plot`'s SVG, parsed as XML the way a browser or a paper's toolchain reads it:
/// what a reader of the picture would miss if it broke (a series, an axis, a marker).
@Suite struct SVGPlotTests {
    /// The `fit` calls of a committed Keras log, as `plot` reads them.
    static func runs(_ fixture: String, name: String? = nil) throws -> [PlotRun] {
        let events = try LogLoader.events(at: Fixtures.url("keras-logs/\(fixture)").path, format: nil)
        let checked = CheckedRun.runs(events: events, model: nil).filter { !$0.history.epochs.isEmpty }
        return checked.enumerated().map { index, run in
            PlotRun(name: (name ?? fixture) + (checked.count > 1 ? " (fit \(index + 1))" : ""), history: run.history)
        }
    }

    /// The document parsed; a malformed one fails here.
    static func parse(_ svg: String) throws -> XMLDocument {
        try XMLDocument(data: Data(svg.utf8), options: [])
    }

    /// Elements named `name` whose class is exactly `cls`, anywhere under `node`, in document order.
    static func elements(_ name: String, cls: String? = nil, in node: XMLNode) throws -> [XMLElement] {
        var found: [XMLElement] = []
        func walk(_ node: XMLNode) {
            for child in node.children ?? [] {
                guard let element = child as? XMLElement else { continue }
                if (element.localName ?? element.name) == name, cls == nil || attribute(element, "class") == cls { found.append(element) }
                walk(element)
            }
        }
        walk(node)
        return found
    }

    static func chart(_ metric: String, in document: XMLDocument) throws -> XMLElement {
        let charts = try elements("g", cls: "chart", in: document)
        return try #require(charts.first { attribute($0, "data-metric") == metric })
    }

    /// An attribute's value. (Looked up in `attributes`: on Linux, FoundationXML's
    /// `attribute(forName:)` finds nothing in an element under a default namespace.)
    static func attribute(_ element: XMLElement, _ name: String) -> String? {
        element.attributes?.first { $0.name == name }?.stringValue
    }

    @Test func kerasCallbacksLogHasOneChartPerFamilyAPathPerSeriesAndItsEvents() throws {
        let runs = try Self.runs("k3_callbacks.pipe.log")
        #expect(runs.count == 2, "the log holds two fit calls")
        let plot = SVGPlot(runs: runs)
        let document = try Self.parse(plot.render())
        #expect(document.rootElement()?.name == "svg")
        // One chart per metric family: loss, accuracy, learning_rate.
        let charts = try Self.elements("g", cls: "chart", in: document).compactMap { Self.attribute($0, "data-metric") }
        #expect(charts == plot.families.map(\.name))
        #expect(charts == ["loss", "accuracy", "learning_rate"])

        let loss = try Self.chart("loss", in: document)
        let series = try Self.elements("path", cls: "series", in: loss)
        // Both fits logged loss and val_loss: one path each, train and validation.
        let drawn = Set(series.map { "\(Self.attribute($0, "data-run") ?? "")|\(Self.attribute($0, "data-metric") ?? "")" })
        #expect(drawn == ["k3_callbacks.pipe.log (fit 1)|loss", "k3_callbacks.pipe.log (fit 1)|val_loss",
                          "k3_callbacks.pipe.log (fit 2)|loss", "k3_callbacks.pipe.log (fit 2)|val_loss"])
        #expect(series.count == 4)
        #expect(series.filter { Self.attribute($0, "data-role") == "validation" }.allSatisfy { Self.attribute($0, "stroke-dasharray") != nil },
                "with several runs validation is dashed")
        // Six epochs in the first fit: its train path has six points (one M, five L).
        let first = try #require(series.first { Self.attribute($0, "data-run") == "k3_callbacks.pipe.log (fit 1)" && Self.attribute($0, "data-metric") == "loss" })
        let d = Self.attribute(first, "d") ?? ""
        #expect(d.filter { $0 == "M" }.count == 1)
        #expect(d.filter { $0 == "L" }.count == 5)

        // Axes: the x ticks are the epochs 1 to 6, the axis says "epoch", y ticks are round numbers inside the data.
        let xTicks = try Self.elements("text", cls: "tick x", in: loss).map { $0.stringValue ?? "" }
        #expect(xTicks == ["1", "2", "3", "4", "5", "6"])
        #expect(try Self.elements("text", cls: "axis-label x", in: loss).first?.stringValue == "epoch")
        let yTicks = try Self.elements("text", cls: "tick y", in: loss).compactMap { Double($0.stringValue ?? "") }
        #expect(yTicks.count >= 3)
        let losses = runs.flatMap { $0.history.values(of: "loss") + $0.history.values(of: "val_loss") }
        #expect(yTicks.allSatisfy { $0 >= losses.min()! - 0.01 && $0 <= losses.max()! + 0.01 })

        // Events the log printed: checkpoints at 1-3, lr changes at 4-6, the early stop at 6, the best epoch 3 restored.
        let events = try Self.elements("g", cls: "event", in: loss).map { "\(Self.attribute($0, "data-kind") ?? "")@\(Self.attribute($0, "data-epoch") ?? "")" }
        #expect(Set(events) == ["checkpoint@1", "checkpoint@2", "checkpoint@3", "best restored@3", "lr@4", "lr@5", "lr@6", "early stop@6"])
        let legend = try #require(try Self.elements("text", cls: "event-legend", in: loss).first?.stringValue)
        #expect(legend.contains("E 6: early stop"))
        #expect(legend.contains("R 3: best weights restored"))
        #expect(legend.contains("lr 0.00125"), "the lr ReduceLROnPlateau printed, without float32 noise")
    }

    @Test func theRobustScaleClipsTheFirstHugeLossesAndSaysSo() throws {
        let runs = try Self.runs("k3_s1_seed_regression_accuracy.pipe.log")
        let robust = try Self.parse(SVGPlot(runs: runs).render())
        let loss = try Self.chart("loss", in: robust)
        let note = try #require(try Self.elements("text", cls: "scale-note", in: loss).first?.stringValue)
        #expect(note.contains("clipped ▲"))
        let marks = try Self.elements("path", cls: "clip-mark above", in: loss)
        #expect(!marks.isEmpty)
        // The note counts what the screen's chart counts: the same scale rule.
        let values = runs[0].history.values(of: "loss") + runs[0].history.values(of: "val_loss")
        let scale = Widgets.LineChart.YScale.fitted(to: [ArraySlice(runs[0].history.values(of: "loss")), ArraySlice(runs[0].history.values(of: "val_loss"))],
                                                    robust: true, includeZero: false, logScale: false)
        #expect(note.contains("▲\(scale.clippedAbove)"))
        #expect(scale.high < values.max()!)

        let full = try Self.parse(SVGPlot(runs: runs, options: .init(robust: false)).render())
        let fullLoss = try Self.chart("loss", in: full)
        #expect(try Self.elements("text", cls: "scale-note", in: fullLoss).isEmpty)
        #expect(try Self.elements("path", cls: "clip-mark above", in: fullLoss).isEmpty)
    }

    @Test func smoothingKeepsTheRawLineFaintUnderTheSmoothedOne() throws {
        let runs = try Self.runs("k3_s1_seed_regression_accuracy.pipe.log")
        let document = try Self.parse(SVGPlot(runs: runs, options: .init(smoothing: 0.6)).render())
        let loss = try Self.chart("loss", in: document)
        let smoothed = try Self.elements("path", cls: "series", in: loss)
        let raw = try Self.elements("path", cls: "series raw", in: loss)
        #expect(smoothed.count == 2)
        #expect(raw.count == 2)
        #expect(raw.allSatisfy { Self.attribute($0, "stroke-opacity") == "0.3" })
        #expect(Self.attribute(raw[0], "d") != Self.attribute(smoothed[0], "d"))
        let legend = try Self.elements("text", cls: "legend", in: document).compactMap(\.stringValue)
        #expect(legend.contains { $0.contains("EMA 0.6") })
    }

    @Test func severalSourcesAreOverlaidWithALegendNamingEach() throws {
        let runs = try Self.runs("k3tf_acc_regression.pipe.log") + Self.runs("k3torch_acc_regression.pipe.log")
        let document = try Self.parse(SVGPlot(runs: runs).render())
        let names = try Self.elements("text", cls: "legend run", in: document).compactMap(\.stringValue)
        #expect(names == ["k3tf_acc_regression.pipe.log", "k3torch_acc_regression.pipe.log"])
        let loss = try Self.chart("loss", in: document)
        let colours = Set(try Self.elements("path", cls: "series", in: loss).compactMap { Self.attribute($0, "stroke") })
        #expect(colours.count == 2, "a colour per source")
        #expect(document.rootElement()?.elements(forName: "title").first?.stringValue?.contains("k3torch_acc_regression.pipe.log") == true)
    }

    @Test func aNaNLossIsAGapWithAMarkNotAZero() throws {
        let runs = try Self.runs("k3_nan.pipe.log")
        let document = try Self.parse(SVGPlot(runs: runs).render())
        let loss = try Self.chart("loss", in: document)
        #expect(!(try Self.elements("path", cls: "nan-mark", in: loss)).isEmpty)
        let events = try Self.elements("g", cls: "event", in: loss).compactMap { Self.attribute($0, "data-kind") }
        #expect(events.contains("NaN stop"))
    }

    @Test func namesWithMarkupStayText() throws {
        let runs = try Self.runs("k3tf_acc_regression.pipe.log", name: "a<b>&\"c\".log")
        let svg = SVGPlot(runs: runs).render()
        let document = try Self.parse(svg)
        #expect(try Self.elements("text", cls: "plot-title", in: document).first?.stringValue == "a<b>&\"c\".log")
    }
}
