import Testing
import TerminalCore
@testable import Widgets

@Test func panelDrawsBorderWithTitleAndLeavesInsideUntouched() {
    let panel = Panel(title: "Loss", theme: .dark, glyphs: .unicode)
    #expect(render(panel, width: 12, height: 3) == [
        "┌─ Loss ───┐",
        "│xxxxxxxxxx│",
        "└──────────┘",
    ])
    #expect(panel.inner(of: Rect(x: 0, y: 0, width: 12, height: 3)) == Rect(x: 1, y: 1, width: 10, height: 1))
}

@Test func focusedPanelUsesTheFocusedBorderStyle() {
    let theme = Theme.dark
    let focused = renderBuffer(Panel(title: "Chart", focused: true, theme: theme, glyphs: .unicode), width: 12, height: 3)
    let unfocused = renderBuffer(Panel(title: "Chart", focused: false, theme: theme, glyphs: .unicode), width: 12, height: 3)
    #expect(focused[0, 1].style == theme[.borderFocused])
    #expect(unfocused[0, 1].style == theme[.border])
}

@Test func panelTitleIsCutWithAnEllipsisWhenTooLong() {
    let panel = Panel(title: "Validation accuracy", trailingTitle: "log", theme: .dark, glyphs: .unicode)
    #expect(render(panel, width: 12, height: 2) == [
        "┌─ Valid… ─┐",
        "└──────────┘",
    ])
}

@Test func listScrollsToKeepTheSelectionVisibleAndMarksIt() {
    let theme = Theme.dark
    let list = ListView(rows: [[Span("loss")], [Span("acc")], [Span("lr")]], selected: 2, theme: theme, glyphs: .unicode)
    let buffer = renderBuffer(list, width: 8, height: 2)
    #expect(buffer.lines == [
        "  accxxx",
        "▶ lr    ",
    ])
    #expect(buffer[7, 1].style == theme[.selection])
    #expect(buffer[2, 1].style.background == theme[.selection].background)
}

@Test func textWrapsAtWordsAndSplitsOverlongWords() {
    #expect(TextView.wrap("the quick brown fox", width: 10) == ["the quick", "brown fox"])
    #expect(TextView.wrap("binary_crossentropy", width: 8) == ["binary_c", "rossentr", "opy"])
    #expect(TextView.wrap("", width: 8) == [""])
}

@Test func textViewScrollsByWrappedLines() {
    let view = TextView(text: "one two three four", style: .plain, scroll: 1)
    // Wrapped: "one two", "three", "four"; scrolled by one.
    #expect(render(view, width: 9, height: 2) == ["threexxxx", "fourxxxxx"])
}

@Test func helpOverlayIsACentredBoxOfKeysAndActions() {
    let help = HelpOverlay(title: "Keys", bindings: [(key: "q", action: "quit"), (key: "?", action: "help")],
                           theme: .dark, glyphs: .unicode)
    #expect(render(help, width: 16, height: 6) == [
        "xxxxxxxxxxxxxxxx",
        "xx┌─ Keys ──┐xxx",
        "xx│ q  quit │xxx",
        "xx│ ?  help │xxx",
        "xx└─────────┘xxx",
        "xxxxxxxxxxxxxxxx",
    ])
}

@Test func progressBarFillsInEighthsOfACell() {
    let bar = ProgressBar(fraction: 0.53, glyphs: .unicode, style: .plain, emptyStyle: .plain)
    // 0.53 of 8 cells is 4.24 cells: four full, one eighth, then empty.
    #expect(render(bar, width: 8) == ["████▏░░░"])
    #expect(render(ProgressBar(fraction: .nan, glyphs: .ascii, style: .plain, emptyStyle: .plain), width: 4) == ["----"])
    #expect(render(ProgressBar(fraction: 2, glyphs: .ascii, style: .plain, emptyStyle: .plain), width: 4) == ["####"])
}

@Test func glyphsFollowTheLocaleLikePOSIXLookup() {
    #expect(Glyphs.forEnvironment(["LANG": "en_US.UTF-8"]) == .unicode)
    #expect(Glyphs.forEnvironment(["LC_ALL": "C", "LANG": "en_US.UTF-8"]) == .ascii)
    #expect(Glyphs.forEnvironment(["LC_CTYPE": "C.utf8"]) == .unicode)
    #expect(Glyphs.forEnvironment([:]) == .ascii)
}

@Test func panelShowsTheTrailingTitleAtTheRightWhenThereIsRoom() {
    let panel = Panel(title: "Chart", trailingTitle: "log", theme: .dark, glyphs: .ascii)
    #expect(render(panel, width: 20, height: 2) == [
        "+- Chart ---- log -+",
        "+------------------+",
    ])
}

@Test func listHonoursAnExplicitOffsetAndClampsIt() {
    let rows = (1...5).map { [Span("row \($0)")] }
    let list = ListView(rows: rows, selected: nil, offset: 9, theme: .dark, glyphs: .ascii, showsMarker: false)
    // Offset 9 of 5 rows in 2 lines clamps to the last two rows.
    #expect(render(list, width: 6, height: 2) == ["row 4x", "row 5x"])
}

@Test func helpOverlayShowsSectionHeadingsAndAFooter() {
    // The footer (10 columns) sets the width; a blank line separates it from the keys.
    let help = HelpOverlay(title: "Keys", bindings: [(key: "", action: "Chart"), (key: "l", action: "log")],
                           footer: "theme dark", theme: .dark, glyphs: .ascii)
    #expect(render(help, width: 16, height: 7) == [
        "x+- Keys -----+x",
        "x| Chart      |x",
        "x| l  log     |x",
        "x|            |x",
        "x| theme dark |x",
        "x+------------+x",
        "xxxxxxxxxxxxxxxx",
    ])
}

@Test func sparklineOfOnlyNaNIsAllMarkers() {
    #expect(render(Sparkline(values: [.nan, .nan], glyphs: .unicode, style: .plain), width: 3) == ["××x"])
}
