import Testing
@testable import Diagnostics

// The rules that quote Keras's own words find the line in a message that may be a whole
// traceback; the quoted line is what a user reads as the finding's evidence.

private let traceback = """
    Traceback (most recent call last):
      File "train.py", line 41, in <module>
        model.fit(x, y, epochs=5)
    ValueError: Arguments `target` and `output` must have the same shape up until the last dimension: \
    target.shape=(None, 3), output.shape=(None, 3, 3)\u{20}\u{20}
    """

@Test func theQuotedLineIsTheOneHoldingTheMarkerWithoutItsIndentOrTrailingBlanks() {
    let line = Diagnostics.line(in: traceback, holding: ["must have the same shape up until the last dimension"])
    #expect(line == "ValueError: Arguments `target` and `output` must have the same shape up until the last dimension: "
        + "target.shape=(None, 3), output.shape=(None, 3, 3)")
    #expect(Diagnostics.line(in: traceback, holding: ["model.fit("]) == "model.fit(x, y, epochs=5)")
}

@Test func aTextWithoutTheMarkerGivesNoLine() {
    #expect(Diagnostics.line(in: traceback, holding: ["SparseSoftmaxCrossEntropyWithLogits"]) == nil)
    #expect(Diagnostics.line(in: "", holding: ["loss"]) == nil)
}

@Test func thePredicateChoosesAmongLinesHoldingTheMarker() {
    let text = "note: compile_metrics: is a tracker\n  compile_metrics: 0.9210\n"
    #expect(Diagnostics.line(in: text, holding: ["compile_metrics:"], where: { $0.hasPrefix("compile_metrics:") })
        == "compile_metrics: 0.9210")
    #expect(Diagnostics.line(in: text, holding: ["compile_metrics:"], where: { $0.hasPrefix("loss") }) == nil)
}

@Test func byteSearchFindsTextAnywhereIncludingAfterNonASCII() {
    #expect(Diagnostics.holds("Épochs: ✓ from_logits=True", "from_logits=True"))
    #expect(Diagnostics.holds("abc", "abc"))
    #expect(Diagnostics.holds("ababac", "abac"))
    #expect(!Diagnostics.holds("ab", "abc"))
    #expect(!Diagnostics.holds("from_logits=Tru", "from_logits=True"))
    #expect(Diagnostics.holds("x"[...], ""))
    let slice = "first line\nsecond line".split(separator: "\n")[1]
    #expect(Diagnostics.holds(slice, "second") && !Diagnostics.holds(slice, "first"))
}

@Test func firstLineFallsBackToTheFirstLineWhenNoLineHoldsTheWord() {
    #expect(Diagnostics.firstLine("  Epoch 3: invalid loss, terminating\nmore", containing: "loss")
        == "Epoch 3: invalid loss, terminating")
    #expect(Diagnostics.firstLine("  first\nsecond", containing: "absent") == "first")
}
