import Testing
import RunModel
import TerminalCore
import TrainingLog
import Widgets
@testable import Monitor

/// The grid of charts (`a`): every metric family as a small chart, arrows between cells,
/// Enter opens one full size and Esc comes back; pages when more cells exist than fit.
@Suite struct GridTests {
    /// The two-heads run (Keras 3, S4): five families (loss, out1_loss, out1_mae, out2_loss, out2_accuracy).
    static func twoHeads(size: Size) throws -> MonitorState {
        RunFixtures.state(source: "two_heads.log", events: try RunFixtures.epochEvents(csv: "k3_s4_multi_output_functional"), size: size)
    }

    /// A run logging `families` metric families `m0_loss`... (and their validation twins)
    /// over 40 epochs of 10 steps and 65 s each.
    static func wide(families: Int, size: Size) -> MonitorState {
        var events: [TrainingEvent] = [.runStarted(RunStart(epochs: 40, format: .keras3))]
        for epoch in 1...40 {
            var metrics = MetricValues()
            for family in 0..<families {
                let value = 1 / Double(epoch) + Double(family)
                metrics["m\(family)_loss"] = value
                metrics["val_m\(family)_loss"] = value * 1.1
            }
            events.append(.epochEnded(EpochRecord(epoch: epoch, of: 40, steps: 10, seconds: 65, metrics: metrics)))
        }
        return RunFixtures.state(source: "wide.log", events: events, size: size)
    }

    /// The titles of the grid's cells on screen, in reading order (`▶ ` marks the selected one).
    static func cellTitles(_ lines: [String]) -> [String] {
        lines.flatMap { line -> [String] in
            line.components(separatedBy: "┌─ ").dropFirst().compactMap { part in
                guard let end = part.range(of: " ─") else { return nil }
                return String(part[..<end.lowerBound])
            }
        }.filter { !$0.hasPrefix("Charts") }
    }

    /// Each cell's top border (`┌─ name ─── log ─┐`), split from the others on its row.
    static func cellTops(_ lines: [String]) -> [String] {
        lines.flatMap { line in line.components(separatedBy: "┌").dropFirst().map { "┌" + $0 } }
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 120, height: 40)])
    func theGridShowsEveryFamilyAsAChart(size: Size) throws {
        var state = try Self.twoHeads(size: size)
        _ = state.update(.key(.character("a")))
        #expect(state.mode == .grid)
        let lines = MonitorView.render(state).lines
        let titles = Self.cellTitles(lines)
        #expect(titles == ["▶ loss ↓", "out1_loss ↓", "out1_mae ↓", "out2_loss ↓", "out2_accuracy ↑"], "\(titles)")
        // The metrics table gives way to the grid.
        #expect(!lines.contains { $0.contains("best@epoch") })
        SnapshotAssertion.check(lines, named: "grid-two-heads-\(size.width)x\(size.height)")
    }

    @Test func arrowsMoveBetweenCellsEnterOpensOneAndEscComesBack() throws {
        var state = try Self.twoHeads(size: Size(width: 80, height: 24))
        _ = state.update(.key(.character("a")))
        // Three cells a row at 80 columns: → one cell, ↓ one row.
        _ = state.update(.key(.right))
        #expect(Self.cellTitles(MonitorView.render(state).lines)[1] == "▶ out1_loss ↓")
        _ = state.update(.key(.down))
        #expect(state.selectedFamily?.name == "out2_accuracy")
        _ = state.update(.key(.up))
        _ = state.update(.key(.right))
        #expect(state.selectedFamily?.name == "out1_mae")
        _ = state.update(.key(.enter))
        var lines = MonitorView.render(state).lines
        #expect(state.mode == .chart)
        // The full-size chart of that family, with the metrics table back.
        #expect(lines.contains { $0.hasPrefix("┌─ out1_mae ─") }, "\(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0.contains("best@epoch") })
        #expect(lines.last?.contains("Esc a back to grid") == true)
        _ = state.update(.key(.escape))
        #expect(state.mode == .grid && state.selectedFamily?.name == "out1_mae")
        // `a` also goes back from the full-size chart, and `a` in the grid leaves it.
        _ = state.update(.key(.enter))
        _ = state.update(.key(.character("a")))
        #expect(state.mode == .grid)
        _ = state.update(.key(.character("a")))
        #expect(state.mode == .chart)
        lines = MonitorView.render(state).lines
        #expect(lines.contains { $0.contains("best@epoch") })
    }

    @Test func eachCellHasItsOwnLogToggle() throws {
        var state = try Self.twoHeads(size: Size(width: 120, height: 40))
        _ = state.update(.key(.character("a")))
        _ = state.update(.key(.right))
        _ = state.update(.key(.character("l")))
        var lines = MonitorView.render(state).lines
        // Only out1_loss's cell says log; the full chart's own scale is untouched.
        let logCells = Self.cellTops(lines).filter { $0.contains(" log ─") }
        #expect(logCells.count == 1 && logCells[0].contains("▶ out1_loss ↓ ──"), "\(logCells)")
        #expect(state.gridLog == ["out1_loss"] && !state.chart.logScale)
        // Full size, the cell's scale comes along; `l` there toggles both.
        _ = state.update(.key(.enter))
        lines = MonitorView.render(state).lines
        let title = try #require(lines.first { $0.hasPrefix("┌─ out1_loss ─") })
        #expect(title.contains("per epoch · log"), "\(title)")
        _ = state.update(.key(.character("l")))
        _ = state.update(.key(.escape))
        lines = MonitorView.render(state).lines
        #expect(state.mode == .grid && state.gridLog.isEmpty && !Self.cellTops(lines).contains { $0.contains(" log ─") })
    }

    @Test func moreCellsThanFitArePagedWithASign() throws {
        var state = Self.wide(families: 20, size: Size(width: 80, height: 24))
        _ = state.update(.key(.character("a")))
        var lines = MonitorView.render(state).lines
        // 80x24 holds 3 x 2 cells of at least 26 x 7.
        #expect(Self.cellTitles(lines).count == 6)
        #expect(lines.contains { $0.contains("page 1/4") })
        #expect(lines.contains { $0.contains("▼ 14 more: PgDn") }, "\(lines.joined(separator: "\n"))")
        SnapshotAssertion.check(lines, named: "grid-20-families-page1-80x24")
        _ = state.update(.key(.pageDown))
        lines = MonitorView.render(state).lines
        #expect(Self.cellTitles(lines).first == "▶ m6_loss ↓")
        #expect(lines.contains { $0.contains("▲ 6 before: PgUp") && $0.contains("▼ 8 more: PgDn") })
        // ↓ from the page's last row goes on to the next page.
        _ = state.update(.key(.down))
        _ = state.update(.key(.down))
        #expect(state.selectedMetric == 12 && MonitorView.render(state).lines.contains { $0.contains("page 3/4") })
    }

    /// A frame with no new data reuses each cell's y scale; new data never draws on a scale
    /// kept from before it.
    @Test func aCellsScaleFollowsNewDataAndIsReusedWithout() throws {
        var state = Self.wide(families: 2, size: Size(width: 100, height: 30))
        _ = state.update(.key(.character("a")))
        let first = MonitorView.render(state).lines
        #expect(MonitorView.render(state).lines == first, "the same state draws the same grid")
        // An epoch whose loss is ten times the run's largest: the cell's axis must grow to it
        // (or mark it clipped), not keep the scale of the frames before.
        var metrics = MetricValues()
        for family in 0..<2 { metrics["m\(family)_loss"] = 40; metrics["val_m\(family)_loss"] = 44 }
        _ = state.update(.feed(.event(SourceID("wide.log"), .epochEnded(EpochRecord(epoch: 41, steps: 10, seconds: 65, metrics: metrics)))))
        let after = MonitorView.render(state).lines
        #expect(after != first)
        let text = after.joined(separator: "\n")
        #expect(text.contains("44") || text.contains("▲"), "\(text)")
    }

    @Test func twentyFamiliesAt300x100FitOnOnePage() {
        var state = Self.wide(families: 20, size: Size(width: 300, height: 100))
        _ = state.update(.key(.character("a")))
        let lines = MonitorView.render(state).lines
        #expect(Self.cellTitles(lines).count == 20)
        #expect(!lines.contains { $0.contains("more: PgDn") || $0.contains("page ") })
    }

    @Test func aClickSelectsTheCellUnderIt() throws {
        var state = try Self.twoHeads(size: Size(width: 80, height: 24))
        _ = state.update(.key(.character("a")))
        let lines = MonitorView.render(state).lines
        let row = try #require(lines.firstIndex { $0.contains("out2_accuracy") })
        let column = try #require(lines[row].range(of: "out2_accuracy")).lowerBound.utf16Offset(in: lines[row])
        _ = state.update(.key(.mouseClick(x: column, y: row + 2)))
        #expect(state.selectedFamily?.name == "out2_accuracy")
    }

    @Test(arguments: [(80, 24, 1), (80, 24, 20), (100, 30, 7), (160, 50, 12), (300, 100, 20), (300, 100, 3), (81, 25, 40)])
    func cellsAreNeverUnderTheMinimumAndNeverOverlap(width: Int, height: Int, count: Int) {
        let area = Rect(x: 1, y: 3, width: width - 2, height: height - 6)
        for selected in [0, count - 1] {
            let grid = ChartGrid(count: count, area: area, selected: selected)
            #expect(grid.visible.contains(selected))
            let rects = grid.visible.compactMap { grid.rect(of: $0) }
            #expect(rects.count == grid.visible.count)
            for (index, rect) in rects.enumerated() {
                #expect(rect.width >= ChartGrid.minimumCell.width && rect.height >= ChartGrid.minimumCell.height, "\(rect)")
                #expect(rect.x >= area.x && rect.maxX <= area.maxX && rect.y >= area.y && rect.maxY <= area.maxY)
                for other in rects[(index + 1)...] {
                    #expect(rect.maxX <= other.x || other.maxX <= rect.x || rect.maxY <= other.y || other.maxY <= rect.y)
                }
            }
            // Every cell is on exactly one page.
            #expect(grid.pageCount == (count + grid.perPage - 1) / grid.perPage)
        }
    }
}
