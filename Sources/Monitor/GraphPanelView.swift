import KerasModel
import TerminalCore
import Widgets

/// The model's outputs and the layers each loss reaches: the selected loss (↑↓) lights the
/// layers its gradient flows through. Without a known model the outputs and their losses
/// come from the metric names, with weights fitted to the logged totals.
struct GraphPanelView: Widget {
    var state: MonitorState
    /// The content when the layout already built it (`MonitorLayout.graph`).
    var content: Content?

    /// What the panel draws for a run: the model (known or derived), the breakdown, the
    /// selected output.
    struct Content: Sendable, Equatable {
        var model: ModelGraph
        var known: ModelGraph?
        var breakdown: LossBreakdown
        var selectedOutput: String?

        init(state: MonitorState, run: RunState) {
            breakdown = LossBreakdown(state: state, run: run)
            known = state.model(of: run)
            // The diagram draws the breakdown's weights (fitted when the config is unknown).
            model = known ?? GraphPanelView.derivedModel(breakdown)
            let index = min(state.selectedLoss, breakdown.outputs.count)
            selectedOutput = index == 0 ? nil : breakdown.outputs[index - 1].output
        }

        /// The text lines under the diagram: the weighted sum, and which layers the
        /// selected loss reaches and which it does not.
        var footer: [String] {
            var lines: [String] = []
            if breakdown.outputs.count > 1 {
                let terms = breakdown.outputs.map { "\($0.weight.map { formatMetric($0) } ?? "?")·\($0.key)" }
                let fitted = breakdown.outputs.contains { $0.weightFitted }
                lines.append("loss = " + terms.joined(separator: " + ") + (fitted ? "  (weights fitted to the log)" : ""))
            }
            if let output = selectedOutput, known != nil {
                let reached = model.layersReached(byOutput: output)
                let missed = model.layers.map(\.name).filter { !reached.contains($0) }
                var line = "\(output) loss reaches " + reached.joined(separator: " → ")
                if !missed.isEmpty { line += "; not " + missed.joined(separator: ", ") }
                lines.append(line)
            }
            return lines
        }

        func diagram(theme: Theme, glyphs: Glyphs) -> GraphDiagram {
            let graph = ModelDiagram.graph(model: model, breakdown: breakdown, selectedOutput: selectedOutput, glyphs: glyphs)
            // `.fit`: the full diagram, else one-line boxes (the two-output model needs 43
            // rows in full but 29 so, which 120x40 has), else the compact list.
            return GraphDiagram(graph: graph, theme: theme, glyphs: glyphs, mode: .fit)
        }

        /// The panel size (border and footer included) the diagram needs: with 5-row boxes,
        /// and with the one-line boxes `.fit` falls back to (3 rows a layer).
        func neededSizes(glyphs: Glyphs) -> (full: Size, oneLine: Size) {
            let diagram = diagram(theme: .dark, glyphs: glyphs)
            let full = diagram.diagramSize, oneLine = diagram.oneLineDiagramSize
            let footerLines = footer.count
            return (Size(width: full.width + 2, height: full.height + 2 + footerLines),
                    Size(width: oneLine.width + 2, height: oneLine.height + 2 + footerLines))
        }
    }

    func render(into buffer: inout Buffer, area: Rect) {
        let theme = state.theme
        guard let run = state.selectedRunState else {
            Panel(title: "Graph", focused: state.focus == .main, theme: theme, glyphs: state.glyphs).render(into: &buffer, area: area)
            return
        }
        let content = self.content ?? Content(state: state, run: run)
        let source: String
        switch content.known?.provenance {
        case nil: source = "outputs from metric names"
        case .summaryTable?: source = "model from the printed summary"
        default: source = "model \(content.model.name)"
        }
        let selection = content.selectedOutput.map { "\($0) loss" } ?? "total loss"
        let panel = Panel(title: "Graph · \(selection)", trailingTitle: "↑↓ loss · \(source)",
                          focused: state.focus == .main, theme: theme, glyphs: state.glyphs)
        panel.render(into: &buffer, area: area)
        var inner = panel.inner(of: area)
        guard !inner.isEmpty else { return }
        let footer = content.footer
        let (rest, bottom) = inner.splitBottom(min(footer.count, max(0, inner.height - 3)))
        for (offset, line) in footer.enumerated() where offset < bottom.height {
            let row = Rect(x: bottom.x, y: bottom.y + offset, width: bottom.width, height: 1)
            buffer.write(Span.fit(" " + line, width: min(line.count + 1, row.width), ellipsis: state.glyphs.ellipsis),
                         x: row.x, y: row.y, style: theme[.dimText], clip: row)
        }
        inner = rest
        content.diagram(theme: theme, glyphs: state.glyphs).render(into: &buffer, area: inner)
    }

    /// A model made of the outputs alone, for a run whose model is unknown: each output a
    /// box of unknown type (its weight is the breakdown's, fitted to the log).
    static func derivedModel(_ breakdown: LossBreakdown) -> ModelGraph {
        ModelGraph(
            name: "outputs from metric names",
            layers: breakdown.outputs.map { Layer(name: $0.output, className: "output") },
            inputs: [],
            outputs: breakdown.outputs.map { OutputSpec(name: $0.output, loss: $0.loss) },
            provenance: .summaryTable)
    }
}
