import TerminalCore
import TrainingLog
import Diagnostics
import RunModel

extension MonitorState {
    /// Apply one message; return what the outside world must do.
    public mutating func update(_ message: Message) -> [Effect] {
        switch message {
        case .feed(let fact):
            apply(fact)
            return []
        case .resize(let newSize):
            if newSize != size { size = newSize; markChanged() }
            return []
        case .tick(let now):
            return tick(now) + announceEnds()
        case .key(let event):
            return handle(event)
        case .clock(let now):
            clock = now
            return []
        case .diagnosed(let id, let result):
            return accept(result, for: id)
        case .notice(let text):
            // The status line holds one row: long notices are cut (stderr-style detail is in the text's start).
            alerts.notice = text.count > 90 ? String(text.prefix(89)) + "…" : text
            markChanged()
            return []
        }
    }

    /// Run the diagnoses among `effects` here and now (tests and benchmarks, which have no
    /// worker thread); the other effects are returned.
    public mutating func settle(_ effects: [Effect]) -> [Effect] {
        var rest: [Effect] = []
        for effect in effects {
            if case .diagnose(let id, let request) = effect {
                rest += update(.diagnosed(id, diagnose(request)))
            } else {
                rest.append(effect)
            }
        }
        return rest
    }

    // MARK: sources

    private mutating func apply(_ fact: FeedMessage) {
        let id: SourceID
        switch fact {
        case .event(let source, _), .state(let source, _), .output(let source, _), .reading(let source, _),
             .rewound(let source), .wrote(let source, _): id = source
        }
        if runs[id] == nil {
            runs[id] = RunState(source: id, modelOverride: modelOverride, hasBacklog: !wrappedCommands.contains(id))
            // In command-line order, whichever source answers first. Until the user picks a run
            // the first one is shown; after that the run shown stays shown.
            let index = insertionIndex(of: id)
            sourceOrder.insert(id, at: index)
            if runChosen, sourceOrder.count > 1, index <= selectedRun { selectedRun += 1 }
        }
        switch fact {
        case .event(_, let event):
            runs[id]?.apply(event, at: clock)
        case .state(_, let state):
            runs[id]?.apply(state: state, at: clock)
        case .output(_, let line):
            runs[id]?.output.append(line)
        case .reading(_, let what):
            runs[id]?.reading = what
        case .rewound:
            runs[id]?.rewind()
        case .wrote(_, let time):
            runs[id]?.noteWrite(at: time)
        }
        if id == selectedSource || sourceOrder.count > 1 { markChanged() }
    }

    // MARK: clock and findings

    private mutating func tick(_ now: Double) -> [Effect] {
        // The second shown last time is the last tick's: `.clock` moves `clock` between ticks.
        let previous = lastTick
        lastTick = now
        clock = now
        var effects: [Effect] = []
        if let until = flashUntil, now >= until { flashUntil = nil; markChanged() }
        for id in sourceOrder {
            guard var run = runs[id], run.run.needsDiagnosis, run.diagnosisInFlight == nil else { continue }
            // The rules walk the whole history: at most every `diagnosisInterval` per run, so a
            // firehose log with a long history does not pay for them 30 times a second. The
            // frame never waits for them: they run elsewhere and come back as a message.
            if let last = run.diagnosedAt, now - last < diagnosisInterval(for: id) { continue }
            run.diagnosedAt = now
            let request = run.run.diagnosisRequest
            run.diagnosisInFlight = request.revision
            runs[id] = run
            effects.append(.diagnose(id, request))
        }
        // The elapsed time shows whole seconds: redraw when the second changes.
        if needsClock, Int(previous) != Int(now) { markChanged() }
        return effects
    }

    private mutating func accept(_ result: DiagnosisResult, for id: SourceID) -> [Effect] {
        guard var run = runs[id] else { return [] }
        let findingsBefore = run.findings
        let resolvedBefore = run.resolvedMetrics
        let fresh = run.accept(result)
        let announced = announcements(of: run.findings, before: findingsBefore, run: run, id: id)
        if run.findings != findingsBefore || run.resolvedMetrics != resolvedBefore { markChanged() }
        let count = run.findings.count
        if selectedSource == id, selectedFinding >= count { selectedFinding = max(0, count - 1) }
        runs[id] = run
        guard !fresh.isEmpty else { return announced }
        flashUntil = clock + Self.flashSeconds
        markChanged()
        return (bellOnNewFinding ? [.bell] : []) + announced
    }

    // MARK: keys

    private mutating func handle(_ event: InputEvent) -> [Effect] {
        if case .resize(let newSize) = event { return update(.resize(newSize)) }
        // A notice stays until the user does something.
        if alerts.notice != nil, !isPointerMotion(event) { alerts.notice = nil; markChanged() }
        // Ctrl-C as a key quits at once, as the signal does: the command gets its interrupt.
        if event == .interrupt { return [.quit] }
        if quitPrompt { return answerQuit(event) }
        if seekEntry != nil { return typeSeek(event) }
        if metricFilterEntry != nil { return typeMetricFilter(event) }
        if table.visible, !helpVisible, let effects = handleTable(event) { return effects }
        switch event {
        case .mouseWheel(let up, let x, let y):
            focusPanel(at: x, y: y)
            return perform(up ? .up : .down)
        case .mouseClick(let x, let y):
            click(x: x, y: y)
            return []
        default:
            guard let command = KeyMap.command(for: event, runBarFocused: focus == .runs) else {
                // Help says "any key closes this": a key bound to nothing closes it too.
                if helpVisible, !isPointerMotion(event) { helpVisible = false; markChanged() }
                return []
            }
            return perform(command)
        }
    }

    private func isPointerMotion(_ event: InputEvent) -> Bool {
        if case .mouseWheel = event { return true }
        return false
    }

    /// Carry out one command.
    public mutating func perform(_ command: Command) -> [Effect] {
        markChanged()
        if command == .quit {
            // Quitting stops a wrapped command: ask first while it runs.
            if commandRunning { quitPrompt = true; return [] }
            return [.quit]
        }
        if helpVisible {
            // Help is modal: it closes on the next key, and `?` toggles it.
            helpVisible = false
            return []
        }
        if detailOpen {
            if command == .back || command == .details || command == .warnings { detailOpen = false; return [] }
            // The explanation scrolls: a line, or a page less one line of context.
            if let extent = WarningsPanelView.detailExtent(self) {
                let page = max(1, extent.height - 1)
                let step: Int? = switch command {
                case .up: -1
                case .down: 1
                case .pageUp: -page
                case .pageDown: page
                default: nil
                }
                if let step {
                    detailScroll = WarningsPanelView.clampedScroll(detailScroll + step, lines: extent.lines, height: extent.height)
                    return []
                }
            }
        }
        if cursor != nil, mode == .chart {
            // The cursor's keys win while it is on: ←→ move it (not the run), Esc and `v` hide it.
            switch command {
            case .left, .right:
                moveCursor(by: command == .left ? -1 : 1)
                return []
            case .back, .cursor:
                cursor = nil
                return []
            default: break
            }
        }
        if mode == .grid, focus != .runs, let effects = performInGrid(command) { return effects }
        if mode == .chart, gridReturn, command == .back || command == .grid {
            // The chart was opened from the grid: back to it, on the same cell.
            mode = .grid
            focus = .main
            gridReturn = false
            return []
        }
        switch command {
        case .quit: return [.quit]
        case .help: helpVisible = true
        case .back:
            detailOpen = false
            // A run opened from the runs table: Esc goes back to it.
            if table.returnsToTable { showTable() }
        case .table: showTable()
        case .cursor:
            // On at the newest point, in the chart.
            mode = .chart
            detailOpen = false
            cursor = chartPointCount.map { max(0, $0 - 1) }
        case .nextPanel, .previousPanel:
            let order = panels
            let index = order.firstIndex(of: focus) ?? 0
            let step = command == .nextPanel ? 1 : order.count - 1
            focus = order[(index + step) % order.count]
        case .up, .down: move(by: command == .up ? -1 : 1)
        case .pageUp, .pageDown: break
        case .left, .right:
            if sourceOrder.count > 1 { selectRun(selectedRun + (command == .left ? -1 : 1)) }
        case .details:
            switch (focus, mode) {
            case (.main, .warnings):
                if !warningsEntries.isEmpty { detailOpen = true }
            case (.metrics, _):
                mode = .chart
            case (.runs, _):
                // The grid has no metrics table: its cells are the main panel.
                focus = mode == .grid ? .main : .metrics
            default: break
            }
        case .graph: toggle(.graph)
        case .warnings:
            toggle(.warnings)
            if mode == .warnings {
                // Looked at: every run's findings when the view groups them, else the run's.
                let looked = groupsFindings ? sourceOrder : selectedSource.map({ [$0] }) ?? []
                for id in looked { runs[id]?.newFindingIDs = [] }
            }
        case .chart: mode = .chart
        case .grid:
            if mode == .grid {
                mode = .chart
            } else {
                mode = .grid
                focus = .main
                detailOpen = false
            }
            gridReturn = false
        case .metricFilterPrompt:
            // The prompt starts from the filter in force, to edit it.
            metricFilterEntry = metricFilter ?? ""
            metricFilterError = nil
        case .xAxis:
            let axes = XAxis.allCases
            chart.xAxis = axes[((axes.firstIndex(of: chart.xAxis) ?? 0) + 1) % axes.count]
        case .outputLog: logPaneVisible.toggle()
        case .overlay:
            // Only with runs to compare; the chart is where the overlay is drawn.
            if sourceOrder.count > 1 { overlay.toggle(); mode = .chart }
        case .logScale:
            chart.logScale.toggle()
            // Opened from the grid, the chart and its cell share the toggle.
            if gridReturn, let name = selectedFamily?.name {
                if chart.logScale { gridLog.insert(name) } else { gridLog.remove(name) }
            }
        case .robustScale: chart.robust.toggle()
        case .includeZero: chart.includeZero.toggle()
        case .smoothing:
            let steps = Self.smoothingSteps
            let index = steps.firstIndex(of: chart.smoothing) ?? 0
            chart.smoothing = steps[(index + 1) % steps.count]
        case .batchOrEpoch:
            chart.perBatch.toggle()
            // Epochs and printed updates count differently: the cursor goes to the newest point.
            if cursor != nil { cursor = chartPointCount.map { max(0, $0 - 1) } }
        case .zoomIn, .zoomOut:
            let steps = Self.zoomSteps
            let index = steps.firstIndex(of: chart.zoom) ?? 0
            let next = command == .zoomIn ? min(index + 1, steps.count - 1) : max(index - 1, 0)
            chart.zoom = steps[next]
        case .pause:
            if let id = selectedSource { return [.control(id, .togglePause)] }
        case .step:
            if let id = selectedSource { return [.control(id, .step)] }
        case .seekFirst, .seekLast:
            // The first epoch, or past the last: the replay lands on its last epoch.
            if let id = selectedSource, runs[id]?.seekable == true { return [.control(id, .seek(epoch: command == .seekFirst ? 1 : Int.max))] }
        case .seekPrompt:
            if let id = selectedSource, runs[id]?.seekable == true { seekEntry = "" }
        case .faster, .slower:
            guard let id = selectedSource else { return [] }
            let speed = runs[id]?.replaySpeed ?? 1
            // Doubling steps from 1/4x to 1024x: a 100-epoch log replays in seconds at the top.
            let next = command == .faster ? min(speed * 2, 1024) : max(speed / 2, 0.25)
            return [.control(id, .speed(next))]
        }
        return []
    }

    /// A key while "stop the command?" is asked: `y` stops it and quits, `n` or Esc keeps
    /// watching; other keys are ignored so a stray one answers nothing.
    private mutating func answerQuit(_ event: InputEvent) -> [Effect] {
        markChanged()
        switch event {
        case .character("y"), .character("Y"):
            quitPrompt = false
            return [.quit]
        case .character("n"), .character("N"), .escape:
            quitPrompt = false
        default:
            break
        }
        return []
    }

    /// A key while the seek prompt is open: digits build the epoch, Enter seeks, Escape
    /// (or Backspace on an empty prompt) cancels; other keys are ignored so a stray letter
    /// does not switch views under the prompt. Ctrl-C still quits.
    private mutating func typeSeek(_ event: InputEvent) -> [Effect] {
        markChanged()
        let entry = seekEntry ?? ""
        switch event {
        case .character(let character) where character.isASCII && character.isWholeNumber:
            if entry.count < Self.seekDigits { seekEntry = entry + String(character) }
        case .backspace:
            seekEntry = entry.isEmpty ? nil : String(entry.dropLast())
        case .escape:
            seekEntry = nil
        case .enter:
            seekEntry = nil
            if let epoch = Int(entry), let id = selectedSource { return [.control(id, .seek(epoch: epoch))] }
        case .interrupt:
            return [.quit]
        default:
            break
        }
        return []
    }

    /// A key while the metric filter prompt is open: text builds the expression and the
    /// filter follows it whenever it is valid (an invalid one leaves the last valid filter in
    /// force and says why); Enter keeps the filter and closes the prompt, Escape clears it,
    /// Backspace on an empty prompt closes it. Ctrl-C still quits.
    private mutating func typeMetricFilter(_ event: InputEvent) -> [Effect] {
        markChanged()
        let entry = metricFilterEntry ?? ""
        switch event {
        case .character(let character):
            // A pattern longer than a screen line is not a metric filter; stop there.
            if entry.count < 200 { setMetricFilter(entry + String(character)) }
        case .backspace:
            if entry.isEmpty { metricFilterEntry = nil; metricFilterError = nil } else { setMetricFilter(String(entry.dropLast())) }
        case .escape:
            metricFilterEntry = nil
            metricFilterError = nil
            applyMetricFilter(nil)
        case .enter:
            metricFilterEntry = nil
            metricFilterError = nil
        case .interrupt:
            return [.quit]
        default:
            break
        }
        return []
    }

    /// The prompt reads `entry`: filter by it when it is a valid expression (nothing when empty).
    private mutating func setMetricFilter(_ entry: String) {
        metricFilterEntry = entry
        if entry.isEmpty {
            metricFilterError = nil
            applyMetricFilter(nil)
        } else if let reason = MetricFilter.validate(entry) {
            metricFilterError = reason
        } else {
            metricFilterError = nil
            applyMetricFilter(entry)
        }
    }

    /// Put `pattern` in force, keeping the selected family selected when it still shows.
    private mutating func applyMetricFilter(_ pattern: String?) {
        let name = selectedFamily?.name
        metricFilter = pattern
        selectedMetric = name.flatMap { name in families.firstIndex { $0.name == name } } ?? 0
    }

    /// The grid's cells as laid out now.
    var currentGrid: ChartGrid {
        let layout = MonitorLayout(state: self)
        return GridPanelView.grid(state: self, families: layout.families.count, area: layout.main)
    }

    /// A command in the grid view, where arrows move between cells, PgUp PgDn by a page,
    /// Enter opens the cell full size and `l` toggles the cell's log scale; nil when the
    /// command means what it means elsewhere.
    private mutating func performInGrid(_ command: Command) -> [Effect]? {
        let grid = currentGrid
        let step: Int? = switch command {
        case .left: -1
        case .right: 1
        case .up: -grid.columns
        case .down: grid.columns
        case .pageUp: -grid.perPage
        case .pageDown: grid.perPage
        default: nil
        }
        if let step {
            selectedMetric = min(max(selectedMetric + step, 0), max(grid.count - 1, 0))
            return []
        }
        switch command {
        case .details:
            guard let family = selectedFamily else { return [] }
            mode = .chart
            focus = .main
            gridReturn = true
            chart.logScale = gridLog.contains(family.name)
            return []
        case .logScale:
            guard let name = selectedFamily?.name else { return [] }
            if gridLog.contains(name) { gridLog.remove(name) } else { gridLog.insert(name) }
            return []
        default:
            return nil
        }
    }

    /// How many x positions the chart shows now (nil without a chart to draw).
    var chartPointCount: Int? {
        ChartPanelView(state: self, layout: MonitorLayout(state: self)).build()?.chart.pointCount
    }

    private mutating func moveCursor(by step: Int) {
        guard let cursor, let count = chartPointCount else { return }
        // From where it is drawn (a zoom or a shorter series may have clamped it).
        let drawn = ChartPanelView.clamp(cursor, count: count, lastN: chart.zoom)
        self.cursor = ChartPanelView.clamp(drawn + step, count: count, lastN: chart.zoom)
    }

    private mutating func toggle(_ target: Mode) {
        gridReturn = false
        if mode == target && focus == .main {
            mode = .chart
        } else {
            mode = target
            focus = .main
        }
        detailOpen = false
    }

    private mutating func selectRun(_ index: Int) {
        guard !sourceOrder.isEmpty else { return }
        runChosen = true
        selectedRun = min(max(index, 0), sourceOrder.count - 1)
        selectedMetric = 0
        selectedLoss = 0
        selectedFinding = 0
        detailOpen = false
    }

    private mutating func move(by step: Int) {
        switch (focus, mode) {
        case (.runs, _):
            selectRun(selectedRun + step)
        case (.main, .graph):
            let count = (selectedRunState.map { LossBreakdown(state: self, run: $0).outputs.count } ?? 0) + 1
            selectedLoss = min(max(selectedLoss + step, 0), max(count - 1, 0))
        case (.main, .warnings):
            let count = warningsEntries.count
            selectedFinding = min(max(selectedFinding + step, 0), max(count - 1, 0))
        default:
            let count = families.count
            selectedMetric = min(max(selectedMetric + step, 0), max(count - 1, 0))
        }
    }

    // MARK: mouse

    private mutating func focusPanel(at x: Int, y: Int) {
        let layout = MonitorLayout(state: self)
        if layout.runBar.contains(x: x, y: y) { focus = .runs }
        else if layout.metrics.contains(x: x, y: y) { focus = .metrics }
        else if layout.main.contains(x: x, y: y) { focus = .main }
    }

    private mutating func click(x: Int, y: Int) {
        markChanged()
        focusPanel(at: x, y: y)
        let layout = MonitorLayout(state: self)
        switch focus {
        case .runs:
            if let index = layout.runIndex(atColumn: x, state: self) { selectRun(index) }
        case .metrics:
            if let index = layout.familyIndex(atRow: y, state: self) { selectedMetric = index }
        case .main:
            if mode == .warnings, let index = layout.findingIndex(atRow: y, state: self) { selectedFinding = index }
            if mode == .grid, let index = GridPanelView.grid(state: self, families: layout.families.count, area: layout.main).index(atX: x, y: y) {
                selectedMetric = index
            }
            // With the value cursor on, a click on the chart's plot moves it to the nearest point.
            if mode == .chart, cursor != nil, let index = ChartPanelView(state: self, layout: layout).index(atColumn: x, area: layout.main) {
                cursor = index
            }
        }
    }
}

