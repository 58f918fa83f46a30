import Foundation
import Testing
import TerminalCore
import TrainingCore
import TrainingLog
@testable import Monitor

/// The chart's y axis on the demo's own run: Boston housing in the training core, whose
/// loss starts in the thousands and settles around 20-60.
@Suite struct RobustScaleTests {
    /// The demo run (`fitwatch` with no arguments), trained here: the same spec and seed.
    static func demoEvents() throws -> [TrainingEvent] {
        let url = try #require(DemoCatalog.spec(named: DemoCatalog.demoName))
        let session = try TrainingSession(spec: try RunSpec(contentsOf: url))
        var events: [TrainingEvent] = []
        try session.run { events.append($0) }
        return events
    }

    /// The plot rows (0 = top) holding braille dots in plot columns from `firstColumn` on,
    /// and the plot's height, read off the chart panel of a rendered screen.
    static func dotRows(_ lines: [String], firstColumn: Int) -> (rows: [Int], height: Int) {
        let grid = lines.map(Array.init)
        // The x axis: the first line with the axis corner inside the main panel.
        guard let axisRow = grid.firstIndex(where: { $0.contains("└") && $0.contains("┬") }),
              let axisX = grid[axisRow].firstIndex(of: "└") else { return ([], 0) }
        // The plot starts under the panel's top border: the rows above the axis whose axis column is a y-axis glyph.
        var top = axisRow
        while top > 0, ["│", "┤", "▲", "▼"].contains(grid[top - 1][axisX]) { top -= 1 }
        var rows: [Int] = []
        for row in top..<axisRow {
            let cells = grid[row]
            let hasDot = cells.indices.contains { column in
                column > axisX + firstColumn && column < cells.count - 1
                    && (0x2801...0x28FF).contains(cells[column].unicodeScalars.first!.value)
            }
            if hasDot { rows.append(row - top) }
        }
        return (rows, axisRow - top)
    }

    @Test(arguments: [Size(width: 120, height: 40), Size(width: 80, height: 24)])
    func demoLossSpreadsEpochsAfterTheFirstOverTheChart(size: Size) throws {
        let events = try Self.demoEvents()
        let epochs = events.compactMap { if case .epochEnded(let record) = $0 { return record } else { return nil } }
        // The premise: epoch 1 is an outlier two orders of magnitude above the rest.
        let losses = epochs.map { $0.metrics["loss"]! }
        #expect(losses[0] > 100 * losses[1...].sorted()[losses.count / 2])
        var state = RunFixtures.state(source: "demo", events: events, size: size)
        let robust = MonitorView.render(state).lines
        // Epoch 2 sits in plot column 0 or 1 at these widths: columns from 2 on hold epochs 3-100.
        let spread = Self.dotRows(robust, firstColumn: 2)
        let covered = (spread.rows.max() ?? 0) - (spread.rows.min() ?? 0) + 1
        #expect(spread.height >= 8)
        #expect(Double(covered) >= 0.75 * Double(spread.height),
                "epochs 3-100 cover \(covered) of \(spread.height) rows:\n\(robust.joined(separator: "\n"))")
        // The axis says so: epoch 1 is off the top, marked on the edge and in the title.
        #expect(robust.contains { $0.contains("clipped ▲") }, "\(robust.joined(separator: "\n"))")
        #expect(robust.contains { $0.contains("▲┤") || $0.contains("▲") && $0.contains("│") })

        // `r` draws the full range: epoch 1 flattens the rest into the bottom quarter.
        _ = state.update(.key(.character("r")))
        let full = MonitorView.render(state).lines
        let flat = Self.dotRows(full, firstColumn: 2)
        let flatCovered = (flat.rows.max() ?? 0) - (flat.rows.min() ?? 0) + 1
        #expect(Double(flatCovered) <= 0.25 * Double(flat.height), "full range:\n\(full.joined(separator: "\n"))")
        #expect(full.contains { $0.contains("full range") })
        #expect(!full.contains { $0.contains("clipped") })
    }

    @Test func includeZeroPutsZeroOnTheAxis() throws {
        var state = RunFixtures.state(source: "demo", events: try Self.demoEvents(), size: Size(width: 120, height: 40))
        _ = state.update(.key(.character("z")))
        let lines = MonitorView.render(state).lines
        #expect(lines.contains { $0.contains("incl. 0") })
        // The bottom tick of the y axis reads 0.
        #expect(lines.contains { $0.range(of: #"│\s+0┤"#, options: .regularExpression) != nil || $0.range(of: #"\s0[┤▼]"#, options: .regularExpression) != nil },
                "\(lines.joined(separator: "\n"))")
    }
}
