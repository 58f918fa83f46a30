import TestSupport
import Testing
import TerminalCore
import KerasModel
import Widgets
@testable import Monitor

// The graph diagram of a Keras model, as the monitor draws it: `ModelDiagram` writes the
// texts and numbers (from a `LossBreakdown`), the `GraphDiagram` widget lays them out.

private let out1Path: Set<String> = ["x", "A", "B", "C", "out1"]

/// The diagram of `model` when each output's loss is `lossValues[name]` and Keras logged
/// `totalLoss` (nil: not logged), with the weights the model's compile config states;
/// `selectedOutput`'s loss and the layers it reaches are lit, which must be `highlighted`.
private func modelDiagram(model: ModelGraph, lossValues: [String: Double] = [:], totalLoss: Double? = nil,
                          highlighted: Set<String> = [], selectedOutput: String? = nil, theme: Theme, glyphs: Glyphs,
                          mode: GraphDiagram.Mode = .auto, scrollX: Int = 0, scrollY: Int = 0,
                          sourceLocation: SourceLocation = #_sourceLocation) -> GraphDiagram {
    let parts = model.outputs.map { output in
        LossBreakdown.Part(output: output.name, key: output.name + "_loss", loss: output.loss, weight: output.lossWeight,
                           weightFitted: false, current: lossValues[output.name], share: nil)
    }
    let breakdown = LossBreakdown(parts: parts, total: totalLoss)
    let graph = ModelDiagram.graph(model: model, breakdown: breakdown, selectedOutput: selectedOutput, glyphs: glyphs)
    #expect(Set(graph.boxes.filter(\.highlighted).map(\.name)) == highlighted, sourceLocation: sourceLocation)
    return GraphDiagram(graph: graph, theme: theme, glyphs: glyphs, mode: mode, scrollX: scrollX, scrollY: scrollY)
}

private func render(_ widget: some Widget, width: Int, height: Int = 1, sentinel: Character = "x") -> [String] {
    renderBuffer(widget, width: width, height: height, sentinel: sentinel).lines
}

private func renderBuffer(_ widget: some Widget, width: Int, height: Int = 1, sentinel: Character = "x") -> Buffer {
    var buffer = Buffer(size: Size(width: width, height: height), filling: Cell(sentinel))
    widget.render(into: &buffer, area: buffer.area)
    return buffer
}

@Test func twoOutputModelWithOut1SelectedLightsItsPathAndNotD() {
    let theme = Theme.dark
    let diagram = modelDiagram(model: twoHeadsModel(), lossValues: ["out1": 0.0463, "out2": 0.6931],
                               highlighted: out1Path, selectedOutput: "out1", theme: theme, glyphs: .unicode)
    #expect(diagram.diagramSize == Size(width: 45, height: 43))
    let buffer = renderBuffer(diagram, width: 45, height: 44, sentinel: "·")
    // Shares: out1 weighs 1 x 0.0463 and out2 0.2 x 0.6931 = 0.1386 of a 0.1849 total.
    #expect(buffer.lines == [
        "··············┌────────────┐·················",
        "··············│     x      │·················",
        "··············│ InputLayer │·················",
        "··············│ (None, 8)  │·················",
        "··············└──────┬─────┘·················",
        "·····················▼·······················",
        "··············┌────────────┐·················",
        "··············│     A      │·················",
        "··············│ Dense relu │·················",
        "··············│ (None, 32) │·················",
        "··············└──────┬─────┘·················",
        "·····················▼·······················",
        "··············┌────────────┐·················",
        "··············│     B      │·················",
        "··············│ Dense relu │·················",
        "··············│ (None, 16) │·················",
        "··············└──────┬─────┘·················",
        "··········┌──────────┴───────────┐···········",
        "··········▼······················▼···········",
        "····┌───────────┐··········┌───────────┐·····",
        "····│     C     │··········│     D     │·····",
        "····│   Dense   │··········│   Dense   │·····",
        "····│ (None, 8) │··········│ (None, 8) │·····",
        "····└─────┬─────┘··········└─────┬─────┘·····",
        "··········▼······················▼···········",
        "····┌───────────┐········┌───────────────┐···",
        "····│   out1    │········│     out2      │···",
        "····│   Dense   │········│ Dense sigmoid │···",
        "····│ (None, 1) │········│   (None, 1)   │···",
        "····└─────┬─────┘········└───────┬───────┘···",
        "··········▼······················▼···········",
        "┌──────────────────┐··┌─────────────────────┐",
        "│    out1 loss     │··│      out2 loss      │",
        "│       mse        │··│ binary_crossentropy │",
        "│ 1 × 0.0463 (25%) │··│ 0.2 × 0.6931 (75%)  │",
        "└─────────┬────────┘··└──────────┬──────────┘",
        "··········└──────────┬───────────┘···········",
        "·····················▼·······················",
        "··············┌────────────┐·················",
        "··············│ total loss │·················",
        "··············│  Σ w·loss  │·················",
        "··············│  = 0.1849  │·················",
        "··············└────────────┘·················",
        "·············································",
    ])
    let lit = theme[.highlightPath]
    // Boxes: C (left branch) is lit, D (right branch) is not.
    #expect(buffer[4, 19].style == lit)
    #expect(buffer[10, 20].style.background == lit.background)
    #expect(buffer[27, 19].style == theme[.node])
    #expect(buffer[27, 20].style == theme[.node])
    // Edges: B -> C lit, B -> D not; out1's loss node lit, out2's not.
    #expect(buffer[10, 17].style == lit && buffer[10, 18].style == lit)
    #expect(buffer[33, 17].style == theme[.border] && buffer[33, 18].style == theme[.border])
    #expect(buffer[0, 31].style == lit)
    #expect(buffer[22, 31].style == theme[.lossNode])
}

@Test func sequentialModelIsAStraightColumnEndingInItsLoss() {
    let model = ModelGraph(name: "sequential", layers: [
        Layer(name: "dense", className: "Dense", outputShape: [64], activation: "relu", units: 64),
        Layer(name: "dropout", className: "Dropout", outputShape: [64], rate: 1.0, inbound: ["dense"]),
        Layer(name: "dense_1", className: "Dense", outputShape: [1], activation: "linear", units: 1, inbound: ["dropout"]),
    ], inputs: ["dense"], outputs: [OutputSpec(name: "dense_1", loss: LossSpec(kind: .meanSquaredError, configuredName: "mse"))],
    provenance: .summaryTable)
    let diagram = modelDiagram(model: model, lossValues: ["dense_1": 21.5], theme: .dark, glyphs: .unicode)
    // One output: no total node (it would only repeat the loss), no share.
    // Every box is centred on column 10, so each arrow runs straight down.
    #expect(render(diagram, width: 20, height: 23) == [
        "xxx┌────────────┐xxx",
        "xxx│   dense    │xxx",
        "xxx│ Dense relu │xxx",
        "xxx│ (None, 64) │xxx",
        "xxx└──────┬─────┘xxx",
        "xxxxxxxxxx▼xxxxxxxxx",
        "x┌────────────────┐x",
        "x│    dropout     │x",
        "x│ Dropout rate 1 │x",
        "x│   (None, 64)   │x",
        "x└────────┬───────┘x",
        "xxxxxxxxxx▼xxxxxxxxx",
        "xxxx┌───────────┐xxx",
        "xxxx│  dense_1  │xxx",
        "xxxx│   Dense   │xxx",
        "xxxx│ (None, 1) │xxx",
        "xxxx└─────┬─────┘xxx",
        "xxxxxxxxxx▼xxxxxxxxx",
        "xx┌──────────────┐xx",
        "xx│ dense_1 loss │xx",
        "xx│     mse      │xx",
        "xx│   1 × 21.5   │xx",
        "xx└──────────────┘xx",
    ])
}

@Test func tooSmallAreaShowsTheCompactListWithTheSameHighlight() {
    let theme = Theme.dark
    let diagram = modelDiagram(model: twoHeadsModel(), lossValues: ["out1": 0.0463], highlighted: out1Path,
                               selectedOutput: "out1", theme: theme, glyphs: .unicode)
    let buffer = renderBuffer(diagram, width: 44, height: 10, sentinel: "·")
    #expect(buffer.lines == [
        "x    InputLayer    (None, 8) ···············",
        "A    Dense relu    (None, 32) ← x···········",
        "B    Dense relu    (None, 16) ← A···········",
        "C    Dense         (None, 8)  ← B···········",
        "D    Dense         (None, 8)  ← B···········",
        "out1 Dense         (None, 1)  ← C···········",
        "out2 Dense sigmoid (None, 1)  ← D···········",
        "out1 loss: mse, 1 × 0.0463··················",
        "out2 loss: binary_crossentropy, 0.2 × -·····",
        "total loss: -·······························",
    ])
    #expect(buffer[0, 3].style == theme[.highlightPath])
    #expect(buffer[0, 4].style == theme[.node])
    #expect(buffer[0, 7].style == theme[.highlightPath])
}

@Test func forcedDiagramScrollsAndClipsWithoutGarbling() {
    let diagram = modelDiagram(model: twoHeadsModel(), theme: .dark, glyphs: .ascii, mode: .diagram, scrollX: 10, scrollY: 12)
    // Rows 12-19 from column 10: B, its fan-out to C (off the left edge) and D, their tops.
    #expect(render(diagram, width: 30, height: 8) == [
        "x+------------+xxxxxxxxxxxxxxx",
        "x|     B      |xxxxxxxxxxxxxxx",
        "x| Dense relu |xxxxxxxxxxxxxxx",
        "x| (None, 16) |xxxxxxxxxxxxxxx",
        "x+------+-----+xxxxxxxxxxxxxxx",
        "--------+---------+xxxxxxxxxxx",
        "xxxxxxxxxxxxxxxxxxvxxxxxxxxxxx",
        "----+xxxxxxx+-----------+xxxxx",
    ])
}

@Test func tinyAreasNeverDrawOutsideThemselves() {
    let diagram = modelDiagram(model: twoHeadsModel(), theme: .dark, glyphs: .unicode)
    var buffer = Buffer(size: Size(width: 12, height: 5), filling: Cell("x"))
    diagram.render(into: &buffer, area: Rect(x: 2, y: 1, width: 3, height: 2))
    #expect(buffer.lines[0] == "xxxxxxxxxxxx")
    #expect(buffer.lines[3] == "xxxxxxxxxxxx" && buffer.lines[4] == "xxxxxxxxxxxx")
    #expect(buffer.lines[1].hasPrefix("xx") && buffer.lines[1].hasSuffix("xxxxxxx"))
}

@Test func selectingALossLightsOnlyTheLayersItReaches() {
    // The monitor passes exactly what KerasModel says the loss reaches.
    let model = twoHeadsModel()
    let reached = Set(model.layersReached(byOutput: "out2"))
    let buffer = renderBuffer(modelDiagram(model: model, highlighted: reached, selectedOutput: "out2", theme: .dark, glyphs: .unicode,
                                           mode: .compact), width: 40, height: 10)
    let lit = (0..<7).filter { buffer[0, $0].style == Theme.dark[.highlightPath] }
    // Rows: x, A, B, C, D, out1, out2.
    #expect(lit == [0, 1, 2, 4, 6])
}

@Test func skipConnectionRunsAsALineBesideTheBranchItSkips() {
    let model = residualModel()
    let theme = Theme.dark
    let diagram = modelDiagram(model: model, lossValues: ["main": 0.5], highlighted: Set(model.layersReached(byOutput: "main")),
                               selectedOutput: "main", theme: theme, glyphs: .unicode)
    let buffer = renderBuffer(diagram, width: 51, height: 51, sentinel: "·")
    // a -> add passes b and c as a vertical line (column 17) and joins c's edge above add;
    // aux's value is unknown ("-"), so no share is shown; from_logits is spelled out.
    #expect(buffer.lines == [
        "············┌────────────┐·························",
        "············│   input    │·························",
        "············│ InputLayer │·························",
        "············│ (None, 16) │·························",
        "············└──────┬─────┘·························",
        "···················▼·······························",
        "············┌────────────┐·························",
        "············│     a      │·························",
        "············│ Dense relu │·························",
        "············│ (None, 16) │·························",
        "············└──────┬─────┘·························",
        "········┌────────┬─┴─────────────┐·················",
        "········▼········│···············▼·················",
        "·┌────────────┐··│·······┌───────────────┐·········",
        "·│     b      │··│·······│      aux      │·········",
        "·│ Dense relu │··│·······│ Dense softmax │·········",
        "·│ (None, 16) │··│·······│   (None, 3)   │·········",
        "·└──────┬─────┘··│·······└───────┬───────┘·········",
        "········▼········│···············│·················",
        "·┌────────────┐··│···············│·················",
        "·│     c      │··│···············│·················",
        "·│   Dense    │··│···············│·················",
        "·│ (None, 16) │··│···············│·················",
        "·└──────┬─────┘··│···············│·················",
        "·······┌┘········│···············│·················",
        "·······├─────────┘···············│·················",
        "·······▼·························│·················",
        "┌────────────┐···················│·················",
        "│    add     │···················│·················",
        "│    Add     │···················│·················",
        "│ (None, 16) │···················│·················",
        "└──────┬─────┘···················│·················",
        "·······▼·························│·················",
        "·┌───────────┐···················│·················",
        "·│   main    │···················│·················",
        "·│   Dense   │···················│·················",
        "·│ (None, 1) │···················│·················",
        "·└─────┬─────┘···················│·················",
        "·······▼·························▼·················",
        "·┌───────────┐··┌─────────────────────────────────┐",
        "·│ main loss │··│            aux loss             │",
        "·│    mse    │··│categorical_crossentropy (logits)│",
        "·│  1 × 0.5  │··│             0.5 × -             │",
        "·└─────┬─────┘··└────────────────┬────────────────┘",
        "·······└────────────┬────────────┘·················",
        "····················▼······························",
        "·············┌────────────┐························",
        "·············│ total loss │························",
        "·············│  Σ w·loss  │························",
        "·············│    = -     │························",
        "·············└────────────┘························",
    ])
    // The skip line is on main's path; aux's edge is not.
    #expect(buffer[17, 20].style == theme[.highlightPath])
    #expect(buffer[33, 30].style == theme[.border])
}

@Test func outputsWithoutAModelStillShowTheirLossesAndTotal() {
    // Without a known model the monitor derives outputs from metric names (out1_loss, out2_loss).
    let model = ModelGraph(name: "unknown", layers: [], inputs: [],
                           outputs: [OutputSpec(name: "out1", lossWeight: 1), OutputSpec(name: "out2", lossWeight: 0.5)],
                           provenance: .summaryTable)
    let diagram = modelDiagram(model: model, lossValues: ["out1": 0.5, "out2": 0.25], theme: .dark, glyphs: .ascii)
    // 1 x 0.5 = 0.5 and 0.5 x 0.25 = 0.125: shares 80% and 20% of 0.625.
    #expect(render(diagram, width: 39, height: 12, sentinel: "·") == [
        "+---------------+··+------------------+",
        "|   out1 loss   |··|    out2 loss     |",
        "|    loss ?     |··|      loss ?      |",
        "| 1 x 0.5 (80%) |··| 0.5 x 0.25 (20%) |",
        "+-------+-------+··+---------+--------+",
        "········+----------+---------+·········",
        "···················v···················",
        "············+------------+·············",
        "············| total loss |·············",
        "············| sum w*loss |·············",
        "············|  = 0.625   |·············",
        "············+------------+·············",
    ])
}

@Test func fitModeUsesOneLineBoxesWhenTheFullDiagramDoesNotFit() {
    // 120x40 leaves the graph panel about 30 rows: too few for 5-row boxes (43 rows), enough
    // for 3-row ones (29). Long loss names give way to Keras's aliases (bce).
    let theme = Theme.dark
    let diagram = modelDiagram(model: twoHeadsModel(), lossValues: ["out1": 0.1131, "out2": 0.3701], totalLoss: 0.1871,
                               highlighted: out1Path, selectedOutput: "out1", theme: theme, glyphs: .unicode, mode: .fit)
    #expect(diagram.oneLineDiagramSize.height == 29)
    let buffer = renderBuffer(diagram, width: 78, height: 30, sentinel: "·")
    #expect(buffer.lines == [
        "··························┌────────────────────────┐··························",
        "··························│ x InputLayer (None, 8) │··························",
        "··························└────────────┬───────────┘··························",
        "·······································▼······································",
        "··························┌─────────────────────────┐·························",
        "··························│ A Dense relu (None, 32) │·························",
        "··························└────────────┬────────────┘·························",
        "·······································▼······································",
        "··························┌─────────────────────────┐·························",
        "··························│ B Dense relu (None, 16) │·························",
        "··························└────────────┬────────────┘·························",
        "······················┌────────────────┴────────────────┐·····················",
        "······················▼·································▼·····················",
        "············┌───────────────────┐·············┌───────────────────┐···········",
        "············│ C Dense (None, 8) │·············│ D Dense (None, 8) │···········",
        "············└─────────┬─────────┘·············└─────────┬─────────┘···········",
        "······················▼·································▼·····················",
        "··········┌──────────────────────┐······┌──────────────────────────────┐······",
        "··········│ out1 Dense (None, 1) │······│ out2 Dense sigmoid (None, 1) │······",
        "··········└───────────┬──────────┘······└───────────────┬──────────────┘······",
        "······················▼·································▼·····················",
        "·····┌────────────────────────────────┐··┌─────────────────────────────┐······",
        "·····│ out1 loss mse 1 × 0.1131 (60%) │··│ out2 bce 0.2 × 0.3701 (40%) │······",
        "·····└────────────────┬───────────────┘··└──────────────┬──────────────┘······",
        "······················└────────────────┬────────────────┘·····················",
        "·······································▼······································",
        "······························┌────────────────┐······························",
        "······························│ total = 0.1871 │······························",
        "······························└────────────────┘······························",
        "··············································································",
    ])
    #expect(buffer[12, 14].style == theme[.highlightPath])
    #expect(buffer[46, 14].style == theme[.node])
    // The same area in .auto mode shows the compact list.
    let auto = modelDiagram(model: twoHeadsModel(), theme: theme, glyphs: .unicode)
    #expect(render(auto, width: 78, height: 30)[0].hasPrefix("x    InputLayer"))
}

@Test func cyclicOrDanglingGraphsDrawWithoutHangingOrLeavingTheArea() {
    // Bad input from a half-parsed summary: a cycle, a self-loop and an unknown inbound name.
    let model = ModelGraph(name: "broken", layers: [
        Layer(name: "a", className: "Dense", inbound: ["b", "ghost"]),
        Layer(name: "b", className: "Dense", inbound: ["a"]),
        Layer(name: "c", className: "Dense", inbound: ["c", "b"]),
    ], inputs: [], outputs: [OutputSpec(name: "c")], provenance: .summaryTable)
    for mode in [GraphDiagram.Mode.auto, .fit, .diagram, .compact] {
        var buffer = Buffer(size: Size(width: 40, height: 30), filling: Cell("x"))
        modelDiagram(model: model, theme: .dark, glyphs: .unicode, mode: mode)
            .render(into: &buffer, area: Rect(x: 1, y: 1, width: 38, height: 28))
        #expect(buffer.lines[0] == String(repeating: "x", count: 40))
        #expect(buffer.lines[29] == String(repeating: "x", count: 40))
        #expect(buffer.lines.allSatisfy { $0.hasPrefix("x") && $0.hasSuffix("x") })
        #expect(buffer.lines.contains { $0.contains("Dense") })
    }
}
