import Testing
import Feeds
import TerminalCore
import TrainingLog
@testable import Monitor

/// A run with `count` metrics (`metric_0` ... plus the loss), each with a validation twin.
private func wideRun(metrics count: Int, size: Size = Size(width: 80, height: 24)) -> MonitorState {
    var state = MonitorState(size: size, diagnose: { _, _, _ in [] })
    let id = SourceID("wide.log")
    var values = MetricValues()
    values["loss"] = 1
    for index in 0..<count { values["metric_\(index)"] = Double(index) }
    for (key, value) in values { values["val_" + key] = value }
    for epoch in 1...3 { _ = state.update(.feed(.event(id, .epochEnded(EpochRecord(epoch: epoch, metrics: values))))) }
    _ = state.tickSettled(1)
    return state
}

@Test func metricsTableScrollsToKeepTheSelectionVisible() {
    var state = wideRun(metrics: 15)
    for _ in 0..<15 { _ = state.perform(.down) }
    #expect(state.selectedFamily?.name == "metric_14")
    let layout = MonitorLayout(state: state)
    #expect(layout.firstFamily > 0)
    #expect(MonitorView.render(state).lines.contains { $0.contains("metric_14") })
    // The chart keeps at least as many rows as the table at 80x24.
    #expect(layout.main.height >= layout.metrics.height)
}

@Test func clickingARunTabSelectsThatRun() {
    var state = wideRun(metrics: 1)
    _ = state.update(.feed(.event(SourceID("other.log"), .epochEnded(EpochRecord(epoch: 1, metrics: ["loss": 2])))))
    let layout = MonitorLayout(state: state)
    let tabs = MonitorLayout.runTabs(state: state)
    _ = state.update(.key(.mouseClick(x: layout.runBar.x + tabs[0].count + 3, y: layout.runBar.y)))
    #expect(state.selectedSource == SourceID("other.log"))
    #expect(state.focus == .runs)
}

@Test func wheelOverTheMetricsMovesItsSelection() {
    var state = wideRun(metrics: 3)
    _ = state.perform(.nextPanel)
    #expect(state.focus == .main)
    let layout = MonitorLayout(state: state)
    _ = state.update(.key(.mouseWheel(up: false, x: layout.metrics.x + 2, y: layout.metrics.y + 2)))
    #expect(state.focus == .metrics)
    #expect(state.selectedMetric == 1)
}
