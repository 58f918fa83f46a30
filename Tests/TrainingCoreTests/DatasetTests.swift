import Foundation
import Testing
import TestSupport
@testable import TrainingCore

/// The CSV reader behind run specs: cells are cut and trimmed in place, so it must read every
/// shipped dataset exactly as splitting each line and trimming each cell does, and say which
/// cell of which line is wrong.
@Suite struct DatasetTests {
    /// Each line split at commas, each cell trimmed of blanks: the plain reading of a CSV.
    private func reference(_ text: String) -> [Float] {
        let lines = text.split(whereSeparator: \.isNewline).dropFirst()
        return lines.flatMap { line in
            line.split(separator: ",", omittingEmptySubsequences: false).map { Float($0.trimmingCharacters(in: .whitespaces))! }
        }
    }

    @Test(arguments: ["housing.csv", "iris.csv", "digits.csv", "breast_cancer.csv", "two_heads.csv"])
    func readsEveryShippedDatasetAsSplittingAndTrimmingDoes(file: String) throws {
        let url = Fixtures.packageRoot.appendingPathComponent("Sources/TrainingCore/DemoData/\(file)")
        let text = try String(contentsOf: url, encoding: .utf8)
        let data = try Dataset(csv: text, name: file)
        let expected = reference(text)
        #expect(data.values.count == expected.count)
        #expect(data.values == expected, "\(file): the values differ")
        #expect(data.rows * data.columns.count == data.values.count)
    }

    @Test func blanksAroundCellsAndWindowsLineEndsAreRead() throws {
        let data = try Dataset(csv: "a, b ,c\r\n 1,\t2.5 , -3e2\r\n4,5,6\r\n\r\n", name: "t.csv")
        #expect(data.columns == ["a", "b", "c"])
        #expect(data.values == [1, 2.5, -300, 4, 5, 6])
        #expect(data.rows == 2)
        // A no-break space around a number is a blank too.
        #expect(try Dataset(csv: "a,b\n1,\u{00A0}2\u{00A0}\n", name: "t.csv").values == [1, 2])
    }

    @Test func aShortRowAndAWordNameTheirLineAndColumn() {
        #expect(throws: SpecError("t.csv line 3: 2 cells, the header has 3")) {
            try Dataset(csv: "a,b,c\n1,2,3\n4,5\n", name: "t.csv")
        }
        #expect(throws: SpecError("t.csv line 2, column 'b': 'two' is not a number")) {
            try Dataset(csv: "a,b\n1,  two \n", name: "t.csv")
        }
        #expect(throws: SpecError("t.csv line 2, column 'b': '' is not a number")) {
            try Dataset(csv: "a,b\n1,\n", name: "t.csv")
        }
    }
}
