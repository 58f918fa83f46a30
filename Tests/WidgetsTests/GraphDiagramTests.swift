import Testing
import TerminalCore
@testable import Widgets

// The widget alone, on graphs written by hand: it draws what it is given and knows nothing of
// Keras. The Keras model diagrams (texts, shares, highlights) are tested in
// MonitorTests/ModelDiagramTests, through `ModelDiagram`.

@Test func compactListAlignsTheColumnsAndListsSinksAfterTheBoxes() {
    let graph = DiagramGraph(
        boxes: [DiagramGraph.Box(name: "in", details: ["Input", "(None, 4)"]),
                DiagramGraph.Box(name: "hidden", details: ["Dense relu", "(None, 16)"], inbound: ["in"], highlighted: true)],
        sinks: [DiagramGraph.Sink(source: "hidden", lines: ["hidden loss", "mse", "-"], oneLine: ["hidden mse"],
                                  compact: "hidden loss: mse")])
    let theme = Theme.dark
    let buffer = renderBuffer(GraphDiagram(graph: graph, theme: theme, glyphs: .ascii, mode: .compact),
                              width: 36, height: 4, sentinel: "·")
    // Names padded to the longest (6), each detail column to its longest; inbound after "<-".
    #expect(buffer.lines == [
        "in     Input      (None, 4) ········",
        "hidden Dense relu (None, 16) <- in··",
        "hidden loss: mse····················",
        "····································",
    ])
    #expect(buffer[0, 0].style == theme[.node])
    #expect(buffer[0, 1].style == theme[.highlightPath])
    #expect(buffer[0, 2].style == theme[.lossNode])
}

@Test func oneLineSinkBoxesTakeTheFirstWordingThatFits() {
    // Two sinks side by side under one box: the first wording (44 characters) is wider than a
    // sink box may be, so the second is drawn; a sink whose wordings all are too wide gets its
    // last one, cut with an ellipsis by the box.
    let long = String(repeating: "w", count: 44)
    let graph = DiagramGraph(
        boxes: [DiagramGraph.Box(name: "out", details: ["Dense", "(None, 1)"])],
        sinks: [DiagramGraph.Sink(source: "out", lines: ["a", "b", "c"], oneLine: [long, "short wording"], compact: "a"),
                DiagramGraph.Sink(source: "out", lines: ["d", "e", "f"], oneLine: [long, long + "!"], compact: "d")],
        total: DiagramGraph.Total(lines: ["total", "sum", "= 1"], oneLine: "total = 1", compact: "total: 1"))
    let diagram = GraphDiagram(graph: graph, theme: .dark, glyphs: .unicode, mode: .fit)
    let size = diagram.oneLineDiagramSize
    let lines = render(diagram, width: size.width, height: size.height)
    #expect(lines.contains { $0.contains("│ short wording │") })
    #expect(!lines.contains { $0.contains(long + " ") })
    #expect(lines.contains { $0.contains("w…") })
    #expect(lines.contains { $0.contains("│ total = 1 │") })
    #expect(lines.contains { $0.contains("│ out Dense (None, 1) │") })
}

@Test func cyclicOrDanglingBoxesDrawWithoutHangingOrLeavingTheArea() {
    // Bad input from a half-parsed summary: a cycle, a self-loop and an unknown inbound name.
    let graph = DiagramGraph(
        boxes: [DiagramGraph.Box(name: "a", details: ["Dense", ""], inbound: ["b", "ghost"]),
                DiagramGraph.Box(name: "b", details: ["Dense", ""], inbound: ["a"]),
                DiagramGraph.Box(name: "c", details: ["Dense", ""], inbound: ["c", "b"])],
        sinks: [DiagramGraph.Sink(source: "c", lines: ["c loss", "loss ?", "1 × -"], oneLine: ["c 1 × -"], compact: "c loss")])
    for mode in [GraphDiagram.Mode.auto, .fit, .diagram, .compact] {
        var buffer = Buffer(size: Size(width: 40, height: 30), filling: Cell("x"))
        GraphDiagram(graph: graph, theme: .dark, glyphs: .unicode, mode: mode)
            .render(into: &buffer, area: Rect(x: 1, y: 1, width: 38, height: 28))
        #expect(buffer.lines[0] == String(repeating: "x", count: 40))
        #expect(buffer.lines[29] == String(repeating: "x", count: 40))
        #expect(buffer.lines.allSatisfy { $0.hasPrefix("x") && $0.hasSuffix("x") })
        #expect(buffer.lines.contains { $0.contains("Dense") })
    }
}
