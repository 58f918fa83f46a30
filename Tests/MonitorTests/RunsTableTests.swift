import Testing
import Diagnostics
import Feeds
import TerminalCore
import TrainingLog
@testable import Monitor

/// The runs table (`t`): one row per run, sorted, filtered, selected for the overlay, and the
/// door to each run's own screen.
@Suite struct RunsTableTests {
    /// A sweep as `fitwatch runs/*/train.log gpu1:/scratch/.../train.log` shows it: four real
    /// Keras runs (CSVLogger files of the shared runs) named by their hyper-parameters, and a
    /// run that failed after three epochs; the real rules diagnose them.
    static func sweep(size: Size = Size(width: 120, height: 40)) throws -> MonitorState {
        var state = MonitorState(size: size)
        _ = state.tickSettled(1_000_000)
        // The second and third asked for more epochs than they have written so far.
        let runs: [(String, String?, Int?, SourceState)] = [
            ("runs/lr=0.1,bs=32/train.log", "tfk_s9_long_run_300_epochs", nil, .finished),
            ("runs/lr=0.01,bs=32/train.log", "tfk_s2_bce_on_multiclass", 50, .following),
            ("gpu1:/scratch/lr=0.001,bs=64/train.log", "k3_s1_seed_regression_accuracy", 200, .live),
            ("runs/lr=0.1,bs=64/train.log", nil, nil, .following),
        ]
        state.register(sources: runs.map { SourceID($0.0) })
        for (name, csv, requested, sourceState) in runs {
            let id = SourceID(name)
            _ = state.update(.feed(.state(id, sourceState)))
            if let csv {
                for event in try RunFixtures.epochEvents(csv: csv, epochsRequested: requested, secondsPerEpoch: 0.2) { _ = state.update(.feed(.event(id, event))) }
            } else {
                _ = state.update(.feed(.event(id, .runStarted(RunStart(epochs: 50, format: .keras3)))))
                for (epoch, loss) in [2.5, 1.9, 1.7].enumerated() {
                    _ = state.update(.feed(.event(id, .epochEnded(EpochRecord(epoch: epoch + 1, of: 50, seconds: 0.2,
                                                                                  metrics: ["loss": loss, "val_loss": loss + 0.1])))))
                }
                _ = state.update(.feed(.event(id, .runEnded(.failed("Traceback: CUDA out of memory")))))
            }
        }
        _ = state.tickSettled(1_000_004)
        return state
    }

    private func names(_ state: MonitorState) -> [String] { RunsTable.rows(state).map(\.name) }

    private func press(_ state: inout MonitorState, _ keys: InputEvent...) {
        for key in keys { _ = state.update(.key(key)) }
    }

    private func type(_ state: inout MonitorState, _ text: String) {
        for character in text { _ = state.update(.key(.character(character))) }
    }

    @Test func tOpensATableOfEveryRunInCommandLineOrder() throws {
        var state = try Self.sweep()
        press(&state, .character("t"))
        #expect(state.table.visible)
        let rows = RunsTable.rows(state)
        #expect(rows.map(\.number) == [1, 2, 3, 4])
        #expect(rows.map(\.name) == ["runs/lr=0.1,bs=32/train.log", "runs/lr=0.01,bs=32/train.log",
                                     "/scratch/lr=0.001,bs=64/train.log", "runs/lr=0.1,bs=64/train.log"])
        #expect(rows.map(\.host) == [nil, nil, "gpu1", nil])
        #expect(rows.map(\.status.word) == ["finished", "following", "live", "failed"])
        #expect(rows.map { $0.epoch } == [300, 30, 100, 3])
        // The metric is val_loss: its last value and its best, with the epoch of the best.
        #expect(RunsTable.metric(state) == "val_loss")
        #expect(rows[3].now == 1.8 && rows[3].best == 1.8 && rows[3].bestAt == 3)
        // Findings by severity: the real rules flag 'accuracy' on the Boston regression.
        #expect(rows[2].warnings > 0)
        #expect(rows[0].errors + rows[0].warnings == 0)
        #expect(rows[0].parameters.map(\.description) == ["lr=0.1", "bs=32"])
        press(&state, .character("t"))
        #expect(!state.table.visible)
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 100, height: 30), Size(width: 120, height: 40)])
    func theTableOnScreen(size: Size) throws {
        var state = try Self.sweep(size: size)
        press(&state, .character("t"))
        let lines = MonitorView.render(state).lines
        #expect(lines.contains { $0.contains("4 runs: 1 failed") })
        #expect(lines.contains { $0.contains("status") && $0.contains("epoch") && $0.contains("best") && $0.contains("lr") && $0.contains("bs") })
        #expect(lines.contains { $0.contains("gpu1") && $0.contains("live") && $0.contains("100/200") })
        // Narrow screens drop the best's epoch (and the time since the last write) first.
        #expect(lines.contains { $0.contains("failed") && $0.contains("3/50") && $0.contains(size.width > 80 ? "1.8@3" : "1.8") })
        SnapshotAssertion.check(lines, named: ScreenSnapshotTests.name("runs-table", size))
    }

    @Test func angleBracketsChooseTheSortColumnAndAgainReverseIt() throws {
        var state = try Self.sweep()
        press(&state, .character("t"))
        #expect(state.table.sort == RunsTable.Sort(column: .number, reversed: false))
        press(&state, .character(">"))
        #expect(state.table.sort == RunsTable.Sort(column: .number, reversed: true))
        #expect(RunsTable.rows(state).map(\.number) == [4, 3, 2, 1])
        press(&state, .character(">"))
        #expect(state.table.sort == RunsTable.Sort(column: .name, reversed: false))
        // Names in natural order; the remote run's name has no host in it.
        #expect(names(state).first == "/scratch/lr=0.001,bs=64/train.log")
        // Status: problems first.
        press(&state, .character(">"), .character(">"), .character(">"), .character(">"))
        #expect(state.table.sort.column == .status)
        #expect(RunsTable.rows(state).map(\.status.word) == ["failed", "live", "following", "finished"])
        // `<` goes back the way it came.
        press(&state, .character("<"))
        #expect(state.table.sort == RunsTable.Sort(column: .host, reversed: true))
        // Best val_loss first; the header row marks the column.
        state.table.sort = RunsTable.Sort(column: .best, reversed: false)
        let best = RunsTable.rows(state).compactMap(\.best)
        #expect(best == best.sorted())
        let lines = MonitorView.render(state).lines
        #expect(lines.contains { $0.contains("best▼") })
        // A hyper-parameter sorts by number: lr 0.001, 0.01, 0.1, 0.1 (ties in command-line order).
        state.table.sort = RunsTable.Sort(column: .parameter("lr"), reversed: false)
        #expect(RunsTable.rows(state).map(\.number) == [3, 2, 1, 4])
    }

    @Test func slashFiltersAsTheUserTypes() throws {
        var state = try Self.sweep()
        press(&state, .character("t"), .character("/"))
        #expect(state.table.filterEditing)
        type(&state, "lr=0.1,")
        #expect(names(state) == ["runs/lr=0.1,bs=32/train.log", "runs/lr=0.1,bs=64/train.log"])
        // Hosts and hyper-parameters match too; the regex is case-insensitive.
        press(&state, .enter)
        #expect(!state.table.filterEditing && state.table.filter == "lr=0.1,")
        press(&state, .escape)
        #expect(state.table.filter.isEmpty && names(state).count == 4)
        press(&state, .character("/"))
        type(&state, "GPU1")
        #expect(names(state) == ["/scratch/lr=0.001,bs=64/train.log"])
        for _ in 0..<4 { press(&state, .backspace) }
        type(&state, "bs=64$|bs=32 lr=0\\.01$")
        // The filter matches the haystack `name k=v k=v`: `bs=64` ends it, or bs=32 then lr=0.01.
        #expect(names(state).count == 2)
        // Not a regex yet: the text matches literally, and the prompt says so.
        press(&state, .escape, .character("/"))
        type(&state, "lr=0.1,(")
        #expect(names(state).isEmpty)
        #expect(StatusLineView(state: state).entries.contains { $0.1.contains("literal") })
        let lines = MonitorView.render(state).lines
        #expect(lines.contains { $0.contains("no run matches") })
    }

    @Test func spaceSelectsRunsWhoseCurvesOverlayWithALegend() throws {
        var state = try Self.sweep(size: Size(width: 120, height: 40))
        press(&state, .character("t"), .character(" "), .down, .down, .character(" "))
        #expect(state.table.selected == [SourceID("runs/lr=0.1,bs=32/train.log"), SourceID("gpu1:/scratch/lr=0.001,bs=64/train.log")])
        let layout = RunsTableView.layout(state)
        #expect(!layout.chart.isEmpty)
        // The existing overlay draws only the selected runs, numbered as on the command line.
        var chartState = state
        chartState.overlay = true
        let chart = ChartPanelView(state: chartState, layout: MonitorLayout(state: chartState), metricKey: "val_loss")
        let (series, legend) = chart.overlaySeries(key: "val_loss")
        #expect(series.map(\.name) == ["1 runs/lr=0.1,bs=32/train.log", "3 gpu1:/scratch/lr=0.001,bs=64/train.log"])
        #expect(legend.count == 2)
        // The legend names runs as the table does, without the file name they all share.
        #expect(legend.allSatisfy { !$0.text.contains("train.log") && !$0.text.contains("train…") })
        let lines = MonitorView.render(state).lines
        #expect(lines.contains { $0.contains("val_loss · 2 selected runs") && $0.contains("1 runs/lr=0.1,bs=32") && $0.contains("3 gpu1:") })
        SnapshotAssertion.check(lines, named: ScreenSnapshotTests.name("runs-table-overlay", state.size))
        // Space again unselects; Esc clears the selection and the chart goes.
        press(&state, .character(" "))
        #expect(state.table.selected.count == 1)
        press(&state, .escape)
        #expect(state.table.selected.isEmpty && RunsTableView.layout(state).chart.isEmpty)
    }

    @Test func outsideTheTableOOverlaysTheSelectedRuns() throws {
        var state = try Self.sweep()
        press(&state, .character("t"), .down, .character(" "), .down, .character(" "), .character("t"), .character("O"))
        #expect(state.showsOverlay)
        let chart = ChartPanelView(state: state, layout: MonitorLayout(state: state))
        #expect(chart.overlaySeries(key: "loss").0.map { $0.name.split(separator: " ").first } == ["2", "3"])
    }

    /// From the table, `O` overlays the metric the table shows (it switched to `loss`), and
    /// Enter on a run opens that run's own chart, not the overlay left on (both found by the
    /// new-user trial).
    @Test func oFromTheTableKeepsItsMetricAndEnterOpensTheRunNotTheOverlay() throws {
        var state = try Self.sweep()
        press(&state, .character("t"), .character(" "), .down, .character(" "))
        #expect(RunsTable.metric(state) == "val_loss")
        press(&state, .character("O"))
        #expect(state.showsOverlay && !state.table.visible)
        #expect(state.selectedFamily?.validation == "val_loss")
        press(&state, .escape)
        #expect(state.table.visible)
        press(&state, .down, .down, .enter)
        #expect(!state.showsOverlay)
        #expect(state.selectedSource == SourceID("runs/lr=0.1,bs=64/train.log"))
        #expect(MonitorView.render(state).lines.contains { $0.contains("─ val_loss ") || $0.contains("─ loss ") })
        let screen = MonitorView.render(state).lines
        #expect(!screen.contains { $0.contains("· 2 selected runs") }, "\(screen.joined(separator: "\n"))")
    }

    /// A run opened from the table, its grid, then a cell opened full size: Esc goes back to
    /// the grid, and the status line offers that Esc only (it listed `Esc runs table` too).
    @Test func theStatusLineOffersOneEscAtATime() throws {
        var state = try Self.sweep()
        press(&state, .character("t"), .enter, .character("a"), .enter)
        #expect(state.mode == .chart && state.gridReturn && state.table.returnsToTable)
        let status = try #require(MonitorView.render(state).lines.last)
        #expect(status.contains("Esc a back to grid") && !status.contains("Esc runs table"), "\(status)")
        press(&state, .escape)
        #expect(state.mode == .grid)
    }

    @Test func enterOpensTheRunAndEscComesBack() throws {
        var state = try Self.sweep()
        press(&state, .character("t"), .down, .down, .right)
        // → chose the next metric; the run opens on it.
        let metric = try #require(RunsTable.metric(state))
        #expect(metric != "val_loss")
        press(&state, .enter)
        #expect(!state.table.visible)
        #expect(state.selectedSource == SourceID("gpu1:/scratch/lr=0.001,bs=64/train.log"))
        #expect(state.mode == .chart)
        #expect(state.selectedFamily.map { $0.train == metric || $0.validation == metric } == true)
        #expect(StatusLineView(state: state).entries.contains { $0 == ("Esc", "runs table") })
        press(&state, .escape)
        #expect(state.table.visible)
        // The cursor is still on the run that was opened.
        #expect(state.table.cursor == SourceID("gpu1:/scratch/lr=0.001,bs=64/train.log"))
    }

    @Test func runsThatAppearLaterJoinTheTable() throws {
        var state = try Self.sweep()
        press(&state, .character("t"))
        let late = SourceID("runs/lr=0.5,bs=32/train.log")
        _ = state.update(.feed(.state(late, .live)))
        _ = state.update(.feed(.event(late, .epochEnded(EpochRecord(epoch: 1, of: 10, metrics: ["loss": 0.4, "val_loss": 0.5])))))
        let rows = RunsTable.rows(state)
        #expect(rows.last?.id == late && rows.last?.number == 5)
        #expect(rows.last?.now == 0.5)
        #expect(MonitorView.render(state).lines.contains { $0.contains(" 5 runs/lr=0.5,bs=32 ") })
    }

    /// A run that never logged the table's metric shows `-` for it, not `nan` and a sparkline
    /// of `×` (which reads as a run that diverged); the new-user trial saw it on a killed run
    /// without validation.
    @Test func aRunWithoutTheMetricShowsADashNotNaN() throws {
        var state = try Self.sweep()
        let id = SourceID("runs/no-validation/train.log")
        _ = state.update(.feed(.state(id, .finished)))
        _ = state.update(.feed(.event(id, .runStarted(RunStart(epochs: 2, format: .keras3)))))
        for epoch in 1...2 {
            _ = state.update(.feed(.event(id, .epochEnded(EpochRecord(epoch: epoch, of: 2, metrics: ["loss": 1 / Double(epoch)])))))
        }
        #expect(RunsTable.metric(state) == "val_loss")
        let row = try #require(RunsTable.rows(state).first { $0.id == id })
        #expect(row.now == nil && row.nowText == "-")
        press(&state, .character("t"))
        let line = try #require(MonitorView.render(state).lines.first { $0.contains("no-validation") })
        #expect(!line.contains("nan") && !line.contains("×"), "\(line)")
    }

    /// `last` is the time since the run's file was written where the source knows it, not
    /// since fitwatch read it: a sweep of logs finished days ago says so.
    @Test func lastIsTheTimeSinceTheFileWasWritten() throws {
        var state = try Self.sweep()
        let id = state.sourceOrder[1]
        _ = state.update(.feed(.wrote(id, at: state.clock - 3 * 86_400)))
        let rows = RunsTable.rows(state)
        #expect(rows[1].since.map { abs($0 - 3 * 86_400) < 1 } == true)
        #expect(RunsTableView.compact(rows[1].since) == "3d")
        // A run whose source cannot tell keeps the time since its data arrived.
        #expect(rows[0].since.map { $0 < 86_400 } == true)
    }

    @Test func aFollowedFileSilentLongerThanItsEpochsIsStale() throws {
        var state = try Self.sweep()
        #expect(RunsTable.rows(state)[1].status.word == "following")
        _ = state.tickSettled(1_000_000 + 61)
        let rows = RunsTable.rows(state)
        #expect(rows[1].status.word == "stale")
        #expect(rows[1].since.map { $0 >= 60 } == true)
        #expect(RunsTableView.compact(rows[1].since) == "1m")
        // A run that finished is never stale.
        #expect(rows[0].status.word == "finished")
    }

    @Test func theCacheFollowsEachRunsRevision() throws {
        var state = try Self.sweep()
        let before = try #require(RunsTable.rows(state).first { $0.number == 4 })
        let id = SourceID("runs/lr=0.1,bs=64/train.log")
        _ = state.update(.feed(.event(id, .runStarted(RunStart(epochs: 5, format: .keras3)))))
        _ = state.update(.feed(.event(id, .epochEnded(EpochRecord(epoch: 1, of: 5, metrics: ["loss": 0.3, "val_loss": 0.25])))))
        let after = try #require(RunsTable.rows(state).first { $0.number == 4 })
        #expect(before.now == 1.8)
        #expect(after.now == 0.25 && after.epochs == 5)
    }
}

/// The run bar with more runs than fit: a window of tabs around the selected run and a note.
@Suite struct RunBarOverflowTests {
    @Test func theRunBarSaysHowManyMoreAndWhereToSeeThem() {
        var state = MonitorState(size: Size(width: 80, height: 24))
        let ids = (1...12).map { SourceID("runs/lr=0.\($0)/train.log") }
        state.register(sources: ids)
        for id in ids.reversed() { _ = state.update(.feed(.state(id, .following))) }
        // Command-line order, though the last source answered first; until the user picks a
        // run, the first one is shown.
        #expect(state.sourceOrder == ids)
        #expect(state.selectedSource == ids[0])
        let bar = MonitorView.render(state).lines[2]
        #expect(bar.hasPrefix(" 1 runs/lr=0.1/train.log"))
        #expect(bar.contains("+11 more, t: table"))
        // The selected run is always in the window.
        for _ in 0..<11 { _ = state.update(.key(.right)) }
        let moved = MonitorView.render(state).lines[2]
        #expect(moved.contains("12 runs/lr=0.12/train.log"))
        #expect(!moved.contains(" 1 runs/lr=0.1/train.log"))
        // Once a run is picked, a source that reports later does not move it off screen.
        _ = state.update(.feed(.state(SourceID("runs/lr=0.0/train.log"), .following)))
        #expect(state.selectedSource == ids[11])
        let window = MonitorLayout.runBarWindow(tabs: MonitorLayout.runTabs(state: state), selected: 11, width: 80)
        #expect(window.shown.contains(11) && window.more == state.sourceOrder.count - window.shown.count)
    }

    @Test func sourcesNotGivenFollowTheGivenOnesAndUnheardSourcesAreNotRows() {
        var state = MonitorState(size: Size(width: 120, height: 40))
        state.register(sources: [SourceID("a.log"), SourceID("b.log"), SourceID("runs/")])
        // A directory source that discovers runs reports them under their own names.
        for id in ["runs/x/train.log", "b.log", "a.log", "runs/y/train.log"] { _ = state.update(.feed(.state(SourceID(id), .following))) }
        #expect(state.sourceOrder.map(\.rawValue) == ["a.log", "b.log", "runs/x/train.log", "runs/y/train.log"])
        // `runs/` itself never reported: it is no row of the table.
        _ = state.update(.key(.character("t")))
        #expect(RunsTable.rows(state).map(\.name) == ["a.log", "b.log", "runs/x/train.log", "runs/y/train.log"])
    }

    @Test func everythingFitsWithoutANote() {
        let window = MonitorLayout.runBarWindow(tabs: [" 1 a · live ", " 2 b · live "], selected: 1, width: 80)
        #expect(window.shown == 0..<2 && window.more == 0)
    }
}

@Test func namesSortNaturallyWithDecimals() {
    let names = ["lr=0.1,bs=32", "run10", "lr=0.001,bs=64", "run2", "lr=0.01,bs=32", "lr=0.001,bs=32"]
    let sorted = names.sorted { $0.naturallyPrecedes($1) ?? false }
    #expect(sorted == ["lr=0.001,bs=32", "lr=0.001,bs=64", "lr=0.01,bs=32", "lr=0.1,bs=32", "run2", "run10"])
}
