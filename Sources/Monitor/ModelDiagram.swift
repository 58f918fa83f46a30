import KerasModel
import Widgets

/// A Keras model as the graph diagram draws it: every layer a box (name, type with its
/// activation or rate, output shape), every output's loss a sink under the output's layer
/// (loss name, weight × current value, share of the total) and, for several outputs, the
/// total node (the weighted sum). Weights, values, shares and the total are the
/// `LossBreakdown`'s: the diagram shows what the breakdown computed, never a second sum.
public enum ModelDiagram {
    /// The diagram of `model` with `breakdown`'s numbers; `selectedOutput`'s loss node and
    /// the layers its loss reaches are lit (and the total, when an output is selected).
    /// `glyphs` chooses `×`/`Σ` or their ASCII spellings.
    public static func graph(model: ModelGraph, breakdown: LossBreakdown, selectedOutput: String?, glyphs: Glyphs) -> DiagramGraph {
        let reached = selectedOutput.map { Set(model.layersReached(byOutput: $0)) } ?? []
        let boxes = model.layers.map { layer in
            DiagramGraph.Box(name: layer.name, details: [layerType(layer), layerShape(layer)], inbound: layer.inbound,
                             highlighted: reached.contains(layer.name))
        }
        let times = glyphs.braille ? "×" : "x"
        let several = model.outputs.count > 1
        let sinks = model.outputs.map { output -> DiagramGraph.Sink in
            let part = breakdown.outputs.first { $0.output == output.name }
            var value = "-"
            if let current = part?.current {
                value = formatMetric(current)
                // One output's share is all of it: only several outputs show theirs.
                if several, let share = part?.share { value += " (\(Int((share * 100).rounded()))%)" }
            }
            let weighted = "\(part?.weight.map { formatMetric($0) } ?? "?") \(times) \(value)"
            let name = lossName(output.loss, short: false), short = lossName(output.loss, short: true)
            // One-line boxes take the first wording that fits: long loss names give way to
            // their short names (`bce`, `cce`), then the word "loss", then the loss itself.
            return DiagramGraph.Sink(
                source: output.name,
                lines: ["\(output.name) loss", name, weighted],
                oneLine: ["\(output.name) loss \(name) \(weighted)", "\(output.name) loss \(short) \(weighted)",
                          "\(output.name) \(short) \(weighted)", "\(output.name) \(weighted)"],
                compact: "\(output.name) loss: \(name), \(weighted)",
                highlighted: output.name == selectedOutput)
        }
        var total: DiagramGraph.Total?
        if several {
            let text = (breakdown.total ?? breakdown.weightedSum).map(formatMetric) ?? "-"
            total = DiagramGraph.Total(lines: ["total loss", glyphs.braille ? "Σ w·loss" : "sum w*loss", "= \(text)"],
                                       oneLine: "total = \(text)", compact: "total loss: \(text)",
                                       highlighted: selectedOutput != nil)
        }
        return DiagramGraph(boxes: boxes, sinks: sinks, total: total)
    }

    /// `Dense relu`, `Dropout rate 0.5`: the class, with the activation unless linear.
    static func layerType(_ layer: Layer) -> String {
        var text = layer.className
        if let activation = layer.activation, activation != "linear" { text += " \(activation)" }
        if let rate = layer.rate { text += " rate \(formatMetric(rate))" }
        return text
    }

    /// `(None, 32)`: the batch dimension first; empty when unknown.
    static func layerShape(_ layer: Layer) -> String {
        if let shape = layer.outputShape {
            return "(" + (["None"] + shape.map { $0.map(String.init) ?? "None" }).joined(separator: ", ") + ")"
        }
        if let units = layer.units { return "(None, \(units))" }
        return ""
    }

    /// The loss as configured (or its short name), with `from_logits` shown: it changes what
    /// the value means.
    static func lossName(_ loss: LossSpec?, short: Bool) -> String {
        guard let loss else { return "loss ?" }
        let name = short ? loss.kind.shortName ?? loss.configuredName : loss.configuredName
        return name + (loss.fromLogits ? " (logits)" : "")
    }
}
