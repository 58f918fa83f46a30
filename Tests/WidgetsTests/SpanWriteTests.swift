import Testing
import TerminalCore
@testable import Widgets

/// A line of spans cut at its clip says it was cut: at 80x24 the evaluate line under a chart
/// ended `out2_accuracy 0.8400` with `out2_loss` gone and no sign of it.
@Test func spansCutAtTheClipEndInAnEllipsis() {
    var buffer = Buffer(size: Size(width: 20, height: 2))
    let spans = [Span("V evaluate: "), Span("loss 0.2368 out1_loss 0.1627")]
    let end = buffer.write(spans, x: 0, y: 0, clip: Rect(x: 0, y: 0, width: 16, height: 1), ellipsis: "…")
    #expect(end == 16)
    #expect(buffer.lines[0] == "V evaluate: los…    ")
    // What fits is written whole, with no ellipsis.
    _ = buffer.write([Span("loss 0.2368")], x: 0, y: 1, clip: Rect(x: 0, y: 1, width: 16, height: 1), ellipsis: "…")
    #expect(buffer.lines[1] == "loss 0.2368         ")
    // Without one asked for, a cut is silent (the chart's own cells are never touched).
    var plain = Buffer(size: Size(width: 10, height: 1))
    _ = plain.write([Span("0123456789abc")], x: 0, y: 0, clip: Rect(x: 0, y: 0, width: 10, height: 1))
    #expect(plain.lines[0] == "0123456789")
}
