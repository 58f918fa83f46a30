import KerasModel
import TerminalCore

/// The model's DAG in box-drawing characters: layers as boxes (name, type, shape) joined by
/// arrows, every output followed by its loss node (loss name, weight, current value, share of
/// the total) and, for several outputs, the total node (the weighted sum). Layers in
/// `highlighted` (the monitor passes `layersReached(byOutput:)` of the selected output) and
/// the edges between them use the theme's `highlight_path`.
///
/// When the diagram is larger than the area, `.auto` switches to a compact list (one line
/// per layer, then the losses) and `.diagram` shows the part at `scrollX`/`scrollY`; neither
/// ever draws outside the area or cuts a box into garbage.
public struct GraphDiagram: Widget, Sendable {
    /// How to draw the model.
    public enum Mode: Sendable, Equatable {
        /// The diagram when it fits, else the compact list.
        case auto
        /// The diagram when it fits, else the diagram with one-line boxes (`A Dense relu
        /// (None, 32)`, 3 rows a layer instead of 5) when that fits, else the compact list.
        case fit
        /// Always the diagram, scrolled by `scrollX`/`scrollY`.
        case diagram
        /// Always the compact list, scrolled by `scrollY`.
        case compact
    }

    /// The model to draw.
    public var model: ModelGraph
    /// The current loss of each output, keyed by output name (`out1`); missing: unknown.
    public var lossValues: [String: Double]
    /// The total loss as Keras reported it (`loss`); nil: the weighted sum of `lossValues`.
    public var totalLoss: Double?
    /// Layer names drawn highlighted.
    public var highlighted: Set<String>
    /// The output whose loss is selected: its loss node (and its edge into the total) is highlighted.
    public var selectedOutput: String?
    /// Styles: `node`, `loss_node`, `highlight_path`, `border`, `dim_text`.
    public var theme: Theme
    /// Box-drawing glyphs.
    public var glyphs: Glyphs
    /// Diagram or list; see `Mode`.
    public var mode: Mode
    /// Columns scrolled off the left (diagram).
    public var scrollX: Int
    /// Rows scrolled off the top (diagram and list).
    public var scrollY: Int

    /// A diagram of `model`.
    public init(model: ModelGraph, lossValues: [String: Double] = [:], totalLoss: Double? = nil,
                highlighted: Set<String> = [], selectedOutput: String? = nil, theme: Theme, glyphs: Glyphs,
                mode: Mode = .auto, scrollX: Int = 0, scrollY: Int = 0) {
        self.model = model
        self.lossValues = lossValues
        self.totalLoss = totalLoss
        self.highlighted = highlighted
        self.selectedOutput = selectedOutput
        self.theme = theme
        self.glyphs = glyphs
        self.mode = mode
        self.scrollX = scrollX
        self.scrollY = scrollY
    }

    /// The size of the full diagram, for clamping scroll offsets.
    public var diagramSize: Size {
        let layout = makeLayout()
        return Size(width: layout.width, height: layout.height)
    }

    /// The size of the diagram with one-line boxes (what `.fit` tries second).
    public var oneLineDiagramSize: Size {
        let layout = makeLayout(oneLine: true)
        return Size(width: layout.width, height: layout.height)
    }

    /// Draw the diagram or the list into `area`.
    public func render(into buffer: inout Buffer, area: Rect) {
        guard !area.isEmpty else { return }
        switch mode {
        case .compact:
            renderCompact(into: &buffer, area: area)
        case .diagram:
            renderDiagram(makeLayout(), into: &buffer, area: area)
        case .auto, .fit:
            let layout = makeLayout()
            if layout.width <= area.width && layout.height <= area.height {
                renderDiagram(layout, into: &buffer, area: area)
                return
            }
            if mode == .fit {
                let small = makeLayout(oneLine: true)
                if small.width <= area.width && small.height <= area.height {
                    renderDiagram(small, into: &buffer, area: area)
                    return
                }
            }
            renderCompact(into: &buffer, area: area)
        }
    }

    // MARK: text of the nodes

    /// The weighted loss of each output, when its value is known and finite.
    private var weightedLosses: [Double?] {
        model.outputs.map { output in
            guard let value = lossValues[output.name], value.isFinite else { return nil }
            return value * output.lossWeight
        }
    }

    private var weightedSum: Double? {
        let parts = weightedLosses
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        return parts.reduce(0) { $0 + $1! }
    }

    /// Each output's share of the total, in percent: of `totalLoss` when given (the monitor's
    /// `LossBreakdown` divides by the reported total too, regularisation included), else of
    /// the weighted sum.
    private func share(of output: Int) -> Int? {
        guard model.outputs.count > 1, let total = totalLoss ?? weightedSum, total.isFinite, total > 0,
              let part = weightedLosses[output] else { return nil }
        return Int((part / total * 100).rounded())
    }

    private var times: String { glyphs.braille ? "×" : "x" }

    private func layerType(_ layer: Layer) -> String {
        var text = layer.className
        if let activation = layer.activation, activation != "linear" { text += " \(activation)" }
        if let rate = layer.rate { text += " rate \(formatMetric(rate))" }
        return text
    }

    private func layerShape(_ layer: Layer) -> String {
        if let shape = layer.outputShape {
            return "(" + (["None"] + shape.map { $0.map(String.init) ?? "None" }).joined(separator: ", ") + ")"
        }
        if let units = layer.units { return "(None, \(units))" }
        return ""
    }

    /// The loss as configured, with `from_logits` shown: it changes what the value means.
    private func lossName(_ output: OutputSpec) -> String {
        guard let loss = output.loss else { return "loss ?" }
        return loss.configuredName + (loss.fromLogits ? " (logits)" : "")
    }

    private func valueText(_ output: Int) -> String {
        guard let value = lossValues[model.outputs[output].name] else { return "-" }
        return formatMetric(value) + (share(of: output).map { " (\($0)%)" } ?? "")
    }

    private var totalText: String { (totalLoss ?? weightedSum).map(formatMetric) ?? "-" }

    private func lines(_ kind: GraphLayout.Kind) -> [String] {
        switch kind {
        case .layer(let name):
            guard let layer = model.layer(named: name) else { return [name, "", ""] }
            return [name, layerType(layer), layerShape(layer)]
        case .loss(let index):
            let output = model.outputs[index]
            return ["\(output.name) loss", lossName(output), "\(formatMetric(output.lossWeight)) \(times) \(valueText(index))"]
        case .total:
            return ["total loss", glyphs.braille ? "Σ w·loss" : "sum w*loss", "= \(totalText)"]
        case .dummy:
            return []
        }
    }

    private func isHighlighted(_ kind: GraphLayout.Kind) -> Bool {
        switch kind {
        case .layer(let name): return highlighted.contains(name)
        case .loss(let index): return model.outputs[index].name == selectedOutput
        case .total: return selectedOutput != nil
        case .dummy: return false
        }
    }

    private func makeLayout(oneLine: Bool = false) -> GraphLayout {
        GraphLayout(model: model, oneLine: oneLine, lines: oneLine ? oneLineText : lines, highlighted: isHighlighted)
    }

    /// A box's single line in one-line boxes: the three lines joined, shortest first to go.
    private func oneLineText(_ kind: GraphLayout.Kind) -> [String] {
        switch kind {
        case .dummy: return []
        case .total: return ["total = \(totalText)"]
        case .layer:
            return [lines(kind).filter { !$0.isEmpty }.joined(separator: " ")]
        case .loss(let index):
            // The first wording that fits a one-line loss box: long loss names give way to
            // the aliases Keras accepts (`bce`, `cce`), then the word "loss", then the name.
            let output = model.outputs[index]
            let short = output.loss.map { loss in
                (GraphDiagram.lossAliases[loss.kind] ?? loss.configuredName) + (loss.fromLogits ? " (logits)" : "")
            } ?? "loss ?"
            let value = "\(formatMetric(output.lossWeight)) \(times) \(valueText(index))"
            let candidates = ["\(output.name) loss \(lossName(output)) \(value)", "\(output.name) loss \(short) \(value)",
                              "\(output.name) \(short) \(value)", "\(output.name) \(value)"]
            let room = GraphLayout.maxLossBoxWidth - 4
            return [candidates.first { $0.count <= room } ?? candidates[candidates.count - 1]]
        }
    }

    /// Short names Keras itself accepts for the losses whose names do not fit one-line boxes.
    static let lossAliases: [LossKind: String] = [
        .binaryCrossentropy: "bce", .categoricalCrossentropy: "cce", .sparseCategoricalCrossentropy: "sparse cce",
        .meanSquaredError: "mse", .meanAbsoluteError: "mae", .meanAbsolutePercentageError: "mape",
        .meanSquaredLogarithmicError: "msle", .kullbackLeiblerDivergence: "kld",
    ]

    // MARK: diagram

    private func renderDiagram(_ layout: GraphLayout, into buffer: inout Buffer, area: Rect) {
        var grid = LineGrid(width: layout.width, height: layout.height)
        var arrows: [(x: Int, y: Int, lit: Bool)] = []
        var stems: [(x: Int, y: Int, lit: Bool, source: Int)] = []

        for (r, groups) in layout.routes.enumerated() {
            let channelTop = layout.rankY[r] + layout.boxHeight
            let arrowRow = layout.rankY[r + 1] - 1
            for group in groups {
                let source = layout.nodes[group.source]
                let px = source.centre
                let row = channelTop + (group.row ?? 0)
                let lit = group.targets.map { target in
                    layout.edges.first { $0.from == group.source && $0.to == target }?.highlighted ?? false
                }
                if source.kind != .dummy { stems.append((px, channelTop - 1, lit.contains(true), group.source)) }
                // Stem from the source down to its routing row (or straight to the arrow row).
                grid.add(.up, x: px, y: channelTop, highlight: lit.contains(true))
                for (target, targetLit) in zip(group.targets, lit) {
                    let node = layout.nodes[target]
                    let cx = node.centre
                    let end = node.kind == .dummy ? arrowRow + 1 : arrowRow
                    if cx == px {
                        grid.vertical(x: px, from: channelTop, to: end, highlight: targetLit)
                    } else {
                        grid.vertical(x: px, from: channelTop, to: row, highlight: targetLit)
                        grid.horizontal(y: row, from: px, to: cx, highlight: targetLit)
                        grid.vertical(x: cx, from: row, to: end, highlight: targetLit)
                    }
                    if node.kind != .dummy { arrows.append((cx, arrowRow, targetLit)) }
                }
            }
        }
        // Dummies are vertical lines through their rank's rows.
        for node in layout.nodes where node.kind == .dummy {
            let top = layout.rankY[node.rank]
            grid.vertical(x: node.x, from: top, to: top + layout.boxHeight - 1, highlight: node.highlighted)
            grid.add(.up, x: node.x, y: top, highlight: node.highlighted)
            grid.add(.down, x: node.x, y: top + layout.boxHeight - 1, highlight: node.highlighted)
        }

        // Place the diagram: centred when narrower than the area, else scrolled.
        let offsetX = layout.width <= area.width ? (area.width - layout.width) / 2
            : -min(max(0, scrollX), layout.width - area.width)
        let offsetY = layout.height <= area.height ? 0 : -min(max(0, scrollY), layout.height - area.height)
        let originX = area.x + offsetX, originY = area.y + offsetY
        let edgeStyle = theme[.border], litStyle = theme[.highlightPath]

        func put(_ character: Character, _ x: Int, _ y: Int, _ style: Style) {
            let bx = originX + x, by = originY + y
            guard bx >= area.x, bx < area.maxX, by >= area.y, by < area.maxY else { return }
            buffer[bx, by] = Cell(character, style: style)
        }

        for y in 0..<layout.height {
            for x in 0..<layout.width {
                guard let character = grid.character(x: x, y: y, glyphs: glyphs) else { continue }
                put(character, x, y, grid.isHighlighted(x: x, y: y) ? litStyle : edgeStyle)
            }
        }
        for arrow in arrows { put(glyphs.arrowDown, arrow.x, arrow.y, arrow.lit ? litStyle : edgeStyle) }

        for node in layout.nodes where node.kind != .dummy {
            let style = boxStyle(node)
            let top = layout.rankY[node.rank], right = node.x + node.width - 1, bottom = top + layout.boxHeight - 1
            for x in node.x + 1..<right {
                put(glyphs.horizontal, x, top, style)
                put(glyphs.horizontal, x, bottom, style)
            }
            put(glyphs.topLeft, node.x, top, style)
            put(glyphs.topRight, right, top, style)
            put(glyphs.bottomLeft, node.x, bottom, style)
            put(glyphs.bottomRight, right, bottom, style)
            for (i, line) in node.lines.prefix(layout.boxHeight - 2).enumerated() {
                let y = top + 1 + i
                put(glyphs.vertical, node.x, y, style)
                put(glyphs.vertical, right, y, style)
                let text = Span.fit(line, width: node.width - 2, alignment: .center, ellipsis: glyphs.ellipsis)
                var textStyle = style
                if i == 0 { textStyle.attributes.insert(.bold) }
                for (offset, character) in text.enumerated() { put(character, node.x + 1 + offset, y, textStyle) }
            }
        }
        // A tee where edges leave a box's bottom border, in the box's style unless the edge is lit.
        for stem in stems { put(glyphs.teeDown, stem.x, stem.y, stem.lit ? litStyle : boxStyle(layout.nodes[stem.source])) }
    }

    private func boxStyle(_ node: GraphLayout.Node) -> Style {
        if node.highlighted { return theme[.highlightPath] }
        if case .layer = node.kind { return theme[.node] }
        return theme[.lossNode]
    }

    // MARK: compact list

    /// One line per layer (`name  Type  shape  <- inputs`), then one per loss and the total.
    private func compactLines() -> [(text: String, style: Style)] {
        let nameWidth = min(16, model.layers.map(\.name.count).max() ?? 0)
        let typeWidth = min(16, model.layers.map { layerType($0).count }.max() ?? 0)
        let shapeWidth = model.layers.map { layerShape($0).count }.max() ?? 0
        var result: [(String, Style)] = []
        for layer in model.layers {
            var text = Span.fit(layer.name, width: nameWidth, ellipsis: glyphs.ellipsis) + " "
                + Span.fit(layerType(layer), width: typeWidth, ellipsis: glyphs.ellipsis) + " " + Span.fit(layerShape(layer), width: shapeWidth)
            if !layer.inbound.isEmpty { text += (glyphs.braille ? " ← " : " <- ") + layer.inbound.joined(separator: ", ") }
            result.append((text, highlighted.contains(layer.name) ? theme[.highlightPath] : theme[.node]))
        }
        for (index, output) in model.outputs.enumerated() {
            let text = "\(output.name) loss: \(lossName(output)), \(formatMetric(output.lossWeight)) \(times) \(valueText(index))"
            result.append((text, output.name == selectedOutput ? theme[.highlightPath] : theme[.lossNode]))
        }
        if model.outputs.count > 1 {
            result.append(("total loss: \(totalText)", selectedOutput != nil ? theme[.highlightPath] : theme[.lossNode]))
        }
        return result
    }

    private func renderCompact(into buffer: inout Buffer, area: Rect) {
        let lines = compactLines()
        let first = min(max(0, scrollY), max(0, lines.count - area.height))
        for (row, line) in lines.dropFirst(first).prefix(area.height).enumerated() {
            let text = line.text.count > area.width ? Span.fit(line.text, width: area.width, ellipsis: glyphs.ellipsis) : line.text
            buffer.write(text, x: area.x, y: area.y + row, style: line.style, clip: area)
        }
    }
}
