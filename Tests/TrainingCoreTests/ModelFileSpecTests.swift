import Foundation
import TestSupport
import Testing
@testable import TrainingCore

/// `[model] file = …` takes the layers and the compile config from a Keras model file.
struct ModelFileSpecTests {
    @Test func kerasModelJSONSuppliesLayersAndCompileConfig() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fitwatch-model-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = Fixtures.url("training-core/k3_s4_multi_output_functional.model.json").path
        let csv = Fixtures.packageRoot.appendingPathComponent("demo-data/two_heads.csv").path
        let url = directory.appendingPathComponent("s4.toml")
        try """
        [data]
        csv = "\(csv)"
        targets = { out1 = ["y1"], out2 = ["y2"] }
        [model]
        file = "\(model)"
        [fit]
        epochs = 2
        validation_split = 0.2
        """.write(to: url, atomically: true, encoding: .utf8)
        let session = try TrainingSession(contentsOf: url)
        #expect(session.spec.layers.map(\.name) == ["x", "A", "B", "C", "D", "out1", "out2"])
        #expect(session.trainer.outputs.map(\.name) == ["out1", "out2"])
        #expect(session.trainer.outputs.map(\.weight) == [1.0, 0.2])
        #expect(session.trainer.outputs.map(\.loss.kind) == [.meanSquaredError, .binaryCrossentropy])
        #expect(session.trainer.outputs.map { $0.metrics.map(\.name) } == [["mae"], ["accuracy"]])
        #expect(session.trainer.optimizer.algorithm.name == "adam")
        try session.run()
        let logs = try #require(session.trainer.history.last)
        #expect(abs(logs["loss"]! - (logs["out1_loss"]! + 0.2 * logs["out2_loss"]!)) < 1e-4)
    }

    @Test func unsupportedLayerInAModelFileIsNamed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fitwatch-model-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = #"{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [null, 2]}}, {"class_name": "Conv1D", "config": {"name": "conv", "filters": 2}}]}}"#
        try json.write(to: directory.appendingPathComponent("m.json"), atomically: true, encoding: .utf8)
        try "a,b,y\n1,2,3\n".write(to: directory.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        let url = directory.appendingPathComponent("s.toml")
        try "[data]\ncsv = \"d.csv\"\ntargets = [\"y\"]\n[model]\nfile = \"m.json\"\n[compile]\nloss = \"mse\"\n".write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: SpecError.self) { try TrainingSession(contentsOf: url) }
        do { _ = try TrainingSession(contentsOf: url) } catch let error as SpecError {
            #expect(error.description == "s.toml: model.file m.json: layer 'conv' is a Conv1D, which the training core does not implement (Input, Dense, Activation, Dropout, Concatenate, Add)")
        }
    }
}
