import Testing
import TerminalCore
@testable import Widgets

@Test func sparklineMapsMinimumToMaximumOntoEightLevelsFromTheLeft() {
    let sparkline = Sparkline(values: [0, 1, 2, 3, 4, 5, 6, 7], glyphs: .unicode, style: .plain)
    #expect(render(sparkline, width: 12) == ["▁▂▃▄▅▆▇█xxxx"])
}

@Test func sparklineScalesBetweenFiniteExtremesNotFromZero() {
    // Losses between 0.40 and 0.47 must use the whole height, or every loss looks flat.
    let sparkline = Sparkline(values: [0.47, 0.45, 0.43, 0.40], glyphs: .unicode, style: .plain)
    #expect(render(sparkline, width: 4) == ["█▆▄▁"])
}

@Test func sparklineDrawsNaNAndInfinityAsMarkers() {
    let marker = Style(foreground: .ansi(1))
    let sparkline = Sparkline(values: [1, .nan, 3, .infinity], glyphs: .unicode, style: .plain, markerStyle: marker)
    let buffer = renderBuffer(sparkline, width: 6)
    #expect(buffer.lines == ["▁×█×xx"])
    #expect(buffer[1, 0].style == marker)
}

@Test func flatSparklineIsDrawnAtMidHeightNotBlank() {
    let sparkline = Sparkline(values: [5, 5, 5], glyphs: .unicode, style: .plain)
    #expect(render(sparkline, width: 4) == ["▄▄▄x"])
}

@Test func keepsSpikeAndLastValueWhenDownsampling() {
    var values = [Double](repeating: 1, count: 100)
    values[37] = 10
    values[99] = 2
    let sparkline = Sparkline(values: values, glyphs: .unicode, style: .plain)
    // 99 values in 9 buckets of 11 (the spike falls in the fourth), then the last value alone.
    #expect(render(sparkline, width: 10) == ["▁▁▁█▁▁▁▁▁▂"])
}

@Test func keepsNaNWhenDownsampling() {
    var values = (0..<100).map(Double.init)
    values[50] = .nan
    let levels = Sparkline(values: values, glyphs: .unicode, style: .plain).levels(width: 10)
    #expect(levels.count == 10)
    #expect(levels.filter { $0 == nil }.count == 1)
    #expect(levels.last == 7)
}

@Test func asciiSparklineUsesSevenBitLevels() {
    let sparkline = Sparkline(values: [0, 7, .nan], glyphs: .ascii, style: .plain)
    // The ASCII NaN marker is "x", so this buffer uses "?" as its sentinel.
    #expect(render(sparkline, width: 4, sentinel: "?") == ["_#x?"])
}

@Test func emptySparklineLeavesTheAreaUntouched() {
    #expect(render(Sparkline(values: [], glyphs: .unicode, style: .plain), width: 3) == ["xxx"])
}
