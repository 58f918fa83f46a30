import Foundation
import Testing
import TerminalCore
import TestSupport
@testable import Widgets

private func chart(_ values: [Double], glyphs: Glyphs = .ascii, logScale: Bool = false, smoothing: Double = 0,
                   lastN: Int? = nil) -> LineChart {
    LineChart(series: [.init(name: "loss", values: values, style: .plain)], glyphs: glyphs, axisStyle: .plain,
              markerStyle: .plain, logScale: logScale, smoothing: smoothing, lastN: lastN)
}

@Test func chartLabelsMaxMidAndMinAndFirstMiddleLastEpoch() {
    // Four rows of plot: 3 at the top, 0 at the bottom, the middle tick on the row of 2.
    #expect(render(chart([0, 1, 2, 3]), width: 12, height: 6) == [
        "3+xxxxxxxx**",
        "2+xxxxx***xx",
        "x|xx***xxxxx",
        "0+**xxxxxxxx",
        "x++--+-----+",
        "xx1xxepoch 4",
    ])
}

@Test func brailleChartPacksTwoByFourDotsPerCell() {
    #expect(render(chart([0, 1, 2, 3], glyphs: .unicode), width: 12, height: 6) == [
        "  3┤xxxxxx⡠⠊",
        "1.8┤xxxx⡠⠊xx",
        "xxx│xx⡠⠊xxxx",
        "  0┤⡠⠊xxxxxx",
        "xxx└┬─┬────┬",
        "xxxx1x2xxxx4",
    ])
}

@Test func nanIsAGapWithAMarkerNeverZero() {
    let lines = render(chart([1, 2, .nan, 2, 1], glyphs: .unicode), width: 14, height: 6)
    #expect(lines == [
        "  2┤xx⡜xxxx⢣xx",
        "1.6┤x⢰⠁xxxx⠈⡆x",
        "xxx│⢀⠇xxxxxx⠸⡀",
        "  1┤⡜xxxxxxxx⢣",
        "xxx└┬────×───┬",
        "xxxx1xxepoch 5",
    ])
    // Drawn as zero, the minimum label would read 0 and a dot would sit on the bottom row mid-chart.
    #expect(!lines.contains { $0.hasPrefix("  0") })
}

@Test func logScaleSpacesDecadesEvenlyAndMarksNonPositiveValues() {
    #expect(render(chart([1, 10, 100, 1000], logScale: true), width: 14, height: 6) == [
        "1000+xxxxxxx**",
        " 100+xxxx***xx",
        "xxxx|xx**xxxxx",
        "   1+**xxxxxxx",
        "xxxx++--+----+",
        "xxxxx1xx2xxxx4",
    ])
    // 0 has no logarithm: its column is marked on the axis and the line breaks there.
    let withZero = render(chart([1, 10, 0, 1000], logScale: true), width: 14, height: 6)
    #expect(withZero[4] == "xxxx++--+-x--+")
    #expect(withZero[0] == "1000+xxxxxxxx*")
}

@Test func emaMatchesTensorBoardsDebiasedFormula() {
    // By hand, weight 0.5: last = 0.5*last + 0.5*x, divided by 1 - 0.5^k.
    // k=1: 0.5/0.5 = 1; k=2: (0.25+1.5)/0.75 = 2.3333; k=3: (0.875+1)/0.875 = 2.142857.
    let smoothed = Smoothing.ema([1, 3, 2], weight: 0.5)
    #expect(smoothed.count == 3)
    #expect(abs(smoothed[0] - 1) < 1e-12)
    #expect(abs(smoothed[1] - 1.75 / 0.75) < 1e-12)
    #expect(abs(smoothed[2] - 1.875 / 0.875) < 1e-12)
}

@Test func emaPassesNaNThroughWithoutCountingIt() {
    let smoothed = Smoothing.ema([1, .nan, 3], weight: 0.5)
    #expect(smoothed[0] == 1)
    #expect(smoothed[1].isNaN)
    #expect(abs(smoothed[2] - 1.75 / 0.75) < 1e-12)
}

@Test func emaLeavesConstantSeriesAndZeroWeightAlone() {
    #expect(Smoothing.ema([2, 2, 2], weight: 0.9) == [2, 2, 2])
    #expect(Smoothing.ema([1, 5, 2], weight: 0) == [1, 5, 2])
}

@Test func emaMatchesTheRecurrenceOnALongerSeries() {
    let values: [Double] = [0.9, 0.7, 0.75, 0.5, 0.55, 0.4, 0.42, 0.3]
    let weight = 0.6
    var last = 0.0
    var expected: [Double] = []
    for (k, value) in values.enumerated() {
        last = last * weight + (1 - weight) * value
        expected.append(last / (1 - pow(weight, Double(k + 1))))
    }
    let smoothed = Smoothing.ema(values, weight: weight)
    #expect(zip(smoothed, expected).allSatisfy { abs($0 - $1) < 1e-12 })
}

@Test func smoothingKeepsTheRawLineVisibleInItsDimStyle() {
    let line = Style(foreground: .ansi(4))
    let chart = LineChart(series: [.init(name: "loss", values: [1, 9, 1, 9, 1, 9, 1, 9], style: line)], glyphs: .unicode,
                          axisStyle: .plain, markerStyle: .plain, smoothing: 0.8)
    let buffer = renderBuffer(chart, width: 20, height: 8)
    var styles = Set<Style>()
    for y in 0..<6 { for x in 0..<20 where isBraille(buffer[x, y].character) { styles.insert(buffer[x, y].style) } }
    var dim = line
    dim.attributes.insert(.dim)
    #expect(styles == [line, dim])
}

@Test func zoomShowsOnlyTheLastNEpochs() {
    #expect(render(chart((1...100).map(Double.init), lastN: 10), width: 20, height: 6) == [
        "100+xxxxxxxxxxxxx***",
        " 97+xxxxxxxx*****xxx",
        "xxx|xxx*****xxxxxxxx",
        " 91+***xxxxxxxxxxxxx",
        "xxx++------+-------+",
        "xxxx91xxxxxepoch 100",
    ])
}

@Test func downsamplingKeepsTheSpikeAndTheLastValue() {
    var values = [Double](repeating: 1, count: 1000)
    values[500] = 5
    values[999] = 3
    #expect(render(chart(values, glyphs: .unicode), width: 20, height: 6) == [
        "  5┤xxxxxxxx⡇xxxxxxx",
        "3.4┤xxxxxxxx⡇xxxxxx⢀",
        "xxx│xxxxxxx⢸⡇xxxxxx⢸",
        "  1┤⣀⣀⣀⣀⣀⣀⣀⣸⣇⣀⣀⣀⣀⣀⣀⣸",
        "xxx└┬──────┬───────┬",
        "xxxx1xxxxxepoch 1000",
    ])
}

@Test func validationLineUsesItsOwnStyleAndIsDrawnOnTop() {
    let theme = Theme.dark
    let chart = LineChart(series: [.init(name: "loss", values: [1, 1, 1, 1], style: theme[.trainLine]),
                                   .init(name: "val_loss", values: [1, 1, 2, 2], style: theme[.valLine])],
                          theme: theme, glyphs: .unicode)
    let buffer = renderBuffer(chart, width: 12, height: 6)
    // Only validation reaches the top row; training owns the bottom row where validation has left it.
    let top = (0..<12).filter { isBraille(buffer[$0, 0].character) }
    #expect(!top.isEmpty)
    #expect(top.allSatisfy { buffer[$0, 0].style == theme[.valLine] })
    #expect((0..<12).contains { isBraille(buffer[$0, 3].character) && buffer[$0, 3].style == theme[.trainLine] })
}

@Test func flatSeriesIsDrawnMidHeight() {
    #expect(render(chart([2, 2, 2]), width: 12, height: 5) == [
        "2.2+xxxxxxxx",
        "  2+********",
        "1.8+xxxxxxxx",
        "xxx++---+--+",
        "xxxx1xxx2xx3",
    ])
}

@Test func emptyChartSaysNoDataWithoutInventingAScale() {
    #expect(render(chart([.nan, .nan], glyphs: .unicode), width: 16, height: 5) == [
        "│xxxxxxxxxxxxxxx",
        "│    no data    ",
        "│xxxxxxxxxxxxxxx",
        "└───────────────",
        "xxxxxxxxxxxxxxxx",
    ])
}

@Test func tooSmallChartFallsBackToASparkline() {
    #expect(render(chart([3, 1, 2]), width: 6, height: 2) == ["#_=xxx", "xxxxxx"])
}

private func isBraille(_ character: Character) -> Bool {
    character.unicodeScalars.first.map { (0x2801...0x28FF).contains($0.value) } ?? false
}

@Test func legendNamesEachSeriesInItsStyleAndTheOptionsInForce() {
    let train = Style(foreground: .ansi(4)), val = Style(foreground: .ansi(3))
    let chart = LineChart(series: [.init(name: "loss", values: [1], style: train), .init(name: "val_loss", values: [1], style: val)],
                          glyphs: .unicode, axisStyle: .plain, markerStyle: .plain, logScale: true, smoothing: 0.6, lastN: 20)
    #expect(chart.legend.map(\.text).joined() == "─ loss  ─ val_loss  (ema 0.6, log, last 20)")
    #expect(chart.legend.first?.style == train)
    #expect(chart.legend[2].style == val)
}

@Test func emaStaysExactPastTheUnderflowOfItsDebiasWeight() {
    // Regression: keeping w^k as a running product let it sink into subnormal numbers, where
    // 0.9 x the smallest one rounds back to itself: the product never reached 0 and every
    // later step ran ~100x slower (a 30,000-point smoothed chart took 28 ms). It now stops at
    // 0 once 1 - w^k rounds to 1, which must not change any value.
    let values = (0..<9_000).map { 1 / Double($0 + 1) }
    let smoothed = Smoothing.ema(values, weight: 0.9)
    var last = 0.0
    for (k, value) in values.enumerated() {
        last = last * 0.9 + 0.1 * value
        let expected = last / (1 - pow(0.9, Double(k + 1)))
        if k % 1000 == 0 || k == values.count - 1 { #expect(abs(smoothed[k] - expected) <= 1e-12 * abs(expected)) }
    }
}

// MARK: robust scale

private func robustChart(_ values: [Double], glyphs: Glyphs = .ascii) -> LineChart {
    var chart = chart(values, glyphs: glyphs)
    chart.robust = true
    return chart
}

@Test func robustScaleClipsAnOutlierToTheTopEdgeAndSaysSo() {
    // One spike of 1000 among twenty values between 1 and 2: the axis fits 1...2 and the spike
    // is an arrow on the top row of its column, with the axis's top tick an arrow too.
    let values = [1000] + (0..<20).map { 1 + Double($0) / 19 }
    let robust = robustChart(values)
    let scale = robust.yScale()
    #expect(scale.clippedAbove == 1 && scale.clippedBelow == 0)
    #expect(scale.high < 3, "top of the axis \(scale.high)")
    let lines = render(robust, width: 25, height: 8)
    #expect(lines[0].hasPrefix("2.05^^"), "\(lines.joined(separator: "\n"))")
    #expect(!lines.contains { $0.contains("1000") })
    #expect(robust.legend.map(\.text).joined().contains("clipped"))
    // Without the robust rule the spike owns the axis and the twenty values share one row.
    let full = render(chart(values), width: 25, height: 8)
    #expect(full[0].hasPrefix("1000+"))
    #expect(!chart(values).legend.map(\.text).joined().contains("clipped"))
}

@Test func robustScaleMarksOutliersBelowOnTheBottomEdge() {
    let values = (0..<20).map { 5 + Double($0 % 4) } + [-500]
    let robust = robustChart(values)
    #expect(robust.yScale().clippedBelow == 1)
    let lines = render(robust, width: 25, height: 8)
    // The bottom plot row: its tick is the down arrow, and the last column holds the mark.
    #expect(lines[5].contains("v"), "\(lines.joined(separator: "\n"))")
    #expect(lines[5].hasSuffix("v"))
    #expect(!lines.contains { $0.contains("-500") })
}

@Test func robustScaleShowsEverythingWhenNothingIsAnOutlier() {
    // A plain falling loss: the 5% at each end lie within the padding, so nothing is clipped
    // and the labels are the true extremes.
    let values = (0..<30).map { 2.0 - Double($0) / 29 }
    let robust = robustChart(values)
    #expect(robust.yScale().clippedAbove == 0 && robust.yScale().clippedBelow == 0)
    #expect(render(robust, width: 20, height: 6) == render(chart(values), width: 20, height: 6))
}

@Test func aConstantZeroSeriesIsLabelledZeroOnItsRow() {
    // Issue 12: a metric that is 0.0 every epoch read -0.011 on the middle tick.
    for glyphs in [Glyphs.unicode, .ascii] {
        for height in [6, 10, 24] {
            let lines = render(chart([0, 0, 0, 0, 0], glyphs: glyphs), width: 20, height: height)
            let plotRows = Array(lines.dropLast(2))
            let zeroRows = plotRows.indices.filter { plotRows[$0].range(of: #"^x*\s*0[┤+]"#, options: .regularExpression) != nil }
            #expect(zeroRows.count == 1, "\(lines.joined(separator: "\n"))")
            // The line is drawn on the row labelled 0, and nothing reads as a negative zero.
            let lineRows = plotRows.indices.filter { row in plotRows[row].contains { $0 == "*" || ("\u{2801}"..."\u{28FF}").contains($0) } }
            #expect(lineRows == zeroRows, "\(lines.joined(separator: "\n"))")
            #expect(!lines.contains { $0.contains("-0.0") })
        }
    }
}

@Test func aConstantSeriesGetsAnAxisAroundItsValue() {
    let lines = render(robustChart([0.25, 0.25, 0.25, 0.25]), width: 20, height: 7)
    #expect(lines[0].hasPrefix("0.275+"), "\(lines.joined(separator: "\n"))")
    #expect(lines[4].hasPrefix("0.225+"))
    #expect(lines.contains { $0.hasPrefix(" 0.25+") && $0.contains("*") })
}

@Test func includeZeroStretchesTheAxisToZero() {
    var zero = chart([40, 50, 60])
    zero.includeZero = true
    #expect(zero.yScale().low == 0)
    #expect(render(zero, width: 20, height: 6)[3].hasPrefix(" 0+"))
}

// MARK: value cursor

@Test func theCursorIsAVerticalLineWithATeeOnTheAxis() {
    var cursor = chart([0, 1, 2, 3])
    cursor.cursor = 2
    // Epoch 3 is drawn in plot column 6 (index 2 of 4 over 10 columns): the line fills the
    // rows its dots leave free, and the x axis gets a tee up.
    #expect(render(cursor, width: 12, height: 6) == [
        "3+xxxxxx|x**",
        "2+xxxxx***xx",
        "x|xx***x|xxx",
        "0+**xxxx|xxx",
        "x++--+--+--+",
        "xx1xxepoch 4",
    ])
}

@Test func indexAtColumnFindsThePointDrawnInThatColumn() {
    // Every point maps back to its own index from the column it is drawn in, braille or not.
    // Unicode only: the cursor's tee `┴` differs from the axis ticks there.
    for glyphs in [Glyphs.unicode] {
        for count in [2, 7, 40, 100, 500] {
            var line = chart((0..<count).map(Double.init), glyphs: glyphs)
            let area = Rect(x: 3, y: 1, width: 60, height: 10)
            for index in 0..<count {
                line.cursor = index
                var buffer = Buffer(size: Size(width: 70, height: 12), filling: Cell("x"))
                line.render(into: &buffer, area: area)
                let axis = buffer.lines[area.y + area.height - 2]
                let column = Array(axis).lastIndex(of: glyphs.teeUp)!
                let found = line.index(atColumn: column, in: area)!
                // Several points share a column when there are more points than columns.
                let sameColumn = (0..<count).filter { other in
                    var probe = line
                    probe.cursor = other
                    var otherBuffer = Buffer(size: Size(width: 70, height: 12), filling: Cell("x"))
                    probe.render(into: &otherBuffer, area: area)
                    return Array(otherBuffer.lines[area.y + area.height - 2]).lastIndex(of: glyphs.teeUp) == column
                }
                #expect(sameColumn.contains(found), "count \(count) index \(index) column \(column) found \(found)")
                if count <= 60 { #expect(found == index) }
                if count > 60 { break }
            }
        }
    }
    #expect(chart([1, 2, 3]).index(atColumn: 0, in: Rect(x: 0, y: 0, width: 20, height: 6)) == nil)
}

/// A chart draws each dot column's first, lowest, highest and last value only: it must set the
/// same dots, in the same layer, mark the same NaN and clipped columns as joining every point
/// one by one. Random series from 1 to 2,000 points (so from several dot columns per point to
/// many points per column), with NaN and infinite runs and points beyond the axis.
@Test func tracingEachColumnsExtremesDrawsTheSameDotsAsJoiningEveryPoint() {
    var random = SeededGenerator(seed: 0xC0FFEE)
    for round in 0..<400 {
        let count = Int.random(in: 1...2000, using: &random)
        var values: [Double] = []
        var level = Double.random(in: -1...1, using: &random)
        for _ in 0..<count {
            switch Int.random(in: 0..<40, using: &random) {
            case 0: values.append(.nan)
            case 1: values.append(.infinity)
            case 2: values.append(level + Double.random(in: -50...50, using: &random))
            default:
                level += Double.random(in: -0.1...0.1, using: &random)
                values.append(level)
            }
        }
        let (columns, rows) = (Int.random(in: 4...120, using: &random), Int.random(in: 1...30, using: &random))
        let braille = Bool.random(using: &random)
        let (low, high) = (-0.5 - Double.random(in: 0...1, using: &random), 0.5 + Double.random(in: 0...1, using: &random))
        let visible = values.count
        // Every other round on a time axis: nondecreasing times with pauses and repeats.
        var positions: [Double]?
        if round % 2 == 1 {
            var time = 0.0
            positions = values.indices.map { _ in
                time += [0, 1, 1, 1, 30][Int.random(in: 0..<5, using: &random)] * Double.random(in: 0.5...1.5, using: &random)
                return time
            }
            if positions?.last == 0 { positions = nil }
        }
        func traced(everyPoint: Bool) -> Tracer {
            var tracer = Tracer(canvas: DotCanvas(columns: columns, rows: rows, braille: braille), visible: visible, low: low, high: high,
                                positions: positions)
            for layer in 0..<2 {
                let points = layer == 0 ? values[...] : values.dropFirst(visible / 3)
                if everyPoint { tracer.traceEveryPoint(points, layer: layer) } else { tracer.trace(points, layer: layer) }
            }
            return tracer
        }
        let (fast, reference) = (traced(everyPoint: false), traced(everyPoint: true))
        let label = "round \(round): \(count) points into \(columns)x\(rows) cells, braille \(braille), time axis \(positions != nil)"
        // Compared first, so a failure names the case instead of printing both canvases.
        let (sameDots, sameLayers) = (fast.canvas.bits == reference.canvas.bits, fast.canvas.layers == reference.canvas.layers)
        #expect(sameDots, "\(label): the dots differ")
        #expect(sameLayers, "\(label): the cells' layers differ")
        #expect(fast.markedColumns == reference.markedColumns, "\(label): the NaN marks differ")
        #expect(fast.clippedAbove == reference.clippedAbove && fast.clippedBelow == reference.clippedBelow, "\(label): the clip marks differ")
        if !(sameDots && sameLayers) { break }
    }
}
