import Foundation
import TerminalCore

/// A line chart of one or more series (training and validation) in braille dots (2x4 per
/// cell), with a labelled y axis (max, mid, min) and x axis (first, middle, last epoch or
/// step). Options: log scale, TensorBoard's debiased EMA smoothing with the raw line kept
/// visible, zoom to the last N points. NaN, infinities and (on a log scale) values <= 0 are
/// gaps in the line with a marker on the x axis, never zero. Dense series keep every
/// column's minimum, maximum and last value, so spikes and the final point always show.
/// With ASCII glyphs each cell is one point drawn as `plotPoint`.
///
/// Layout in `area` (`W` = y label width, at most 7 columns):
/// ```
///  0.5123┤    ⡠⠊⠉⠢⡀          <- top row: the maximum
///        │  ⡠⠊      ⠈⠢⣀      
///  0.3061┤⠔⠁            ⠉⠒⠤  <- middle row
///  0.1000┤                    <- bottom plot row: the minimum
///        └┬─────────×─────┬   <- x axis; × marks a NaN column
///         1         epoch 50
/// ```
public struct LineChart: Widget, Sendable {
    /// One line of the chart.
    public struct Series: Sendable, Equatable {
        /// The metric name (`loss`, `val_loss`).
        public var name: String
        /// Values by x index, oldest first; all series share the x axis.
        public var values: [Double]
        /// The line's style (the theme's `train_line` or `val_line`).
        public var style: Style
        /// The unsmoothed line's style under smoothing; `style` dimmed when nil.
        public var rawStyle: Style?

        /// A series named `name`.
        public init(name: String, values: [Double], style: Style, rawStyle: Style? = nil) {
            self.name = name
            self.values = values
            self.style = style
            self.rawStyle = rawStyle
        }
    }

    /// The lines, drawn in order (later ones on top where they share a cell).
    public var series: [Series]
    /// Glyphs: `braille` or `plotPoint`, axis lines, ticks and `nanMarker`.
    public var glyphs: Glyphs
    /// Axis lines and labels.
    public var axisStyle: Style
    /// NaN and unplottable markers.
    public var markerStyle: Style
    /// The x value of index 0 (1 for Keras's 1-based epochs, 0 or the first step for batches).
    public var firstX: Int
    /// What x counts (`epoch`, `step`), shown before the last x label when it fits.
    public var xLabel: String
    /// Plot log10 of the values; values <= 0 become marked gaps.
    public var logScale: Bool
    /// EMA smoothing weight 0...0.999 (0: off), TensorBoard's formula (`Smoothing.ema`).
    public var smoothing: Double
    /// Show only the last N x positions (nil: all).
    public var lastN: Int?
    /// Events drawn as letters on the x axis at their value index (0-based, like `values`):
    /// early stopping, a restored best epoch, a learning-rate change. NaN markers win a shared column.
    public var marks: [(index: Int, letter: Character)] = []
    /// The style of `marks`.
    public var markStyle: Style?
    /// Fit the y axis to the bulk of the visible points, TensorBoard's rule: the extent of the
    /// values between the 5th and 95th percentile of every plotted point (train and validation,
    /// raw and smoothed together), padded by 5% of that extent each side. Clipped points are drawn on the edge they leave by (`▲` on the
    /// top row, `▼` on the bottom) and the axis's end tick becomes that arrow. Unlike
    /// TensorBoard, nothing is clipped unless the full range is more than twice the robust one
    /// (the outliers would squeeze the bulk into less than half the height), and a side whose
    /// extreme lies within a quarter of the robust height beyond it keeps that extreme.
    public var robust = false
    /// Stretch the y axis to include 0 (linear scale only).
    public var includeZero = false
    /// The x value of each index, when it is not `firstX + index` (the per-batch chart's real
    /// steps, epoch × steps + step); the axis labels read these.
    public var xValues: [Int]?
    /// How `xTimes` read on the x axis.
    public enum TimeFormat: Sendable, Equatable {
        /// Seconds since the run's start: `42s`, `1:05`, `2h10m`.
        case elapsed
        /// Seconds since 1970 as the time of day `utcOffset` seconds east of UTC: `14:32`
        /// (`14:32:05` with `seconds`).
        case timeOfDay(utcOffset: Int, seconds: Bool)
    }
    /// The time of each index, when the x axis is a time axis (relative or wall time): the
    /// labels read these, and each point stands at its time, so a pause or a slow epoch shows
    /// as a longer stretch of line (times that go back are held at the latest before them).
    /// Wins over `xValues`.
    public var xTimes: [Double]?
    /// How `xTimes` are written.
    public var xTimeFormat = TimeFormat.elapsed
    /// A value cursor at this value index (0-based, like `values`): a vertical line through
    /// the plot in `cursorStyle` where no dot is drawn, and `teeUp` on the x axis.
    public var cursor: Int?
    /// The style of `cursor` (`axisStyle` when nil).
    public var cursorStyle: Style?
    /// The y axis to draw, when the caller already asked `yScale()` for it (a panel that
    /// titles the chart with its clipped count): the render does not compute it again.
    public var scale: YScale?

    /// A chart of `series`.
    public init(series: [Series], glyphs: Glyphs, axisStyle: Style, markerStyle: Style, firstX: Int = 1,
                xLabel: String = "epoch", logScale: Bool = false, smoothing: Double = 0, lastN: Int? = nil) {
        self.series = series
        self.glyphs = glyphs
        self.axisStyle = axisStyle
        self.markerStyle = markerStyle
        self.firstX = firstX
        self.xLabel = xLabel
        self.logScale = logScale
        self.smoothing = smoothing
        self.lastN = lastN
    }

    /// A chart styled by `theme`: `axis` and `nan_marker` (series carry their own styles).
    public init(series: [Series], theme: Theme, glyphs: Glyphs, firstX: Int = 1, xLabel: String = "epoch",
                logScale: Bool = false, smoothing: Double = 0, lastN: Int? = nil) {
        self.init(series: series, glyphs: glyphs, axisStyle: theme[.axis], markerStyle: theme[.nanMarker], firstX: firstX,
                  xLabel: xLabel, logScale: logScale, smoothing: smoothing, lastN: lastN)
    }

    /// The series names in their own styles (`─ loss  ─ val_loss`), then the options in force
    /// (`(ema 0.6, log, last 20)`), for a panel title or a line under the chart.
    public var legend: [Span] {
        var spans: [Span] = []
        for line in series {
            if !spans.isEmpty { spans.append(Span("  ")) }
            spans.append(Span("\(glyphs.horizontal) \(line.name)", style: line.style))
        }
        var modes: [String] = []
        if smoothing > 0 { modes.append("ema \(formatMetric(smoothing, significantDigits: 3))") }
        if logScale { modes.append("log") }
        if let lastN { modes.append("last \(lastN)") }
        let scale = yScale()
        if scale.clippedAbove + scale.clippedBelow > 0 { modes.append("clipped") }
        if !modes.isEmpty { spans.append(Span("  (" + modes.joined(separator: ", ") + ")", style: axisStyle)) }
        return spans
    }

    /// The y axis a render draws, in plotted units (log10 on a log scale), and how many points
    /// fall outside it (robust scale only).
    public struct YScale: Sendable, Equatable {
        /// The value at the bottom row.
        public var low: Double
        /// The value at the top row.
        public var high: Double
        /// Points above `high`, drawn on the top edge.
        public var clippedAbove: Int
        /// Points below `low`, drawn on the bottom edge.
        public var clippedBelow: Int
        /// False when nothing in view can be plotted (the axis is a placeholder 0...1).
        public var hasValues: Bool
    }

    /// How many x positions the longest series has.
    public var pointCount: Int { series.map(\.values.count).max() ?? 0 }

    /// The y axis for the visible window, as `render` draws it.
    public func yScale() -> YScale {
        if let scale { return scale }
        let count = series.map(\.values.count).max() ?? 0
        let start = lastN.map { max(0, count - max(1, $0)) } ?? 0
        return yScale(of: layers(start: start))
    }

    /// Raw lines under the smoothed ones, in series order, from `start` on.
    private func layers(start: Int) -> [Layer] {
        var layers: [Layer] = []
        let smoothed = smoothing > 0
        if smoothed {
            for line in series {
                var raw = line.rawStyle ?? line.style
                if line.rawStyle == nil { raw.attributes.insert(.dim) }
                layers.append(Layer(points: plotted(line.values.dropFirst(start)), style: raw))
            }
        }
        for line in series {
            let values = smoothed ? Smoothing.ema(line.values, weight: smoothing) : line.values
            layers.append(Layer(points: plotted(values.dropFirst(start)), style: line.style))
        }
        return layers
    }

    /// The y range over every plottable value of `layers` (see `robust` and `includeZero`).
    private func yScale(of layers: [Layer]) -> YScale {
        if let scale { return scale }
        return YScale.fitted(to: layers.map(\.points), robust: robust, includeZero: includeZero, logScale: logScale)
    }

    /// Rearrange `values[range]` so that `values[k]` holds what sorting would put there, with
    /// nothing larger before it and nothing smaller after it (quickselect, Hoare partition
    /// around a median of three). The values are finite.
    static func select(_ values: inout [Double], _ k: Int, in range: Range<Int>) {
        var low = range.lowerBound, high = range.upperBound - 1
        while high > low {
            let (a, b, c) = (values[low], values[low + (high - low) / 2], values[high])
            let pivot = max(min(a, b), min(max(a, b), c))
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // [low, j] <= pivot <= [i, high]; between them, values equal to the pivot.
            if k <= j { high = j } else if k >= i { low = i } else { return }
        }
    }

    /// Widest y label: 7 columns hold `%.4g` of typical losses (`0.04631`, `1.235e4`).
    static let maxLabelWidth = 7

    /// A line to draw: the visible window's values as plotted (log10 on a log scale), NaN
    /// (or infinite) where the chart cannot place a value.
    private struct Layer {
        var points: ArraySlice<Double>
        var style: Style
    }

    /// Draw axes, labels and lines into `area`. Below 3 rows or 4 columns of plot there is
    /// no room for axes; the first series is drawn as a sparkline instead.
    public func render(into buffer: inout Buffer, area: Rect) {
        draw(into: &buffer, area: area)
    }

    /// `render`, returning the y axis it drew (nil for an empty area): a caller that titles
    /// the chart with its clipped count asks here rather than computing the scale twice.
    @discardableResult
    public func draw(into buffer: inout Buffer, area: Rect) -> YScale? {
        guard !area.isEmpty else { return nil }
        let count = series.map(\.values.count).max() ?? 0
        let start = lastN.map { max(0, count - max(1, $0)) } ?? 0
        let visible = count - start

        let layers = self.layers(start: start)
        let scale = yScale(of: layers)
        let hasValues = scale.hasValues
        let (low, high) = (scale.low, scale.high)

        let plotHeight = area.height - 2
        let (tickRows, tickLabels) = ticks(plotHeight: plotHeight, scale: scale)
        let labelWidth = hasValues ? min(LineChart.maxLabelWidth, tickLabels.map(\.count).max() ?? 1) : 0
        let plotWidth = area.width - labelWidth - 1
        guard plotHeight >= 1, plotWidth >= 4 else {
            if let first = series.first {
                Sparkline(values: Array(first.values.dropFirst(start)), glyphs: glyphs, style: first.style,
                          markerStyle: markerStyle).render(into: &buffer, area: area)
            }
            return scale
        }
        let axisX = area.x + labelWidth
        let plotX = axisX + 1
        let axisY = area.y + plotHeight

        var tracer = Tracer(canvas: DotCanvas(columns: plotWidth, rows: plotHeight, braille: glyphs.braille),
                            visible: visible, low: low, high: high, positions: positions(start: start, count: count))
        for (index, layer) in layers.enumerated() { tracer.trace(layer.points, layer: index) }
        let traced = tracer
        let canvas = traced.canvas
        let markedColumns = traced.markedColumns
        let pixelX = { (index: Int) in traced.pixelX(index) }

        // Lines.
        for row in 0..<plotHeight {
            for column in 0..<plotWidth {
                guard let character = canvas.character(column: column, row: row, point: glyphs.plotPoint) else { continue }
                let owner = canvas.layer(column: column, row: row)
                buffer[plotX + column, area.y + row] = Cell(character, style: layers[owner].style)
            }
        }

        // Y axis: tick marks with labels right-aligned beside them.
        for row in 0..<plotHeight {
            buffer[axisX, area.y + row] = Cell(hasValues && tickRows.contains(row) ? glyphs.teeLeft : glyphs.vertical, style: axisStyle)
        }
        // Clipped points: an arrow on the edge they leave by, in their column, and on the axis.
        for column in traced.clippedAbove where column >= 0 && column < plotWidth {
            buffer[plotX + column, area.y] = Cell(glyphs.arrowUp, style: markerStyle)
        }
        for column in traced.clippedBelow where column >= 0 && column < plotWidth {
            buffer[plotX + column, area.y + plotHeight - 1] = Cell(glyphs.arrowDown, style: markerStyle)
        }
        if !traced.clippedAbove.isEmpty { buffer[axisX, area.y] = Cell(glyphs.arrowUp, style: markerStyle) }
        if !traced.clippedBelow.isEmpty { buffer[axisX, area.y + plotHeight - 1] = Cell(glyphs.arrowDown, style: markerStyle) }
        for (row, label) in zip(tickRows, tickLabels) where hasValues {
            let text = Span.fit(label, width: labelWidth, alignment: .right, ellipsis: glyphs.ellipsis)
            buffer.write(text, x: area.x, y: area.y + row, style: axisStyle, clip: area)
        }

        // X axis with ticks at the first, middle and last visible positions.
        buffer[axisX, axisY] = Cell(glyphs.bottomLeft, style: axisStyle)
        for column in 0..<plotWidth {
            buffer[plotX + column, axisY] = Cell(glyphs.horizontal, style: axisStyle)
        }
        guard visible > 0, hasValues else {
            buffer.write(Span.fit("no data", width: plotWidth, alignment: .center), x: plotX, y: area.y + (plotHeight - 1) / 2,
                         style: axisStyle, clip: area)
            return scale
        }
        let tickIndices = visible >= 3 ? [0, (visible - 1) / 2, visible - 1] : Array(0..<visible)
        for index in tickIndices {
            buffer[plotX + pixelX(index) / canvas.dotsPerColumn, axisY] = Cell(glyphs.teeDown, style: axisStyle)
        }
        for mark in marks {
            let index = mark.index - start
            guard index >= 0, index < visible else { continue }
            buffer[plotX + pixelX(index) / canvas.dotsPerColumn, axisY] = Cell(mark.letter, style: markStyle ?? axisStyle)
        }
        if let cursor, cursor - start >= 0, cursor - start < visible {
            let column = plotX + pixelX(cursor - start) / canvas.dotsPerColumn
            for row in 0..<plotHeight where canvas.character(column: column - plotX, row: row, point: glyphs.plotPoint) == nil {
                buffer[column, area.y + row] = Cell(glyphs.vertical, style: cursorStyle ?? axisStyle)
            }
            buffer[column, axisY] = Cell(glyphs.teeUp, style: cursorStyle ?? axisStyle)
        }
        for column in markedColumns where column >= 0 && column < plotWidth {
            buffer[plotX + column, axisY] = Cell(glyphs.nanMarker, style: markerStyle)
        }
        drawXLabels(into: &buffer, indices: tickIndices, start: start, plotX: plotX, y: axisY + 1,
                    column: { pixelX($0) / canvas.dotsPerColumn }, area: area)
        return scale
    }

    /// The tick rows (top, middle, bottom) and their labels for a plot `plotHeight` rows high.
    private func ticks(plotHeight: Int, scale: YScale) -> (rows: [Int], labels: [String]) {
        // Ticks at the top, middle and bottom rows; the top row holds the maximum, the bottom the minimum.
        let rows = plotHeight >= 3 ? [0, (plotHeight - 1) / 2, plotHeight - 1] : Array(0..<max(0, plotHeight))
        let labels = rows.map { row in
            row == 0 ? tickLabel(untransform(scale.high))
                : row == plotHeight - 1 ? tickLabel(untransform(scale.low))
                : midLabel(row: row, rows: plotHeight, low: scale.low, high: scale.high)
        }
        return (rows, labels)
    }

    /// The value index (0-based, like `values`) whose point is drawn nearest to screen column
    /// `x` when the chart is rendered into `area`; nil outside the plot or without points.
    public func index(atColumn x: Int, in area: Rect) -> Int? {
        let count = series.map(\.values.count).max() ?? 0
        let start = lastN.map { max(0, count - max(1, $0)) } ?? 0
        let visible = count - start
        let scale = yScale()
        guard visible > 0, scale.hasValues else { return nil }
        let plotHeight = area.height - 2
        let labelWidth = min(LineChart.maxLabelWidth, ticks(plotHeight: plotHeight, scale: scale).labels.map(\.count).max() ?? 1)
        let plotX = area.x + labelWidth + 1
        let plotWidth = area.width - labelWidth - 1
        guard plotHeight >= 1, plotWidth >= 4, x >= plotX, x < plotX + plotWidth else { return nil }
        guard visible > 1 else { return start }
        let dotsPerColumn = glyphs.braille ? 2 : 1
        let lastDot = plotWidth * dotsPerColumn - 1
        // The centre of the column in dots.
        let dot = Double((x - plotX) * dotsPerColumn) + Double(dotsPerColumn - 1) / 2
        if let positions = positions(start: start, count: count), let first = positions.first, let last = positions.last {
            // The point whose time is nearest the column's (the times never go back).
            let time = first + dot / Double(lastDot) * (last - first)
            var (lower, upper) = (0, positions.count - 1)
            while upper - lower > 1 {
                let middle = (lower + upper) / 2
                if positions[middle] <= time { lower = middle } else { upper = middle }
            }
            return start + (time - positions[lower] <= positions[upper] - time ? lower : upper)
        }
        // Back through `index * lastDot / (visible - 1)`.
        let index = Int((dot * Double(visible - 1) / Double(lastDot)).rounded())
        return start + min(max(index, 0), visible - 1)
    }

    /// Where the visible points stand on a time axis: `xTimes` from `start`, each held at the
    /// latest before it when time goes back or is not finite; nil (one position per index) without
    /// times, without one for every point, or when they span no time at all.
    private func positions(start: Int, count: Int) -> [Double]? {
        guard let xTimes, xTimes.count >= count, count - start > 1 else { return nil }
        var positions: [Double] = []
        positions.reserveCapacity(count - start)
        var latest = -Double.infinity
        for time in xTimes[start..<count] {
            if time.isFinite, time > latest { latest = time }
            positions.append(latest)
        }
        guard let first = positions.first, first.isFinite, let last = positions.last, last > first else { return nil }
        return positions
    }

    /// The y label of a middle row: the value at that row's centre dot, or exactly 0 when the
    /// row's dots span 0 (a line at 0 reads `0`, never `-0.011`).
    private func midLabel(row: Int, rows: Int, low: Double, high: Double) -> String {
        let dotsPerRow = glyphs.braille ? 4 : 1
        let height = rows * dotsPerRow
        let lastDot = Double(max(1, height - 1))
        func value(atDot dot: Double) -> Double { low + (Double(height - 1) - dot) / lastDot * (high - low) }
        if !logScale {
            // The values the row's dots stand for (each dot covers half a dot either side).
            let top = value(atDot: Double(row * dotsPerRow) - 0.5)
            let bottom = value(atDot: Double(row * dotsPerRow + dotsPerRow - 1) + 0.5)
            if bottom <= 0, top >= 0 { return "0" }
        }
        let centreDot = row * dotsPerRow + dotsPerRow / 2
        return tickLabel(untransform(value(atDot: Double(centreDot))))
    }

    /// Three significant digits: enough to read a scale, short enough to leave room for the plot.
    private func tickLabel(_ value: Double) -> String {
        // From 1000 up to 7 digits a whole number reads better than an exponent (1000, not 1e3).
        if abs(value) >= 1000, abs(value) < 1e6 { return String(format: "%.0f", value) }
        let text = formatMetric(value, significantDigits: 3)
        return text.count <= LineChart.maxLabelWidth ? text : formatMetric(value, maxWidth: LineChart.maxLabelWidth)
    }

    /// First label left-aligned at its tick, last right-aligned at its tick (prefixed with
    /// `xLabel` when there is room), middle centred when it overlaps neither.
    private func drawXLabels(into buffer: inout Buffer, indices: [Int], start: Int, plotX: Int, y: Int,
                             column: (Int) -> Int, area: Rect) {
        guard y < area.maxY, let firstIndex = indices.first, let lastIndex = indices.last else { return }
        let firstText = xText(start + firstIndex)
        let firstEnd = plotX + column(firstIndex) + firstText.count
        buffer.write(firstText, x: plotX + column(firstIndex), y: y, style: axisStyle, clip: area)
        guard lastIndex != firstIndex else { return }
        var lastText = xText(start + lastIndex)
        let lastRight = plotX + column(lastIndex) + 1
        if !xLabel.isEmpty, lastRight - lastText.count - xLabel.count - 1 > firstEnd + 1 { lastText = "\(xLabel) \(lastText)" }
        let lastStart = max(firstEnd + 1, lastRight - lastText.count)
        buffer.write(lastText, x: lastStart, y: y, style: axisStyle, clip: area)
        guard indices.count == 3 else { return }
        let midText = xText(start + indices[1])
        let midStart = plotX + column(indices[1]) - midText.count / 2
        if midStart > firstEnd, midStart + midText.count < lastStart {
            buffer.write(midText, x: midStart, y: y, style: axisStyle, clip: area)
        }
    }

    /// The x label of value index `index`: its `xValues` entry, or `firstX + index`.
    public func xText(_ index: Int) -> String {
        if let xTimes, xTimes.indices.contains(index) {
            switch xTimeFormat {
            case .elapsed: return formatAxisDuration(xTimes[index])
            case .timeOfDay(let offset, let seconds): return formatTimeOfDay(xTimes[index], utcOffset: offset, seconds: seconds)
            }
        }
        if let xValues, xValues.indices.contains(index) { return String(xValues[index]) }
        return String(firstX + index)
    }

    /// The values as plotted: unchanged on a linear scale (non-finite ones are skipped when
    /// drawing), log10 on a log scale with NaN for values <= 0.
    private func plotted(_ values: ArraySlice<Double>) -> ArraySlice<Double> {
        guard logScale else { return values }
        return ArraySlice(values.map { $0 > 0 ? log10($0) : .nan })
    }

    private func untransform(_ t: Double) -> Double { logScale ? pow(10, t) : t }
}

/// Joins a layer's points into dots on the canvas. Each dot column draws only its first,
/// lowest, highest and last value: the same dots as joining all of them in order (the
/// segments between points in one column are vertical), at a cost bounded by the width.
/// Non-finite values break the line and mark their column.
struct Tracer {
    var canvas: DotCanvas
    let visible: Int
    let low: Double
    let high: Double
    /// Dot rows per unit of value: `lastRow / (high - low)`, so placing a point costs a multiply.
    let rowsPerUnit: Double
    let lastDot: Int
    /// Columns (cells) holding a NaN or unplottable value.
    var markedColumns = Set<Int>()
    /// Columns (cells) with a point above the axis's top / below its bottom (robust scale).
    var clippedAbove = Set<Int>()
    var clippedBelow = Set<Int>()
    private var previous: (x: Int, y: Int)?

    /// Each visible point's x (a time), nondecreasing, when the axis is not one step per index.
    let positions: [Double]?
    /// Dots per unit of `positions`.
    private let dotsPerUnit: Double

    init(canvas: DotCanvas, visible: Int, low: Double, high: Double, positions: [Double]? = nil) {
        self.canvas = canvas
        self.visible = visible
        self.low = low
        self.high = high
        self.positions = positions.flatMap { $0.count == visible ? $0 : nil }
        let span = (self.positions?.last ?? 0) - (self.positions?.first ?? 0)
        dotsPerUnit = span > 0 ? Double(canvas.width - 1) / span : 0
        lastDot = canvas.width - 1
        rowsPerUnit = Double(canvas.height - 1) / (high - low)
    }

    /// The dot column of visible index `index`: `index * (width-1) / (visible-1)` rounded half
    /// up, or on a time axis its time's place between the first and last time.
    func pixelX(_ index: Int) -> Int {
        if let positions { return Int((positions[index] - positions[0]) * dotsPerUnit + 0.5) }
        return visible <= 1 ? 0 : (2 * index * lastDot + visible - 1) / (2 * (visible - 1))
    }

    private func pixelY(_ t: Double) -> Int {
        let clamped = min(max(t, low), high)
        // Rounded half up (the offset is never negative), without a call to `round`.
        return canvas.height - 1 - Int((clamped - low) * rowsPerUnit + 0.5)
    }

    private mutating func emit(x: Int, t: Double, layer: Int) {
        if t > high { clippedAbove.insert(x / canvas.dotsPerColumn) }
        else if t < low { clippedBelow.insert(x / canvas.dotsPerColumn) }
        let current = (x: x, y: pixelY(t))
        if let previous {
            canvas.line(from: previous, to: current, layer: layer)
        } else {
            canvas.set(x: current.x, y: current.y, layer: layer)
        }
        previous = current
    }

    /// After `emit` of a dot column's first value: the column's span from its lowest to its
    /// highest value, ending the line at `last` (the same dots as emitting lowest, highest and
    /// last in order; clipped points are counted as `emit` counts them).
    mutating func span(x: Int, low lowest: Double, high highest: Double, last: Double, layer: Int) {
        if highest > high { clippedAbove.insert(x / canvas.dotsPerColumn) }
        if lowest < low { clippedBelow.insert(x / canvas.dotsPerColumn) }
        let (top, bottom) = (pixelY(highest), pixelY(lowest))
        if top != bottom { canvas.vertical(x: x, from: top, to: bottom, layer: layer) }
        previous = (x: x, y: pixelY(last))
    }

    private mutating func gap(x: Int) {
        markedColumns.insert(x / canvas.dotsPerColumn)
        previous = nil
    }

    /// Every point joined to the one before, one at a time: the definition `trace` must
    /// match dot for dot (the tests compare the two).
    mutating func traceEveryPoint(_ points: ArraySlice<Double>, layer: Int) {
        previous = nil
        for (offset, t) in points.enumerated() {
            if t.isFinite { emit(x: pixelX(offset), t: t, layer: layer) } else { gap(x: pixelX(offset)) }
        }
    }

    mutating func trace(_ points: ArraySlice<Double>, layer: Int) {
        previous = nil
        // One point (or none) has nothing to aggregate and no column step to divide by.
        guard visible > 1 else { traceEveryPoint(points, layer: layer); return }
        // Per dot column, per stretch of finite values: its first, lowest, highest and last.
        var column = 0
        var count = 0
        var (first, lowest, highest, last) = (0.0, 0.0, 0.0, 0.0)
        func flush(_ tracer: inout Tracer) {
            guard count > 0 else { return }
            // The path first → … → last stays in this dot column: the line from the previous
            // column to `first`, then one vertical span from the lowest to the highest (the
            // union of the segments joining them), ending at `last`.
            tracer.emit(x: column, t: first, layer: layer)
            tracer.span(x: column, low: lowest, high: highest, last: last, layer: layer)
            count = 0
        }
        // The column is `(2 i L + n - 1) / (2 (n - 1))` (`pixelX`); stepping the numerator
        // avoids a division per point, dividing only when a column boundary is crossed. On a
        // time axis each point's column comes from its time (nondecreasing, like the index).
        let denominator = 2 * (visible - 1)
        let step = 2 * lastDot
        var numerator = visible - 1
        var nextBoundary = 0
        for (offset, t) in points.enumerated() {
            if positions != nil {
                let at = pixelX(offset)
                if offset == 0 || at != column {
                    flush(&self)
                    column = at
                }
            } else if numerator >= nextBoundary {
                flush(&self)
                column = numerator / denominator
                nextBoundary = (column + 1) * denominator
            }
            numerator += step
            guard t.isFinite else {
                // A break in the line: what came before in this column is drawn, what follows starts afresh.
                flush(&self)
                gap(x: column)
                continue
            }
            if count == 0 {
                (first, lowest, highest) = (t, t, t)
            } else if t < lowest {
                lowest = t
            } else if t > highest {
                highest = t
            }
            last = t
            count += 1
        }
        flush(&self)
    }
}

extension LineChart.YScale {
    /// The y axis over every finite value of `layers` (in plotted units: log10 on a log
    /// scale, NaN where a value cannot be plotted), as `LineChart` draws it: the full range,
    /// or with `robust` TensorBoard's percentile rule (see `LineChart.robust`), stretched to 0
    /// with `includeZero` (linear scale only). The terminal chart and `fitwatch plot`'s SVG
    /// both call this, so they scale alike.
    public static func fitted(to layers: [ArraySlice<Double>], robust: Bool, includeZero: Bool, logScale: Bool) -> Self {
        var minimum = Double.infinity, maximum = -Double.infinity, finiteCount = 0
        for layer in layers {
            for t in layer where t.isFinite {
                if t < minimum { minimum = t }
                if t > maximum { maximum = t }
                finiteCount += 1
            }
        }
        guard finiteCount > 0 else {
            return Self(low: 0, high: 1, clippedAbove: 0, clippedBelow: 0, hasValues: false)
        }
        var (low, high) = (minimum, maximum)
        if robust, finiteCount >= 3 {
            // Only the robust rule needs the points in order.
            var finite: [Double] = []
            finite.reserveCapacity(finiteCount)
            for layer in layers { for t in layer where t.isFinite { finite.append(t) } }
            // d3.quantile (R-7, linear between order statistics), as TensorBoard calls it. Only
            // the order statistics either side of each quantile are needed: selected in place
            // (linear time), not a sort (a grid of 20 charts did 20 sorts a frame).
            let n = finite.count
            let (h05, h95) = (Double(n - 1) * 0.05, Double(n - 1) * 0.95)
            let (i, k) = (Int(h05.rounded(.down)), Int(h95.rounded(.down)))
            LineChart.select(&finite, i, in: 0..<n)
            // Everything after index i is at least finite[i], everything before at most.
            let (si, si1) = (finite[i], i + 1 < n ? finite[(i + 1)...].min()! : finite[i])
            if k > i { LineChart.select(&finite, k, in: (i + 1)..<n) }
            let (sk, sk1) = (finite[k], k + 1 < n ? finite[(k + 1)...].min()! : finite[k])
            let q05 = si + (h05 - Double(i)) * (si1 - si)
            let q95 = sk + (h95 - Double(k)) * (sk1 - sk)
            // The extent of the values kept, as TensorBoard's filter `q05 <= x <= q95` leaves
            // it: the first value at or above q05, the last at or below q95.
            let keptLow = si >= q05 ? si : si1
            let keptHigh = sk1 <= q95 ? sk1 : sk
            let spread = keptHigh - keptLow
            // TensorBoard pads the kept extent by 5% each side; a bulk of one value gets the flat axis around it.
            var (robustLow, robustHigh) = spread > 0 ? (keptLow - 0.05 * spread, keptHigh + 0.05 * spread) : Self.flatRange(keptLow, logScale: logScale)
            robustLow = max(robustLow, minimum)
            robustHigh = min(robustHigh, maximum)
            // Clip only when it pays: when showing everything would squeeze the bulk into less
            // than half of the chart's height. A healthy falling loss keeps its first epochs.
            // A side whose extreme lies within a quarter of the robust height still shows it.
            let span = robustHigh - robustLow
            if maximum - minimum > 2 * span {
                low = minimum >= robustLow - 0.25 * span ? minimum : robustLow
                high = maximum <= robustHigh + 0.25 * span ? maximum : robustHigh
            }
        }
        if includeZero, !logScale {
            low = min(low, 0)
            high = max(high, 0)
        }
        if low == high { (low, high) = Self.flatRange(low, logScale: logScale) }
        var above = 0, below = 0
        if low > minimum || high < maximum {
            for layer in layers {
                for t in layer where t.isFinite {
                    if t > high { above += 1 } else if t < low { below += 1 }
                }
            }
        }
        return Self(low: low, high: high, clippedAbove: above, clippedBelow: below, hasValues: true)
    }

    /// A flat line's axis: the value mid-height between padded bounds (±10%, ±1 around 0, half a decade on a log scale).
    static func flatRange(_ value: Double, logScale: Bool) -> (Double, Double) {
        let pad = logScale ? 0.5 : (value == 0 ? 1 : abs(value) * 0.1)
        return (value - pad, value + pad)
    }
}
