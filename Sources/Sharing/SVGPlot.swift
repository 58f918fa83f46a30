import Foundation
import Monitor
import RunModel
import TrainingLog
import Widgets

/// One run to plot: a name for the legend and the title, and the `fit` as read.
public struct PlotRun: Sendable {
    /// The source as the user named it (`train.log`, `train.log (fit 2 of 2)`).
    public var name: String
    /// The run's epochs, messages and model.
    public var history: RunHistory

    public init(name: String, history: RunHistory) {
        self.name = name
        self.history = history
    }

    /// Per epoch that logged `key`: the epoch number and the value (NaN and inf kept).
    func points(of key: String) -> [(epoch: Int, value: Double)] {
        history.epochs.compactMap { record in record.metrics[key].map { (record.epoch, $0) } }
    }
}

/// `fitwatch plot`: the charts of one or more runs as a standalone SVG document, one chart
/// per metric family (train and validation, each run overlaid), with the screen's y scale
/// (`LineChart.YScale.fitted`: robust by default, clipped points marked on the edge and
/// counted in a note), TensorBoard's smoothing (`Smoothing.ema`) with the raw line faint, and
/// the run's moments (`RunMoment`) as marked vertical lines with a legend. Pure: a string.
///
/// Elements carry classes a script (and the tests) can select: `series` paths with
/// `data-run`, `data-metric` and `data-role` (`train`, `validation`; `raw` under smoothing),
/// `tick` texts, `clip-mark`, `nan-mark` and `event` marks with `data-kind`.
public struct SVGPlot: Sendable {
    /// How to draw.
    public struct Options: Sendable, Equatable {
        /// Width of the document, in pixels.
        public var width = 760
        /// Height of each chart, in pixels.
        public var chartHeight = 300
        /// TensorBoard's EMA weight, 0 ... 0.999 (0: no smoothing).
        public var smoothing = 0.0
        /// The robust y scale (false: every point in range).
        public var robust = true
        /// log10 y axis; values <= 0 are gaps with a mark, as on the screen.
        public var logScale = false

        public init(width: Int = 760, chartHeight: Int = 300, smoothing: Double = 0, robust: Bool = true, logScale: Bool = false) {
            self.width = width
            self.chartHeight = chartHeight
            self.smoothing = smoothing
            self.robust = robust
            self.logScale = logScale
        }
    }

    /// Tableau 10: tells ten runs apart, also for the common colour deficiencies.
    static let palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                          "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]
    static let eventColour = "#7a5195"
    static let markColour = "#d62728"

    public var runs: [PlotRun]
    public var options: Options

    public init(runs: [PlotRun], options: Options = Options()) {
        self.runs = runs
        self.options = options
    }

    /// The metric rows of every run together, as the metrics panel groups them (the loss
    /// first, then metrics, each output's, the learning rate).
    public var families: [MetricFamily] {
        var names: [String] = []
        var outputs: [String] = []
        for run in runs {
            for name in run.history.metricNames where !names.contains(name) { names.append(name) }
            for output in run.history.model?.outputs.map(\.name) ?? [] where !outputs.contains(output) { outputs.append(output) }
        }
        return MetricFamily.families(metricNames: names, outputs: outputs)
    }

    // MARK: layout

    static let titleHeight = 40.0
    static let legendRowHeight = 18.0
    static let marginLeft = 72.0
    static let marginRight = 24.0
    static let plotTop = 34.0
    static let plotBottomGap = 62.0

    /// The document for `families` (all of them by default).
    public func render(families chosen: [MetricFamily]? = nil) -> String {
        let families = chosen ?? self.families
        let width = Double(max(320, options.width))
        let chartHeight = Double(max(160, options.chartHeight))
        let rows = legendRows(width: width)
        let headerHeight = Self.titleHeight + Double(rows.count) * Self.legendRowHeight
        let height = headerHeight + chartHeight * Double(max(1, families.count)) + 8
        var svg = SVGText()
        svg.open("svg", ["xmlns": "http://www.w3.org/2000/svg", "width": Self.n(width), "height": Self.n(height),
                         "viewBox": "0 0 \(Self.n(width)) \(Self.n(height))", "font-family": "Helvetica, Arial, sans-serif",
                         "font-size": "12"])
        let title = runs.map(\.name).joined(separator: ", ")
        svg.element("title", text: "fitwatch: " + title)
        svg.element("rect", ["width": "100%", "height": "100%", "fill": "#ffffff"])
        svg.element("text", ["x": "12", "y": "22", "font-size": "15", "font-weight": "bold", "fill": "#222222", "class": "plot-title"],
                    text: Self.fit(title, width: width - 24, characterWidth: 8.5))
        legend(rows, into: &svg, y: Self.titleHeight + 4)
        if families.isEmpty {
            svg.element("text", ["x": "12", "y": Self.n(headerHeight + 24), "fill": "#666666"], text: "no metrics")
        }
        for (index, family) in families.enumerated() {
            chart(family, into: &svg, top: headerHeight + Double(index) * chartHeight, width: width, height: chartHeight)
        }
        svg.close("svg")
        return svg.text
    }

    /// One colour per run; with a single run, train and validation get a colour each.
    func style(run: Int, validation: Bool) -> (colour: String, dash: String?) {
        if runs.count == 1 { return (Self.palette[validation ? 1 : 0], nil) }
        return (Self.palette[run % Self.palette.count], validation ? "6 4" : nil)
    }

    /// A legend entry: a line sample and its label.
    private struct LegendKey {
        var label: String
        var colour: String
        var dash: String?
        var cls: String
        var width: Double { 27 + SVGPlot.textWidth(label) + 18 }
    }

    /// The run names in their colours, what line is train and what validation, and the
    /// smoothing; laid out in rows that fit `width`.
    private func legendRows(width: Double) -> [[(x: Double, key: LegendKey)]] {
        var keys: [LegendKey] = []
        if runs.count == 1 {
            keys.append(LegendKey(label: "train", colour: style(run: 0, validation: false).colour, cls: "legend"))
            keys.append(LegendKey(label: "validation", colour: style(run: 0, validation: true).colour, cls: "legend"))
        } else {
            for (index, run) in runs.enumerated() {
                keys.append(LegendKey(label: run.name, colour: style(run: index, validation: false).colour, cls: "legend run"))
            }
            keys.append(LegendKey(label: "train", colour: "#555555", cls: "legend"))
            keys.append(LegendKey(label: "validation", colour: "#555555", dash: "6 4", cls: "legend"))
        }
        if options.smoothing > 0 {
            keys.append(LegendKey(label: "smoothed (EMA \(formatMetric(options.smoothing, significantDigits: 3))), raw faint",
                                  colour: "#555555", cls: "legend"))
        }
        var rows: [[(x: Double, key: LegendKey)]] = [[]]
        var x = 12.0
        for key in keys {
            if x + key.width > width - 12, !(rows.last?.isEmpty ?? true) {
                rows.append([])
                x = 12
            }
            rows[rows.count - 1].append((x, key))
            x += key.width
        }
        return rows
    }

    private func legend(_ rows: [[(x: Double, key: LegendKey)]], into svg: inout SVGText, y top: Double) {
        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * Self.legendRowHeight
            for (x, key) in row {
                var line = ["x1": Self.n(x), "y1": Self.n(y - 4), "x2": Self.n(x + 22), "y2": Self.n(y - 4),
                            "stroke": key.colour, "stroke-width": "2.5"]
                if let dash = key.dash { line["stroke-dasharray"] = dash }
                svg.element("line", line)
                svg.element("text", ["x": Self.n(x + 27), "y": Self.n(y), "fill": "#333333", "class": key.cls], text: key.label)
            }
        }
    }

    // MARK: one chart

    /// A series as drawn: the values at their epochs, plotted (log10 on a log scale).
    private struct Line {
        var run: Int
        var key: String
        var validation: Bool
        var epochs: [Int]
        var raw: [Double]
        var smoothed: [Double]?
    }

    private func chart(_ family: MetricFamily, into svg: inout SVGText, top: Double, width: Double, height: Double) {
        let left = Self.marginLeft, right = width - Self.marginRight
        let plotTop = top + Self.plotTop, plotBottom = top + height - Self.plotBottomGap
        var lines: [Line] = []
        for (index, run) in runs.enumerated() {
            for (key, validation) in [(family.train, false), (family.validation, true)] {
                guard let key else { continue }
                let points = run.points(of: key)
                guard !points.isEmpty else { continue }
                let raw = points.map { options.logScale ? ($0.value > 0 ? log10($0.value) : .nan) : $0.value }
                let smoothed = options.smoothing > 0 ? Smoothing.ema(points.map(\.value), weight: options.smoothing)
                    .map { options.logScale ? ($0 > 0 ? log10($0) : .nan) : $0 } : nil
                lines.append(Line(run: index, key: key, validation: validation, epochs: points.map(\.epoch), raw: raw, smoothed: smoothed))
            }
        }
        // Every plotted point, raw and smoothed, train and validation together, as the screen scales.
        let layers = lines.flatMap { line in [ArraySlice(line.raw)] + (line.smoothed.map { [ArraySlice($0)] } ?? []) }
        let scale = LineChart.YScale.fitted(to: layers, robust: options.robust, includeZero: false, logScale: options.logScale)
        let allEpochs = lines.flatMap(\.epochs)
        var xLow = Double(allEpochs.min() ?? 1), xHigh = Double(allEpochs.max() ?? 1)
        if xHigh <= xLow { xLow -= 0.5; xHigh += 0.5 }
        let x = { (epoch: Double) in left + (epoch - xLow) / (xHigh - xLow) * (right - left) }
        let span = scale.high - scale.low
        let y = { (t: Double) in plotBottom - (min(max(t, scale.low), scale.high) - scale.low) / span * (plotBottom - plotTop) }

        svg.open("g", ["class": "chart", "data-metric": family.name])
        // Title and the note on the scale.
        var heading = family.name
        switch family.betterDirection {
        case .lower?: heading += " (lower is better)"
        case .higher?: heading += " (higher is better)"
        case nil: break
        }
        svg.element("text", ["x": Self.n(left), "y": Self.n(top + 20), "font-size": "14", "font-weight": "bold", "fill": "#222222",
                             "class": "chart-title"], text: heading)
        var notes: [String] = []
        if options.logScale { notes.append("log scale") }
        if scale.clippedAbove + scale.clippedBelow > 0 {
            var clipped = "clipped"
            if scale.clippedAbove > 0 { clipped += " ▲\(scale.clippedAbove)" }
            if scale.clippedBelow > 0 { clipped += " ▼\(scale.clippedBelow)" }
            notes.append(clipped + ": robust scale (5th-95th percentile); --full-range shows every point")
        }
        if !notes.isEmpty {
            svg.element("text", ["x": Self.n(right), "y": Self.n(top + 20), "text-anchor": "end", "fill": "#666666", "class": "scale-note"],
                        text: notes.joined(separator: " · "))
        }
        // Frame, grid and y ticks.
        svg.element("rect", ["x": Self.n(left), "y": Self.n(plotTop), "width": Self.n(right - left), "height": Self.n(plotBottom - plotTop),
                             "fill": "none", "stroke": "#cccccc"])
        if !scale.hasValues {
            // Nothing to draw a line through (a loss that was inf from its first epoch): the
            // x axis still says where the values and the events were.
            svg.element("text", ["x": Self.n((left + right) / 2), "y": Self.n((plotTop + plotBottom) / 2), "text-anchor": "middle",
                                 "fill": "#666666", "class": "no-values"], text: options.logScale ? "no value above 0" : "no finite value")
        }
        let yTicks = !scale.hasValues ? [] : options.logScale ? AxisTicks.logarithmic(low: scale.low, high: scale.high)
            : AxisTicks.linear(low: scale.low, high: scale.high)
        // Labels at least 14 px apart (linear ticks placed on a log axis crowd at its top).
        var lastLabelY = Double.infinity
        for tick in yTicks {
            let ty = y(tick.value)
            guard lastLabelY - ty >= 14 else { continue }
            lastLabelY = ty
            svg.element("line", ["x1": Self.n(left), "y1": Self.n(ty), "x2": Self.n(right), "y2": Self.n(ty), "stroke": "#eeeeee"])
            svg.element("text", ["x": Self.n(left - 6), "y": Self.n(ty + 4), "text-anchor": "end", "fill": "#444444", "class": "tick y"],
                        text: tick.label)
        }
        for tick in AxisTicks.integers(low: xLow, high: xHigh) where tick.value >= xLow && tick.value <= xHigh {
            let tx = x(tick.value)
            svg.element("line", ["x1": Self.n(tx), "y1": Self.n(plotBottom), "x2": Self.n(tx), "y2": Self.n(plotBottom + 5), "stroke": "#888888"])
            svg.element("text", ["x": Self.n(tx), "y": Self.n(plotBottom + 18), "text-anchor": "middle", "fill": "#444444", "class": "tick x"],
                        text: tick.label)
        }
        svg.element("text", ["x": Self.n((left + right) / 2), "y": Self.n(plotBottom + 34), "text-anchor": "middle", "fill": "#444444",
                             "class": "axis-label x"], text: "epoch")

        // Events first, under the lines; letters at one epoch stacked, kept inside the frame.
        let events = eventMarks(xLow: xLow, xHigh: xHigh)
        var stacked: [Int: Int] = [:]
        for event in events {
            let ex = x(Double(event.epoch))
            let level = stacked[event.epoch, default: 0]
            stacked[event.epoch] = level + 1
            let nearRight = ex > right - 14
            svg.open("g", ["class": "event", "data-kind": event.kind.rawValue, "data-epoch": String(event.epoch)])
            svg.element("title", text: event.tooltip)
            svg.element("line", ["x1": Self.n(ex), "y1": Self.n(plotTop), "x2": Self.n(ex), "y2": Self.n(plotBottom),
                                 "stroke": event.colour, "stroke-width": "1", "stroke-dasharray": "2 3"])
            svg.element("text", ["x": Self.n(nearRight ? ex - 3 : ex + 3), "y": Self.n(plotTop + 12 + Double(level) * 13),
                                 "text-anchor": nearRight ? "end" : "start", "fill": event.colour, "font-weight": "bold"],
                        text: String(event.letter))
            svg.close("g")
        }

        // Lines: under smoothing the raw one faint first, then the smoothed one.
        for line in lines {
            let (colour, dash) = style(run: line.run, validation: line.validation)
            let role = line.validation ? "validation" : "train"
            var attributes = ["fill": "none", "stroke": colour, "stroke-linejoin": "round",
                              "data-run": runs[line.run].name, "data-metric": line.key]
            if let dash { attributes["stroke-dasharray"] = dash }
            if let smoothed = line.smoothed {
                var faint = attributes
                faint["class"] = "series raw"
                faint["data-role"] = role + " raw"
                faint["stroke-width"] = "1"
                faint["stroke-opacity"] = "0.3"
                faint["d"] = path(epochs: line.epochs, values: line.raw, x: x, y: y)
                svg.element("path", faint)
                attributes["d"] = path(epochs: line.epochs, values: smoothed, x: x, y: y)
            } else {
                attributes["d"] = path(epochs: line.epochs, values: line.raw, x: x, y: y)
            }
            attributes["class"] = "series"
            attributes["data-role"] = role
            attributes["stroke-width"] = "2"
            svg.element("path", attributes)
        }

        // Points off the axis: a triangle on the edge they leave by; values that cannot be
        // plotted (NaN, inf, <= 0 on a log scale): a cross on the x axis. Once per place.
        var clipMarks = Set<String>(), nanMarks = Set<String>()
        for line in lines {
            for layer in [line.raw] + (line.smoothed.map { [$0] } ?? []) {
                for (epoch, t) in zip(line.epochs, layer) where !t.isFinite || t > scale.high || t < scale.low {
                    let px = Self.n(x(Double(epoch)))
                    if !t.isFinite {
                        guard nanMarks.insert(px).inserted else { continue }
                        let cx = x(Double(epoch))
                        svg.element("path", ["class": "nan-mark", "stroke": Self.markColour, "stroke-width": "2",
                                             "d": "M\(Self.n(cx - 4)) \(Self.n(plotBottom - 4))L\(Self.n(cx + 4)) \(Self.n(plotBottom + 4))"
                                                + "M\(Self.n(cx - 4)) \(Self.n(plotBottom + 4))L\(Self.n(cx + 4)) \(Self.n(plotBottom - 4))"])
                    } else if t > scale.high || t < scale.low {
                        let above = t > scale.high
                        guard clipMarks.insert(px + (above ? "a" : "b")).inserted else { continue }
                        let cx = x(Double(epoch))
                        let edge = above ? plotTop : plotBottom
                        let tip = above ? edge - 1 : edge + 1, base = above ? edge + 6 : edge - 6
                        svg.element("path", ["class": "clip-mark \(above ? "above" : "below")", "fill": Self.markColour,
                                             "d": "M\(Self.n(cx - 4)) \(Self.n(base))L\(Self.n(cx)) \(Self.n(tip))L\(Self.n(cx + 4)) \(Self.n(base))Z"])
                    }
                }
            }
        }

        // What the event letters mean: per run and kind, the epochs and the last one's text,
        // as the screen's events line says it.
        if !events.isEmpty {
            var groups: [(run: Int, kind: RunMoment.Kind, letter: Character, epochs: [Int], text: String)] = []
            for event in events {
                if let index = groups.firstIndex(where: { $0.run == event.run && $0.kind == event.kind }) {
                    if !groups[index].epochs.contains(event.epoch) { groups[index].epochs.append(event.epoch) }
                    groups[index].text = event.text
                } else {
                    groups.append((event.run, event.kind, event.letter, [event.epoch], event.text))
                }
            }
            let entries = groups.map { group in
                (runs.count > 1 ? "\(group.run + 1): " : "") + "\(group.letter) \(group.epochs.map(String.init).joined(separator: ",")): \(group.text)"
            }
            let full = entries.joined(separator: " · ")
            let legendText = Self.fit(full, width: right - left, characterWidth: 6.6)
            svg.open("text", ["x": Self.n(left), "y": Self.n(plotBottom + 52), "fill": Self.eventColour, "class": "event-legend"])
            if legendText != full { svg.element("title", text: full) }
            svg.content(legendText)
            svg.close("text")
        }
        svg.close("g")
    }

    /// An SVG path through the finite points, broken at the others. Points that share a
    /// pixel column keep only their first, lowest, highest and last value, in order (the
    /// screen's chart does the same per dot column): the same line, at most four points a
    /// pixel, so 100,000 epochs make a path a browser draws at once.
    private func path(epochs: [Int], values: [Double], x: (Double) -> Double, y: (Double) -> Double) -> String {
        var d = ""
        var pen = false
        var column = Int.min
        var kept: [(index: Int, t: Double)] = []
        func flush() {
            guard !kept.isEmpty else { return }
            var points = [kept[0]]
            if kept.count > 1 {
                let lowest = kept.min { $0.t < $1.t }!, highest = kept.max { $0.t < $1.t }!
                for point in [lowest, highest].sorted(by: { $0.index < $1.index }) + [kept[kept.count - 1]]
                    where point.index > points[points.count - 1].index {
                    points.append(point)
                }
            }
            for point in points {
                d += (pen ? "L" : "M") + Self.n(x(Double(epochs[point.index]))) + " " + Self.n(y(point.t))
                pen = true
            }
            kept = []
        }
        for (index, t) in values.enumerated() where index < epochs.count {
            let pixel = Int(x(Double(epochs[index])).rounded(.down))
            if pixel != column { flush(); column = pixel }
            guard t.isFinite else { flush(); pen = false; continue }
            kept.append((index, t))
        }
        flush()
        return d
    }

    /// A moment to mark on every chart.
    private struct EventMark {
        var run: Int
        var kind: RunMoment.Kind
        var text: String
        var letter: Character
        var epoch: Int
        var colour: String
        var tooltip: String
    }

    /// The runs' moments with an epoch in view (an `evaluate()` result has none).
    private func eventMarks(xLow: Double, xHigh: Double) -> [EventMark] {
        var marks: [EventMark] = []
        for (index, run) in runs.enumerated() {
            for moment in RunMoment.moments(in: run.history) {
                guard let epoch = moment.epoch, Double(epoch) >= xLow, Double(epoch) <= xHigh else { continue }
                let colour = runs.count == 1 ? Self.eventColour : style(run: index, validation: false).colour
                marks.append(EventMark(run: index, kind: moment.kind, text: moment.text, letter: moment.letter, epoch: epoch, colour: colour,
                                       tooltip: "\(run.name): epoch \(epoch): \(moment.text)"))
            }
        }
        return marks.sorted { ($0.epoch, $0.letter) < ($1.epoch, $1.letter) }
    }

    /// A coordinate with at most one decimal (`12`, `12.5`).
    static func n(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e12 else { return "0" }
        // Integer arithmetic: a path of 100,000 points formats 200,000 of these.
        let tenths = Int((value * 10).rounded())
        let whole = String(abs(tenths) / 10), fraction = abs(tenths) % 10
        let sign = tenths < 0 ? "-" : ""
        return fraction == 0 ? sign + whole : sign + whole + "." + String(fraction)
    }

    /// `text` cut with an ellipsis to about `width` pixels.
    static func fit(_ text: String, width: Double, characterWidth: Double) -> String {
        let most = max(4, Int(width / characterWidth))
        return text.count <= most ? text : String(text.prefix(most - 1)) + "…"
    }

    /// About how wide `text` is at 12 px (for laying out the legend).
    static func textWidth(_ text: String) -> Double { Double(text.count) * 6.6 }
}

/// An XML writer that escapes every attribute and text.
struct SVGText {
    private(set) var text = ""
    private var depth = 0

    mutating func open(_ name: String, _ attributes: [String: String] = [:]) {
        text += indent + "<\(name)\(Self.attributes(attributes))>\n"
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        text += indent + "</\(name)>\n"
    }

    /// Escaped text inside the open element, on its own line.
    mutating func content(_ body: String) {
        text += indent + Self.escape(body) + "\n"
    }

    mutating func element(_ name: String, _ attributes: [String: String] = [:], text body: String? = nil) {
        if let body {
            text += indent + "<\(name)\(Self.attributes(attributes))>\(Self.escape(body))</\(name)>\n"
        } else {
            text += indent + "<\(name)\(Self.attributes(attributes))/>\n"
        }
    }

    private var indent: String { String(repeating: " ", count: depth) }

    /// Sorted by name, so the output is the same on every run.
    private static func attributes(_ attributes: [String: String]) -> String {
        attributes.sorted { $0.key < $1.key }.map { " \($0.key)=\"\(escape($0.value))\"" }.joined()
    }

    /// `&`, `<`, `>`, `"` and `'` as entities; control characters XML forbids dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                let v = scalar.value
                if v < 0x20, v != 0x09, v != 0x0a, v != 0x0d { continue }
                if v == 0xfffe || v == 0xffff { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
