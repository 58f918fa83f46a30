import Testing
@testable import TrainingLog

@Test func secondFitCallStartsNewSegment() {
    var history = RunHistory()
    history.apply(.runStarted(RunStart(epochs: 2, format: .keras3)))
    history.apply(.epochEnded(EpochRecord(epoch: 1, of: 2, metrics: ["loss": 2.0])))
    history.apply(.epochEnded(EpochRecord(epoch: 2, of: 2, metrics: ["loss": 1.0])))
    history.apply(.runStarted(RunStart(epochs: 5, format: .keras3)))
    history.apply(.epochEnded(EpochRecord(epoch: 1, of: 5, metrics: ["loss": 0.5])))
    #expect(history.previousSegments.count == 1)
    #expect(history.values(of: "loss") == [0.5])
    #expect(history.epochsRequested == 5)
}

@Test func boundedSeriesKeepsSpikeNaNAndLastValue() {
    var series = Series(capacity: 16)
    for index in 0..<1000 {
        let value: Double = index == 500 ? 1e6 : (index == 700 ? .nan : 1.0)
        series.append(value)
    }
    series.append(0.25)
    #expect(series.values.count <= 16)
    #expect(series.samples.contains(1e6))
    #expect(series.samples.contains { $0.isNaN })
    #expect(series.samples.last == 0.25)
    #expect(series.count == 1001)
}
