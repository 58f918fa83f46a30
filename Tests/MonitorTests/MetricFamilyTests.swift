import Testing
@testable import Monitor

@Test func twoOutputRunGroupsEachOutputsLossAndMetricsUnderIt() throws {
    let names = ["loss", "out1_loss", "out1_mae", "out2_accuracy", "out2_loss",
                 "val_loss", "val_out1_loss", "val_out1_mae", "val_out2_accuracy", "val_out2_loss"]
    let families = MetricFamily.families(metricNames: names)
    #expect(families.map(\.name) == ["loss", "out1_loss", "out1_mae", "out2_loss", "out2_accuracy"])
    #expect(families.map(\.kind) == [.totalLoss, .outputLoss, .metric, .outputLoss, .metric])
    #expect(families[2].validation == "val_out1_mae")
    #expect(families[4].baseName == "accuracy")
    #expect(families[4].isAccuracy)
}

@Test func lossComesFirstAndLearningRateLast() {
    let families = MetricFamily.families(metricNames: ["accuracy", "loss", "lr", "val_accuracy", "val_loss"])
    #expect(families.map(\.name) == ["loss", "accuracy", "lr"])
    #expect(families[2].betterDirection == nil)
    #expect(families[0].betterDirection == .lower)
    #expect(families[1].betterDirection == .higher)
}

@Test func validationOnlyMetricStillGetsARow() {
    let families = MetricFamily.families(metricNames: ["loss", "val_loss", "val_auc"])
    #expect(families.last?.name == "auc")
    #expect(families.last?.train == nil)
    #expect(families.last?.validation == "val_auc")
}

@Test func outputPrefixesDoNotCollide() {
    let families = MetricFamily.families(metricNames: ["loss", "out1_loss", "out10_loss", "out10_mae"])
    #expect(families.first { $0.name == "out10_mae" }?.output == "out10")
}
