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

@Test func batchSamplesKeepTheStepAndEpochTheyWereTakenAtThroughCompaction() throws {
    // 3 epochs of 10 steps, one spike at epoch 2 step 7 (global step 17); a capacity of 4
    // merges samples many times over, and the spike keeps its own step and epoch.
    var history = RunHistory()
    for epoch in 1...3 {
        for step in 1...10 {
            let loss = epoch == 2 && step == 7 ? 100.0 : 1.0 / Double(step)
            history.apply(.batchProgress(BatchProgress(epoch: epoch, step: step, total: 10, metrics: ["loss": loss])))
        }
    }
    let series = try #require(history.batchSeries["loss"])
    #expect(series.samplePositions.count == series.samples.count)
    let spike = try #require(series.samples.firstIndex(of: 100))
    #expect(series.samplePositions[spike] == Series.Position(epoch: 2, step: 17))
    #expect(series.samplePositions.last == Series.Position(epoch: 3, step: 30))
    var small = Series(capacity: 4)
    for step in 1...30 { small.append(step == 17 ? 100 : 1, at: Series.Position(epoch: (step - 1) / 10 + 1, step: step)) }
    let kept = try #require(small.samples.firstIndex(of: 100))
    #expect(small.samplePositions[kept] == Series.Position(epoch: 2, step: 17))
    #expect(small.samples.count < 30)
}
