import Foundation

/// A numeric CSV table: a header of column names and rows of numbers.
public struct Dataset: Sendable, Equatable {
    /// Column names, in file order.
    public let columns: [String]
    /// Values, row-major, `rows x columns.count`.
    public let values: [Float]
    /// Number of data rows.
    public let rows: Int

    /// Parse CSV text (`name` is used in error messages). Every cell must be a number.
    public init(csv text: String, name: String) throws {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        guard let header = lines.first else { throw SpecError("\(name): the file is empty") }
        columns = header.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        guard lines.count > 1 else { throw SpecError("\(name): no data rows after the header") }
        var values: [Float] = []
        values.reserveCapacity((lines.count - 1) * columns.count)
        for (offset, line) in lines.dropFirst().enumerated() {
            // Cells are cut and trimmed in place (no string per cell: a 300 KB file has 100,000).
            let bytes = line.utf8
            let cells = bytes.reduce(1) { $1 == UInt8(ascii: ",") ? $0 + 1 : $0 }
            guard cells == columns.count else {
                throw SpecError("\(name) line \(offset + 2): \(cells) cells, the header has \(columns.count)")
            }
            var start = bytes.startIndex
            for c in 0..<cells {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: ",")) ?? bytes.endIndex
                var (low, high) = (start, end)
                while low < high, bytes[low] == 32 || bytes[low] == 9 { low = bytes.index(after: low) }
                while low < high, bytes[bytes.index(before: high)] == 32 || bytes[bytes.index(before: high)] == 9 {
                    high = bytes.index(before: high)
                }
                if let number = Float(line[low..<high]) {
                    values.append(number)
                } else {
                    // Other blanks (a no-break space) are trimmed as the message shows the cell.
                    let trimmed = line[start..<end].trimmingCharacters(in: .whitespaces)
                    guard let number = Float(trimmed) else {
                        throw SpecError("\(name) line \(offset + 2), column '\(columns[c])': '\(trimmed)' is not a number")
                    }
                    values.append(number)
                }
                if end < bytes.endIndex { start = bytes.index(after: end) }
            }
        }
        self.values = values
        rows = lines.count - 1
    }

    /// Read and parse a CSV file.
    public init(contentsOf url: URL) throws {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw SpecError("\(url.path): cannot read the data file (\(error.localizedDescription))")
        }
        try self.init(csv: text, name: url.lastPathComponent)
    }

    /// The index of `column`, or an error naming the file's columns.
    public func index(of column: String, file: String) throws -> Int {
        guard let index = columns.firstIndex(of: column) else {
            throw SpecError("\(file): no column '\(column)' (columns: \(columns.joined(separator: ", ")))")
        }
        return index
    }

    /// The chosen columns as a matrix.
    public func matrix(columns indices: [Int]) -> Matrix {
        var out = [Float]()
        out.reserveCapacity(rows * indices.count)
        let width = columns.count
        for r in 0..<rows {
            for c in indices { out.append(values[r * width + c]) }
        }
        return Matrix(rows: rows, cols: indices.count, values: out)
    }
}
