import Testing
import TerminalCore
@testable import Widgets

/// A chart on a time axis labels its ticks with times (`xTimes`); positions stay one per value.
@Suite struct TimeAxisTests {
    static func chart(_ times: [Double], format: LineChart.TimeFormat) -> LineChart {
        var chart = LineChart(series: [.init(name: "loss", values: [5, 4, 3, 2, 1], style: .plain)], glyphs: .unicode,
                              axisStyle: .plain, markerStyle: .plain, xLabel: "")
        chart.xTimes = times
        chart.xTimeFormat = format
        return chart
    }

    @Test func elapsedTimesLabelTheFirstMiddleAndLastTick() {
        let lines = render(Self.chart([65, 130, 3900, 7800, 9000], format: .elapsed), width: 40, height: 6)
        // Ticks at values 1, 3 and 5: 1:05, 1h05m, 2h30m.
        #expect(lines[5].hasPrefix("xxxx1:05") && lines[5].contains("1h05m") && lines[5].hasSuffix("2h30m"), "\(lines.joined(separator: "\n"))")
    }

    @Test func wallTimesLabelTheTimeOfDay() {
        // 2023-11-14 22:13:20 UTC, then every 10 minutes; shown two hours east of UTC.
        let times = (0..<5).map { 1_700_000_000 + Double($0) * 600 }
        let lines = render(Self.chart(times, format: .timeOfDay(utcOffset: 7200, seconds: false)), width: 40, height: 6)
        #expect(lines[5].contains("00:13") && lines[5].contains("00:33") && lines[5].hasSuffix("00:53"), "\(lines.joined(separator: "\n"))")
        #expect(Self.chart(times, format: .timeOfDay(utcOffset: 0, seconds: true)).xText(4) == "22:53:20")
    }
}

/// The robust scale finds its percentiles by selection, not sorting: the order statistics
/// must be exactly the sorted ones, duplicates and all.
@Suite struct OrderStatisticTests {
    @Test func selectionPutsTheSortedValueAtEveryIndex() {
        var generator = SplitMix(seed: 7)
        for count in [1, 2, 3, 5, 20, 101, 1200] {
            for duplicates in [false, true] {
                let values = (0..<count).map { _ in
                    duplicates ? Double(generator.next() % 5) : Double(generator.next() % 1_000_000) / 1000 - 500
                }
                let sorted = values.sorted()
                for k in Set([0, count / 20, count / 2, count * 19 / 20, count - 1]) {
                    var selected = values
                    LineChart.select(&selected, k, in: 0..<count)
                    #expect(selected[k] == sorted[k], "count \(count) k \(k)")
                    #expect(selected[..<k].allSatisfy { $0 <= selected[k] } && selected[(k + 1)...].allSatisfy { $0 >= selected[k] })
                }
            }
        }
    }
}

/// A small seeded generator, so a failure repeats.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// On a time axis each point stands at its time: an epoch that took nine times as long as the
/// one before takes nine times the width; the cursor and a click find the epoch by its time.
@Test func onATimeAxisEachEpochStandsAtItsTime() {
    var chart = LineChart(series: [.init(name: "loss", values: [4, 3, 2, 1], style: .plain)], glyphs: .unicode,
                          axisStyle: .plain, markerStyle: .plain)
    chart.xTimes = [0, 10, 20, 110]
    chart.xTimeFormat = .elapsed
    let area = Rect(x: 0, y: 0, width: 60, height: 10)
    func cursorColumn(_ index: Int) -> Int {
        var probe = chart
        probe.cursor = index
        var buffer = Buffer(size: Size(width: 60, height: 10))
        probe.render(into: &buffer, area: area)
        return Array(buffer.lines[area.height - 2]).lastIndex(of: Glyphs.unicode.teeUp)!
    }
    let (first, second, third, last) = (cursorColumn(0), cursorColumn(1), cursorColumn(2), cursorColumn(3))
    // 10 s, 10 s, then 90 s: the last stretch is nine times each of the first two (to a column).
    #expect(abs((second - first) - (third - second)) <= 1)
    #expect(abs((last - third) - 9 * (second - first)) <= 2, "columns \(first) \(second) \(third) \(last)")
    for index in 0..<4 { #expect(chart.index(atColumn: cursorColumn(index), in: area) == index) }
    // Between the third and last epochs, a click goes to the nearer in time.
    #expect(chart.index(atColumn: third + 2, in: area) == 2)
    #expect(chart.index(atColumn: last - 2, in: area) == 3)
    // Time that goes back is held: the points keep their order and the chart still draws.
    chart.xTimes = [0, 50, 40, 60]
    var buffer = Buffer(size: Size(width: 60, height: 10))
    chart.render(into: &buffer, area: area)
    #expect(buffer.lines.joined().contains(Glyphs.unicode.teeDown))
}
