/// Reads a printed `model.summary()` table, line by line, into a `ModelGraph` with provenance
/// `.summaryTable`: layer names, classes, output shapes, parameter counts, and edges from the
/// `Connected to` column (functional models) or the row order (Sequential).
///
/// Handles Keras 3's rich box-drawing tables (`┏━┳┓ ┃ ┡╇┩ │ ├┼┤ └┴┘`, cells that wrap onto
/// continuation lines) and Keras 2 / tf-keras ASCII tables (`_` and `=` rules, columns found
/// from the header's offsets, extra inbound layers on continuation lines). Lines must have
/// escape sequences removed; trailing spaces do not matter.
public struct SummaryTableParser: Sendable {
    /// What a line did.
    public enum Step: Sendable, Equatable {
        /// Not part of a table; the parser is idle.
        case notTable
        /// Part of a table still being read.
        case consumed
        /// A table ended. `lineConsumed` is false when the line that ended it belongs to what
        /// follows and must be handled by the caller.
        case finished(ModelGraph, lineConsumed: Bool)
    }

    private enum State: Sendable { case idle, sawTitle, inTable }
    private struct Row: Sendable {
        var cells: [String]
    }

    private var state = State.idle
    private var name = "model"
    private var boxed = false
    /// Column start offsets (in characters) of an ASCII table's header.
    private var columnStarts: [Int] = []
    private var hasConnectedColumn = false
    private var rows: [Row] = []
    private var rowOpen = false

    public init() {}

    /// Parses a whole printed summary (tests, `--model` text files).
    public static func parse(_ text: String) -> ModelGraph? {
        var parser = SummaryTableParser()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
            if case .finished(let graph, _) = parser.consume(trimmed) { return graph }
        }
        return parser.finish()
    }

    /// Feeds one line.
    public mutating func consume(_ rawLine: String) -> Step {
        let line = rawLine.trimmingTrailingSpaces
        switch state {
        case .idle:
            if line.hasPrefix("Model: ") {
                startTable(named: line)
                return .consumed
            }
            return .notTable
        case .sawTitle:
            if line.hasPrefix("┏") {
                boxed = true
                state = .inTable
                return .consumed
            }
            if !line.isEmpty, line.allSatisfy({ $0 == "_" }) {
                boxed = false
                state = .inTable
                return .consumed
            }
            state = .idle
            return consume(rawLine)
        case .inTable:
            return boxed ? consumeBoxed(line) : consumeASCII(line)
        }
    }

    /// The input ended: a table cut short still yields its rows.
    public mutating func finish() -> ModelGraph? {
        defer { reset() }
        guard state == .inTable, !rows.isEmpty else { return nil }
        return buildGraph()
    }

    private mutating func startTable(named line: String) {
        reset()
        state = .sawTitle
        var title = line.dropFirst("Model: ".count)
        if title.hasPrefix("\""), title.hasSuffix("\""), title.count >= 2 { title = title.dropFirst().dropLast() }
        name = String(title)
    }

    private mutating func reset() {
        state = .idle
        columnStarts = []
        hasConnectedColumn = false
        rows = []
        rowOpen = false
    }

    // MARK: Footer

    /// ` Total params: 1,106 (4.32 KB)` and friends; returns true when the line is one.
    private func consumeFooter(_ line: String) -> Bool {
        let text = line.drop { $0 == " " }
        return ["Total params:", "Trainable params:", "Non-trainable params:", "Optimizer params:"]
            .contains { text.hasPrefix($0) }
    }

    private mutating func endAfterFooter(_ line: String) -> Step {
        let text = line.drop { $0 == " " }
        if text.hasPrefix("Non-trainable params:") || text.hasPrefix("Optimizer params:") {
            let graph = buildGraph()
            reset()
            return .finished(graph, lineConsumed: true)
        }
        return .consumed
    }

    // MARK: Keras 3 box tables

    private mutating func consumeBoxed(_ line: String) -> Step {
        guard let first = line.first else { return .consumed }
        switch first {
        case "┃":
            let cells = splitBoxed(line, separator: "┃")
            hasConnectedColumn = cells.contains { $0.hasPrefix("Connected to") }
            return .consumed
        case "┡", "├", "┏":
            rowOpen = false
            return .consumed
        case "└":
            rowOpen = false
            return .consumed
        case "│":
            let cells = splitBoxed(line, separator: "│")
            if rowOpen, var last = rows.popLast() {
                // A wrapped cell continues on this line.
                for (index, cell) in cells.enumerated() where !cell.isEmpty {
                    if index < last.cells.count {
                        last.cells[index] += last.cells[index].isEmpty ? cell : " " + cell
                    }
                }
                rows.append(last)
            } else {
                rows.append(Row(cells: cells))
                rowOpen = true
            }
            return .consumed
        default:
            if consumeFooter(line) { return endAfterFooter(line) }
            return finishEarly()
        }
    }

    private func splitBoxed(_ line: String, separator: Character) -> [String] {
        var parts = line.split(separator: separator, omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: " ")
        }
        if parts.first == "" { parts.removeFirst() }
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    // MARK: Keras 2 ASCII tables

    private mutating func consumeASCII(_ line: String) -> Step {
        if line.isEmpty {
            rowOpen = false
            return .consumed
        }
        if line.allSatisfy({ $0 == "_" || $0 == "=" }) {
            rowOpen = false
            return .consumed
        }
        if consumeFooter(line) { return endAfterFooter(line) }
        if columnStarts.isEmpty {
            guard line.contains("Layer (type)") else { return finishEarly() }
            let characters = Array(line)
            columnStarts = [0]
            for header in ["Output Shape", "Param #", "Connected to"] {
                if let offset = find(header, in: characters) { columnStarts.append(offset) }
            }
            hasConnectedColumn = line.contains("Connected to")
            return .consumed
        }
        let characters = Array(line)
        var cells: [String] = []
        for (index, start) in columnStarts.enumerated() {
            let end = index + 1 < columnStarts.count ? columnStarts[index + 1] : characters.count
            if start >= characters.count { cells.append(""); continue }
            // Clamped: a header naming its columns out of order (`Param #` before `Output Shape`)
            // trapped here on a range with its end before its start (found by fuzzing).
            cells.append(String(characters[start..<max(start, min(end, characters.count))]).trimmingCharacters(in: " "))
        }
        if cells.first?.isEmpty == true, rowOpen, var last = rows.popLast() {
            for (index, cell) in cells.enumerated() where !cell.isEmpty && index < last.cells.count {
                last.cells[index] += last.cells[index].isEmpty ? cell : " " + cell
            }
            rows.append(last)
        } else {
            rows.append(Row(cells: cells))
            rowOpen = true
        }
        return .consumed
    }

    private func find(_ needle: String, in characters: [Character]) -> Int? {
        let target = Array(needle)
        guard characters.count >= target.count else { return nil }
        for start in 0...(characters.count - target.count) where Array(characters[start..<start + target.count]) == target {
            return start
        }
        return nil
    }

    private mutating func finishEarly() -> Step {
        guard !rows.isEmpty else {
            reset()
            return .notTable
        }
        let graph = buildGraph()
        reset()
        return .finished(graph, lineConsumed: false)
    }

    // MARK: Graph

    private func buildGraph() -> ModelGraph {
        var layers: [Layer] = []
        for row in rows {
            guard let first = row.cells.first, !first.isEmpty else { continue }
            let (layerName, className) = Self.nameAndClass(first)
            let shape = row.cells.count > 1 ? Self.shape(row.cells[1]) : nil
            let parameters = row.cells.count > 2 ? Self.count(row.cells[2]) : nil
            var inbound: [String] = []
            if hasConnectedColumn, row.cells.count > 3 { inbound = Self.inbound(row.cells[3]) }
            layers.append(Layer(name: layerName, className: className, outputShape: shape,
                                parameters: parameters, inbound: inbound))
        }
        if !hasConnectedColumn {
            // Sequential: each layer feeds the next.
            for index in layers.indices.dropFirst() { layers[index].inbound = [layers[index - 1].name] }
        }
        let consumed = Set(layers.flatMap(\.inbound))
        var inputs = layers.filter { $0.className == "InputLayer" }.map(\.name)
        if inputs.isEmpty, let first = layers.first { inputs = [first.name] }
        let outputs = layers.filter { !consumed.contains($0.name) && $0.className != "InputLayer" }
            .map { OutputSpec(name: $0.name) }
        return ModelGraph(name: name, layers: layers, inputs: inputs, outputs: outputs, provenance: .summaryTable)
    }

    /// `dense_1 (Dense)` -> ("dense_1", "Dense").
    static func nameAndClass(_ cell: String) -> (String, String) {
        guard let open = cell.lastIndex(of: "("), cell.hasSuffix(")") else {
            return (cell, "Layer")
        }
        let name = cell[..<open].trimmingCharacters(in: " ")
        let className = cell[cell.index(after: open)..<cell.index(before: cell.endIndex)]
        return (name, String(className))
    }

    /// `(None, 8)`, `[(None, 4)]`, `(None, 28, 28, 1)` -> the shape without the batch axis.
    static func shape(_ cell: String) -> [Int?]? {
        guard let open = cell.firstIndex(of: "("), let close = cell[open...].firstIndex(of: ")") else { return nil }
        let parts = cell[cell.index(after: open)..<close].split(separator: ",").map { $0.trimmingCharacters(in: " ") }
        guard !parts.isEmpty else { return nil }
        return parts.dropFirst().filter { !$0.isEmpty }.map { Int($0) }
    }

    /// `1,106` -> 1106; `0 (unbuilt)` -> 0.
    static func count(_ cell: String) -> Int? {
        let digits = cell.prefix { $0.isNumber || $0 == "," }.filter { $0 != "," }
        return Int(digits)
    }

    /// `x[0][0]`, `A[0][0], B[0][0]`, `['a[0][0]',` (tf-keras), `-` -> layer names.
    static func inbound(_ cell: String) -> [String] {
        var names: [String] = []
        for token in cell.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "'" || $0 == "\"" }) {
            guard let bracket = token.firstIndex(of: "[") else { continue }
            let name = String(token[..<bracket])
            if !name.isEmpty, !names.contains(name) { names.append(name) }
        }
        return names
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " { end = index(before: end) }
        return String(self[..<end])
    }
}

extension StringProtocol {
    func trimmingCharacters(in character: Character) -> String {
        var start = startIndex
        var end = endIndex
        while start < end, self[start] == character { start = index(after: start) }
        while end > start, self[index(before: end)] == character { end = index(before: end) }
        return String(self[start..<end])
    }
}
