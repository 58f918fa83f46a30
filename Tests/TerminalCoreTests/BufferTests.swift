import Testing
@testable import TerminalCore

@Test func writeClipsToRectAndBuffer() {
    var buffer = Buffer(size: Size(width: 6, height: 2), filling: Cell("x"))
    buffer.write("hello world", x: 1, y: 0, clip: Rect(x: 0, y: 0, width: 4, height: 1))
    buffer.write("ab", x: 5, y: 1)
    #expect(buffer.lines == ["xhelxx", "xxxxxa"])
}

@Test func diffReportsOnlyChangedCells() {
    var before = Buffer(size: Size(width: 4, height: 1))
    before.write("abcd", x: 0, y: 0)
    var after = before
    after.write("Z", x: 2, y: 0)
    let changes = after.changes(since: before)
    #expect(changes.count == 1)
    #expect(changes.first?.x == 2 && changes.first?.cell.character == "Z")
    #expect(after.changes(since: nil).count == 4)
}
