import Testing
@testable import Monitor

@Test func bestLossIsTheLowestWithItsEpoch() {
    let summary = MetricSummary(values: [1.2, 1.0, 1.1, 1.5, 1.8], direction: .lower)
    #expect(summary.best == 1.0)
    #expect(summary.bestAt == 2)
    #expect(summary.current == 1.8)
    #expect(summary.trend == .rising)
    #expect(summary.isImproving(.lower) == false)
}

@Test func bestAccuracyIsTheHighest() {
    let summary = MetricSummary(values: [0.5, 0.9, 0.7], direction: .higher)
    #expect(summary.best == 0.9)
    #expect(summary.bestAt == 2)
}

@Test func nanLossStaysTheCurrentValueButNeverTheBest() throws {
    let summary = MetricSummary(values: [1.0, 0.5, .nan], direction: .lower)
    #expect(try #require(summary.current).isNaN)
    #expect(summary.best == 0.5)
    #expect(summary.trend == nil)
}

@Test func smallWobbleIsFlat() {
    #expect(MetricSummary(values: [1.0, 1.001, 0.999, 1.0005], direction: .lower).trend == .flat)
}
