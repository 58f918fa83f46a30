import KerasModel
import TrainingLog

/// A model graph as `export` writes it under `"model"`: layers, edges, inputs, and per output
/// its loss, weight, metrics and the layers its loss reaches. Fixed key order, `null` for
/// unknown values.
///
/// ```
/// {"name":"two_heads","keras_version":"3.15.1","provenance":"model-file","inputs":["x"],
///  "layers":[{"name":"A","class":"Dense","output_shape":[32],"units":32,"activation":"relu",
///             "rate":null,"parameters":288,"inbound":["x"]}],
///  "edges":[["x","A"]],
///  "outputs":[{"name":"out1","loss":"mse","from_logits":false,"weight":1.0,"metrics":["mae"],
///              "reached":["x","A","B","C","out1"]}],
///  "optimizer":{"name":"adam","learning_rate":0.001}}
/// ```
public enum ModelGraphJSON {
    /// The graph as one JSON object in the documented key order.
    public static func json(_ graph: ModelGraph) -> String {
        var out = "{\"name\":\(FindingReport.string(graph.name))"
        out += ",\"keras_version\":" + (graph.kerasVersion.map(FindingReport.string) ?? "null")
        out += ",\"provenance\":\(FindingReport.string(graph.provenance.rawValue))"
        out += ",\"inputs\":" + strings(graph.inputs)
        out += ",\"layers\":[" + graph.layers.map(layer).joined(separator: ",") + "]"
        out += ",\"edges\":[" + graph.edges.map { "[\(FindingReport.string($0.from)),\(FindingReport.string($0.to))]" }
            .joined(separator: ",") + "]"
        out += ",\"outputs\":[" + graph.outputs.map { output($0, graph: graph) }.joined(separator: ",") + "]"
        if let optimizer = graph.optimizer {
            out += ",\"optimizer\":{\"name\":\(FindingReport.string(optimizer.name)),\"learning_rate\":"
                + (optimizer.learningRate.map(number) ?? "null") + "}"
        } else {
            out += ",\"optimizer\":null"
        }
        return out + "}"
    }

    private static func layer(_ layer: Layer) -> String {
        var out = "{\"name\":\(FindingReport.string(layer.name)),\"class\":\(FindingReport.string(layer.className))"
        out += ",\"output_shape\":" + (layer.outputShape.map { "[" + $0.map { $0.map(String.init) ?? "null" }
            .joined(separator: ",") + "]" } ?? "null")
        out += ",\"units\":" + (layer.units.map(String.init) ?? "null")
        out += ",\"activation\":" + (layer.activation.map(FindingReport.string) ?? "null")
        out += ",\"rate\":" + (layer.rate.map(number) ?? "null")
        out += ",\"parameters\":" + (layer.parameters.map(String.init) ?? "null")
        out += ",\"inbound\":" + strings(layer.inbound)
        return out + "}"
    }

    private static func output(_ spec: OutputSpec, graph: ModelGraph) -> String {
        var out = "{\"name\":\(FindingReport.string(spec.name))"
        out += ",\"loss\":" + (spec.loss.map { FindingReport.string($0.configuredName) } ?? "null")
        out += ",\"from_logits\":" + (spec.loss.map { $0.fromLogits ? "true" : "false" } ?? "null")
        out += ",\"weight\":" + number(spec.lossWeight)
        out += ",\"metrics\":" + strings(spec.metrics)
        out += ",\"reached\":" + strings(Array(graph.layersReached(byOutput: spec.name)))
        return out + "}"
    }

    private static func strings(_ values: [String]) -> String {
        "[" + values.map(FindingReport.string).joined(separator: ",") + "]"
    }

    /// The export contract's numbers (`1.0`, `0.001`); non-finite values are `null` here.
    private static func number(_ value: Double) -> String { value.isFinite ? ExportJSON.number(value) : "null" }
}
