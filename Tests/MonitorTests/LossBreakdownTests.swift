import Testing
@testable import Monitor

@Test func fittedWeightsRecoverTheCompiledLossWeightsOfTheTwoOutputRun() throws {
    // S4 compiled loss_weights={'out1': 1.0, 'out2': 0.2}; the log alone must say so.
    let history = RunFixtures.history(try RunFixtures.epochEvents(csv: "k3_s4_multi_output_functional"))
    let breakdown = LossBreakdown(history: history, model: nil)
    #expect(breakdown.outputs.map(\.output) == ["out1", "out2"])
    #expect(breakdown.outputs.map(\.weight) == [1.0, 0.2])
    #expect(breakdown.outputs.allSatisfy { $0.weightFitted })
}

@Test func sharesOfAKnownModelAddUpToTheTotal() throws {
    let history = RunFixtures.history(try RunFixtures.epochEvents(csv: "k3_s4_multi_output_functional"))
    let breakdown = LossBreakdown(history: history, model: RunFixtures.twoOutputModel)
    let shares = breakdown.outputs.compactMap(\.share)
    #expect(shares.count == 2)
    #expect(abs(shares.reduce(0, +) - 1) < 0.001)
    #expect(breakdown.outputs[1].weightFitted == false)
}

@Test func singleOutputRunHasOneLossThatIsTheTotal() throws {
    let history = RunFixtures.history(try RunFixtures.epochEvents(csv: "k3_s1_seed_regression_accuracy"))
    let breakdown = LossBreakdown(history: history, model: nil)
    #expect(breakdown.outputs.count == 1)
    #expect(breakdown.outputs[0].key == "loss")
    #expect(breakdown.outputs[0].share == 1)
}

@Test func printedSummaryNamesTheOutputsButTheWeightsComeFromTheLog() throws {
    // A model.summary() table has no compile config: OutputSpec's default weight of 1.0 would
    // make out2's share 198 %; the fitted 0.2 is what Keras used.
    var model = RunFixtures.twoOutputModel
    model.provenance = .summaryTable
    for index in model.outputs.indices { model.outputs[index].lossWeight = 1; model.outputs[index].loss = nil }
    let history = RunFixtures.history(try RunFixtures.epochEvents(csv: "k3_s4_multi_output_functional"))
    let breakdown = LossBreakdown(history: history, model: model)
    #expect(breakdown.outputs.map(\.weight) == [1.0, 0.2])
    #expect(breakdown.outputs.allSatisfy { $0.weightFitted })
    #expect(abs(breakdown.outputs.compactMap(\.share).reduce(0, +) - 1) < 0.001)
}
