import Foundation
import Testing
import TestSupport
@testable import KerasModel

private func model(_ name: String) throws -> ModelGraph {
    try ModelFileReader.read(path: Fixtures.url("models/\(name)").path)
}

@Test func readsKeras3ArchiveWithTwoHeadsLossesAndWeights() throws {
    let graph = try model("k3_s4_multi_output_functional.keras")
    #expect(graph.name == "two_heads")
    #expect(graph.kerasVersion == "3.15.1")
    #expect(graph.flavour == .keras3)
    #expect(graph.inputs == ["x"])
    #expect(graph.outputs.map(\.name) == ["out1", "out2"])
    #expect(graph.outputs.map(\.loss?.kind) == [.meanSquaredError, .binaryCrossentropy])
    #expect(graph.outputs.map(\.lossWeight) == [1.0, 0.2])
    #expect(graph.outputs.map(\.metrics) == [["mae"], ["accuracy"]])
    #expect(graph.optimizer?.name == "adam")
    #expect(graph.edges.map { "\($0.from)->\($0.to)" }
            == ["x->A", "A->B", "B->C", "B->D", "C->out1", "D->out2"])
    #expect(Array(graph.layersReached(byOutput: "out1")) == ["x", "A", "B", "C", "out1"])
    #expect(graph.outputActivation("out2") == "sigmoid")
    #expect(graph.outputUnits("out1") == 1)
    // Dense(32) on 8 inputs: 8*32 + 32 weights.
    #expect(graph.layer(named: "A")?.parameters == 288)
}

@Test func keras3ToJsonCarriesCompileConfigButNoVersion() throws {
    let graph = try model("k3_s1_seed_regression_accuracy.model.json")
    #expect(graph.flavour == .keras3)
    #expect(graph.layers.map(\.className) == ["InputLayer", "Dense", "Dense"])
    #expect(graph.outputs.count == 1)
    #expect(graph.outputs[0].loss?.kind == .meanSquaredError)
    #expect(graph.outputs[0].metrics == ["accuracy"])
    #expect(graph.outputActivation(graph.outputs[0].name) == "linear")
    #expect(graph.layer(named: "input_layer")?.outputShape == [13])
}

@Test func tfKerasToJsonHasLayersButNoCompileConfig() throws {
    let graph = try model("tfk_s2_bce_on_multiclass.model.json")
    #expect(graph.kerasVersion == "2.21.0")
    #expect(graph.flavour == .keras2)
    #expect(graph.outputs.map(\.name) == ["species"])
    #expect(graph.outputs[0].loss == nil)
    #expect(graph.outputUnits("species") == 3)
    #expect(graph.outputActivation("species") == "softmax")
    #expect(graph.edges.map { "\($0.from)->\($0.to)" } == ["features->hidden", "hidden->species"])
}

@Test func tfKerasArchiveCarriesCompileConfig() throws {
    let graph = try model("tfk_s2_bce_on_multiclass.keras")
    #expect(graph.kerasVersion == "2.21.0")
    #expect(graph.outputs[0].loss?.kind == .binaryCrossentropy)
    #expect(graph.outputs[0].metrics == ["accuracy"])
}

@Test func tfKerasSequentialChainsLayersFromItsInput() throws {
    let graph = try model("tfk_s9_long_run_300_epochs.keras")
    #expect(graph.inputs == ["input_1"])
    #expect(graph.outputs.map(\.name) == ["dense_1"])
    #expect(graph.outputs[0].loss?.kind == .categoricalCrossentropy)
    #expect(graph.optimizer?.name == "SGD")
    #expect(graph.optimizer?.learningRate.map { abs($0 - 0.01) < 1e-6 } == true)
    #expect(graph.edges.map { "\($0.from)->\($0.to)" } == ["input_1->dense", "dense->dense_1"])
}

@Test func extractedConfigJsonReadsLikeTheArchive() throws {
    let archive = try model("k3_s4_multi_output_functional.keras")
    var config = try model("k3_s4_multi_output_functional.keras.config.json")
    config.kerasVersion = archive.kerasVersion
    #expect(config == archive)
}

@Test func inMemoryConfigsTakeACompileConfigFromTheCaller() throws {
    let modelJSON = try Fixtures.data("models/tfk_s2_bce_on_multiclass.model.json")
    let compile = Data(#"{"loss": {"class_name": "CategoricalCrossentropy", "config": {"from_logits": true}}, "metrics": ["acc"]}"#.utf8)
    let graph = try ModelFileReader.graph(modelConfigJSON: modelJSON, compileConfigJSON: compile, provenance: .callback)
    #expect(graph.provenance == .callback)
    #expect(graph.outputs[0].loss == LossSpec(kind: .categoricalCrossentropy, fromLogits: true,
                                              configuredName: "CategoricalCrossentropy"))
    #expect(graph.outputs[0].metrics == ["acc"])
}

@Test func unknownLayerClassesStayAsOpaqueNodes() throws {
    let json = #"""
    {"class_name": "Functional", "config": {"name": "m", "layers": [
      {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_shape": [null, 4]}, "inbound_nodes": []},
      {"class_name": "MyFancyBlock", "name": "fancy", "config": {"name": "fancy", "whatever": [1, 2]},
       "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "keras_history": ["in", 0, 0]}}], "kwargs": {}}]},
      {"class_name": "Dense", "name": "out", "config": {"name": "out", "units": 2, "activation": "softmax"},
       "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 7], "keras_history": ["fancy", 0, 0]}}], "kwargs": {}}]}
    ], "input_layers": ["in", 0, 0], "output_layers": ["out", 0, 0]}}
    """#
    let graph = try ModelFileReader.graph(modelConfigJSON: Data(json.utf8), compileConfigJSON: nil, provenance: .modelFile)
    let fancy = try #require(graph.layer(named: "fancy"))
    #expect(fancy.className == "MyFancyBlock")
    #expect(fancy.outputShape == [7])
    #expect(fancy.activation == nil)
    #expect(graph.outputs.map(\.name) == ["out"])
    #expect(graph.layer(named: "out")?.parameters == 16)
}

@Test func badFilesGiveOneLineErrorsNamingTheFile() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fitwatch-model-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let cases: [(String, Data, String)] = [
        ("garbage.json", Data("not json at all".utf8), "neither a .keras archive nor model JSON"),
        ("compile.json", Data(#"{"loss": "mse"}"#.utf8), "not a Keras model config"),
        ("broken.keras", Data([0x50, 0x4B, 0x03, 0x04, 0, 0, 0]), "not a readable zip archive"),
    ]
    for (name, bytes, problem) in cases {
        let path = directory.appendingPathComponent(name).path
        try bytes.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: ModelFileError.self) { try ModelFileReader.read(path: path) }
        #expect(error?.description.hasPrefix(path + ": ") == true)
        #expect(error?.description.contains(problem) == true)
        #expect(error?.description.contains("\n") == false)
    }
    let missing = #expect(throws: ModelFileError.self) { try ModelFileReader.read(path: "/nonexistent/model.keras") }
    #expect(missing?.description == "/nonexistent/model.keras: no such file")
}

@Test func hostileJsonIsAnErrorNotACrash() throws {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    let cases = [
        Data(deep.utf8),
        Data(#"{"class_name": "Functional", "config": {"layers": [{"class_name": "Dense"}]}}"#.utf8),
        Data(#"{"class_name": "Functional", "config": {"layers": [], "output_layers": ["ghost", 0, 0]}}"#.utf8),
        Data(#"{"class_name": "Sequential", "config": 7}"#.utf8),
    ]
    for data in cases {
        #expect(throws: ModelFileError.self) {
            try ModelFileReader.graph(modelConfigJSON: data, compileConfigJSON: nil, provenance: .modelFile)
        }
    }
}

@Test func keras224SequentialListConfigGetsAnInputFromBatchInputShape() throws {
    // Keras 2.2.4 `model.to_json()`: the Sequential config is the bare list of layers and the
    // first layer carries `batch_input_shape`.
    let json = #"""
    {"class_name": "Sequential", "config": [
      {"class_name": "Dense", "config": {"name": "dense_1", "units": 13, "activation": "relu",
                                         "batch_input_shape": [null, 13], "kernel_regularizer": null}},
      {"class_name": "Dense", "config": {"name": "dense_2", "units": 1, "activation": "linear"}}
    ], "keras_version": "2.2.4", "backend": "tensorflow"}
    """#
    let graph = try ModelFileReader.graph(modelConfigJSON: Data(json.utf8), compileConfigJSON: nil, provenance: .modelFile)
    #expect(graph.flavour == .keras2Legacy)
    #expect(graph.layers.map(\.name) == ["input", "dense_1", "dense_2"])
    #expect(graph.layer(named: "input")?.outputShape == [13])
    #expect(graph.layer(named: "dense_1")?.parameters == 182)
    #expect(graph.outputs.map(\.name) == ["dense_2"])
}
