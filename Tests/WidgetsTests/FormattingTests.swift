import Testing
@testable import Widgets

@Test func metricsPrintInFourSignificantDigitsLikeKeras() {
    #expect(formatMetric(0.0463) == "0.0463")
    #expect(formatMetric(3.7303) == "3.73")
    #expect(formatMetric(687.123) == "687.1")
    #expect(formatMetric(0) == "0")
}

@Test func largeAndTinyMetricsUseACompactExponent() {
    #expect(formatMetric(12346) == "1.235e4")
    #expect(formatMetric(0.00001234) == "1.234e-5")
    #expect(formatMetric(-2.5e-7) == "-2.5e-7")
}

@Test func nonFiniteMetricsPrintAsKerasPrintsThem() {
    #expect(formatMetric(.nan) == "nan")
    #expect(formatMetric(.infinity) == "inf")
    #expect(formatMetric(-.infinity) == "-inf")
}

@Test func axisLabelsDropDigitsToFitTheirWidth() {
    #expect(formatMetric(0.123456, maxWidth: 4) == "0.12")
    #expect(formatMetric(0.123456, maxWidth: 6) == "0.1235")
}

@Test func durationsReadAsClocks() {
    #expect(formatDuration(3902) == "1:05:02")
    #expect(formatDuration(302.9) == "5:02")
    #expect(formatDuration(2 * 86_400 + 3 * 3600 + 4 * 60 + 5) == "2d 03:04:05")
    #expect(formatDuration(nil) == "--:--")
    #expect(formatDuration(.nan) == "--:--")
    #expect(formatDuration(-1) == "--:--")
}
