import RunModel
import Foundation
import Testing
import KerasModel
import TrainingLog
@testable import Diagnostics

@Test func textReportPutsOneHeadlineThenIndentedDetails() throws {
    let history = try RunFixtures.history("k3_s1_seed_regression_accuracy")
    let model = try RunFixtures.model("k3_s1_seed_regression_accuracy.keras")
    let findings = Diagnostics.findings(history: history, model: model, flavour: nil)
    let lines = FindingReport.text(findings).split(separator: "\n").map(String.init)
    #expect(lines.first == "warning accuracy-on-regression epoch 1: 'accuracy' on a regression output measures nothing (certain)")
    #expect(lines.filter { !$0.hasPrefix("    ") }.count == findings.count)
    #expect(lines.contains("    fix: " + findings[0].fix))
}

@Test func jsonReportHasTheDocumentedKeysAndNullEpochs() throws {
    let finding = Finding(id: "x-y", severity: .info, confidence: .suspected, epoch: nil, title: "a \"quoted\"\ttitle",
                          evidence: ["one", "two"], explanation: "why", fix: "how", metrics: ["loss"])
    let text = FindingReport.json([finding])
    #expect(text.hasPrefix("[{\"id\":\"x-y\",\"severity\":\"info\",\"confidence\":\"suspected\",\"epoch\":null,"))
    let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
    #expect(parsed[0]["title"] as? String == "a \"quoted\"\ttitle")
    #expect(parsed[0]["evidence"] as? [String] == ["one", "two"])
    #expect(parsed[0]["epoch"] is NSNull)
}

@Test func modelJsonListsEachOutputsLossWeightAndReachedLayers() throws {
    let model = try RunFixtures.model("k3_s4_multi_output_functional.keras")
    let text = ModelGraphJSON.json(model)
    let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    let outputs = try #require(parsed["outputs"] as? [[String: Any]])
    #expect(outputs.map { $0["name"] as? String } == ["out1", "out2"])
    #expect(outputs.map { $0["loss"] as? String } == ["mse", "binary_crossentropy"])
    #expect(outputs.map { $0["weight"] as? Double } == [1.0, 0.2])
    #expect(outputs[1]["reached"] as? [String] == ["x", "A", "B", "D", "out2"])
    #expect((parsed["edges"] as? [[String]])?.first == ["x", "A"])
    #expect((parsed["layers"] as? [[String: Any]])?.count == 7)
}

@Test func checkedRunsSplitAtEachFitAndCarryTheModelForward() throws {
    let model = try RunFixtures.model("k3_s1_seed_regression_accuracy.keras")
    let first = try RunFixtures.history("k3_s1_seed_regression_accuracy")
    var events: [TrainingEvent] = [.modelKnown(model)]
    events.append(.runStarted(RunStart(epochs: 100, format: .keras3)))
    events += first.epochs.map { .epochEnded($0) }
    events.append(.runStarted(RunStart(epochs: 100, format: .keras3)))
    events += first.epochs.prefix(10).map { .epochEnded($0) }
    events.append(.noise("some user print"))
    let runs = CheckedRun.runs(events: events, model: nil)
    #expect(runs.count == 2)
    #expect(runs.map { $0.history.epochs.count } == [100, 10])
    #expect(runs.allSatisfy { $0.findings.first?.id == "accuracy-on-regression" && $0.findings.first?.confidence == .certain })
    #expect(runs[1].logLines == ["some user print"])
}

@Test func aCrashBeforeTrainingIsStillOneRunWithItsError() throws {
    let line = try RunFixtures.logLine("tfk_cce_integer_labels", containing: "are incompatible")
    let runs = CheckedRun.runs(events: [.noise(line)], model: nil)
    #expect(runs.count == 1)
    #expect(ids(runs[0].findings) == ["label-encoding-mismatch"])
    #expect(!CheckedRun.hasTrainingOutput([.noise(line)]))
}
