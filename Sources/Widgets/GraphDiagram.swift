import TerminalCore

/// A layered graph in box-drawing characters: the boxes of a `DiagramGraph` (name and two
/// detail lines) joined by arrows, every sink under the box that feeds it and the total node
/// under the sinks. Lit boxes, sinks and total, and the edges between lit nodes, use the
/// theme's `highlight_path`. The monitor makes the graph of a Keras model (`ModelDiagram`):
/// layers as boxes, each output's loss as a sink, the weighted sum as the total.
///
/// When the diagram is larger than the area, `.auto` switches to a compact list (one line
/// per box, then the sinks and the total) and `.diagram` shows the part at `scrollX`/`scrollY`;
/// neither ever draws outside the area or cuts a box into garbage.
public struct GraphDiagram: Widget, Sendable {
    /// How to draw the graph.
    public enum Mode: Sendable, Equatable {
        /// The diagram when it fits, else the compact list.
        case auto
        /// The diagram when it fits, else the diagram with one-line boxes (`A Dense relu
        /// (None, 32)`, 3 rows a box instead of 5) when that fits, else the compact list.
        case fit
        /// Always the diagram, scrolled by `scrollX`/`scrollY`.
        case diagram
        /// Always the compact list, scrolled by `scrollY`.
        case compact
    }

    /// The graph to draw, its texts written.
    public var graph: DiagramGraph
    /// Styles: `node`, `loss_node` (sinks and total), `highlight_path`, `border`.
    public var theme: Theme
    /// Box-drawing glyphs.
    public var glyphs: Glyphs
    /// Diagram or list; see `Mode`.
    public var mode: Mode
    /// Columns scrolled off the left (diagram).
    public var scrollX: Int
    /// Rows scrolled off the top (diagram and list).
    public var scrollY: Int

    /// A diagram of `graph`.
    public init(graph: DiagramGraph, theme: Theme, glyphs: Glyphs, mode: Mode = .auto, scrollX: Int = 0, scrollY: Int = 0) {
        self.graph = graph
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

    private func lines(_ kind: GraphLayout.Kind) -> [String] {
        switch kind {
        case .box(let index):
            let box = graph.boxes[index]
            return [box.name] + box.details
        case .sink(let index): return graph.sinks[index].lines
        case .total: return graph.total?.lines ?? []
        case .dummy: return []
        }
    }

    private func isHighlighted(_ kind: GraphLayout.Kind) -> Bool {
        switch kind {
        case .box(let index): return graph.boxes[index].highlighted
        case .sink(let index): return graph.sinks[index].highlighted
        case .total: return graph.total?.highlighted ?? false
        case .dummy: return false
        }
    }

    private func makeLayout(oneLine: Bool = false) -> GraphLayout {
        GraphLayout(graph: graph, oneLine: oneLine, lines: oneLine ? oneLineText : lines, highlighted: isHighlighted)
    }

    /// A box's single line in one-line boxes: a box's lines joined; a sink's first wording
    /// that fits the widest sink box.
    private func oneLineText(_ kind: GraphLayout.Kind) -> [String] {
        switch kind {
        case .dummy: return []
        case .total: return graph.total.map { [$0.oneLine] } ?? []
        case .box:
            return [lines(kind).filter { !$0.isEmpty }.joined(separator: " ")]
        case .sink(let index):
            let candidates = graph.sinks[index].oneLine
            guard let last = candidates.last else { return [lines(kind).filter { !$0.isEmpty }.joined(separator: " ")] }
            let room = GraphLayout.maxLossBoxWidth - 4
            return [candidates.first { $0.count <= room } ?? last]
        }
    }

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
        if node.kind.isBox { return theme[.node] }
        return theme[.lossNode]
    }

    // MARK: compact list

    /// One line per box (`name  detail  detail  <- inbound`, every column but the last at most
    /// 16 wide), then one per sink and the total.
    private func compactLines() -> [(text: String, style: Style)] {
        let boxes = graph.boxes
        let nameWidth = min(16, boxes.map(\.name.count).max() ?? 0)
        let columns = boxes.map(\.details.count).max() ?? 0
        let detailWidths = (0..<columns).map { column -> Int in
            let widest = boxes.map { $0.details.indices.contains(column) ? $0.details[column].count : 0 }.max() ?? 0
            return column == columns - 1 ? widest : min(16, widest)
        }
        var result: [(String, Style)] = []
        for box in boxes {
            var text = Span.fit(box.name, width: nameWidth, ellipsis: glyphs.ellipsis)
            for (column, width) in detailWidths.enumerated() {
                let detail = box.details.indices.contains(column) ? box.details[column] : ""
                text += " " + Span.fit(detail, width: width, ellipsis: glyphs.ellipsis)
            }
            if !box.inbound.isEmpty { text += (glyphs.braille ? " ← " : " <- ") + box.inbound.joined(separator: ", ") }
            result.append((text, box.highlighted ? theme[.highlightPath] : theme[.node]))
        }
        for sink in graph.sinks {
            result.append((sink.compact, sink.highlighted ? theme[.highlightPath] : theme[.lossNode]))
        }
        if let total = graph.total {
            result.append((total.compact, total.highlighted ? theme[.highlightPath] : theme[.lossNode]))
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
