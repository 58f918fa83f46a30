import Testing
import TerminalCore
import TrainingLog
import Widgets
import RunModel
@testable import Monitor

/// The x axes (`x`): epoch, step (epoch × steps), relative time and wall time, where the
/// source has them; labels read as times and the cursor's readout follows the axis.
@Suite struct XAxisTests {
    static let size = Size(width: 100, height: 30)

    /// A callback stream's 30 epochs, each printed as taking `seconds`, ending `every` seconds
    /// apart from 2023-11-14 22:13:20 UTC.
    static func timedEpochs(seconds: Double, every: Double) -> [TrainingEvent] {
        var events: [TrainingEvent] = [.runStarted(RunStart(epochs: 30, format: .fitwatchCallback))]
        for epoch in 1...30 {
            var record = EpochRecord(epoch: epoch, of: 30, steps: 5, seconds: seconds, metrics: ["loss": 1 / Double(epoch)])
            record.wallTime = 1_700_000_000 + Double(epoch - 1) * every
            events.append(.epochEnded(record))
        }
        return events
    }

    /// The x axis label row of the full chart (the row under `└┬`).
    static func xLabels(_ lines: [String]) -> String? {
        guard let axis = lines.lastIndex(where: { $0.contains("└┬") }), axis + 1 < lines.count else { return nil }
        return lines[axis + 1]
    }

    @Test func axisLabelsReadAsTimes() {
        #expect(formatAxisDuration(4.25) == "4.2s")
        #expect(formatAxisDuration(42) == "42s")
        #expect(formatAxisDuration(65) == "1:05")
        #expect(formatAxisDuration(7800) == "2h10m")
        #expect(formatAxisDuration(4 * 86_400 + 3 * 3600) == "4d03h")
        #expect(formatAxisDuration(-1) == "?" && formatAxisDuration(.nan) == "?")
        // 2023-11-14 22:13:20 UTC; an hour east of UTC it is 23:13.
        #expect(formatTimeOfDay(1_700_000_000, utcOffset: 0) == "22:13")
        #expect(formatTimeOfDay(1_700_000_000, utcOffset: 3600, seconds: true) == "23:13:20")
        #expect(formatTimeOfDay(1_700_000_000, utcOffset: 7200) == "00:13")
    }

    @Test func xCyclesEpochStepTimeAndWallTime() throws {
        // 40 epochs of 10 steps and 65 s each, no wall times (a printed Keras log).
        var state = GridTests.wide(families: 2, size: Self.size)
        #expect(Self.xLabels(MonitorView.render(state).lines)?.contains("epoch 40") == true)
        _ = state.update(.key(.character("x")))
        var lines = MonitorView.render(state).lines
        #expect(state.chart.xAxis == .step)
        #expect(Self.xLabels(lines)?.contains("step 400") == true, "\(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0.contains("per epoch · x: step") })
        _ = state.update(.key(.character("x")))
        lines = MonitorView.render(state).lines
        // The first epoch ended 1:05 in, the 40th 43:20 in.
        let labels = try #require(Self.xLabels(lines))
        #expect(labels.contains("1:05") && labels.contains("43:20"), "\(labels)")
        _ = state.update(.key(.character("v")))
        #expect(MonitorView.render(state).lines.contains { $0.contains("│ 43:20 (epoch 40) ") })
        _ = state.update(.key(.left))
        #expect(MonitorView.render(state).lines.contains { $0.contains("│ 42:15 (epoch 39) ") })
        _ = state.update(.key(.character("v")))
        // No wall times in a printed log: the epoch axis, and the title says why.
        _ = state.update(.key(.character("x")))
        lines = MonitorView.render(state).lines
        #expect(state.chart.xAxis == .wallTime)
        #expect(lines.contains { $0.contains("x: epoch, no wall times") })
        #expect(Self.xLabels(lines)?.contains("epoch 40") == true)
        _ = state.update(.key(.character("x")))
        #expect(state.chart.xAxis == .epoch && !MonitorView.render(state).lines.contains { $0.contains("x: ") })
    }

    @Test func wallTimeLabelsAreTheTimeOfDayTheEpochsEnded() throws {
        // From 2023-11-14 22:13:20 UTC, an epoch every 10 minutes.
        var state = RunFixtures.state(source: "stream.jsonl", events: Self.timedEpochs(seconds: 600, every: 600), size: Self.size)
        state.utcOffset = 3600
        for _ in 0..<3 { _ = state.update(.key(.character("x"))) }
        let labels = try #require(Self.xLabels(MonitorView.render(state).lines))
        // 23:13 (epoch 1) to 04:03 the next day (epoch 30, 4h50m later), one hour east of UTC.
        #expect(labels.contains("23:13") && labels.contains("04:03"), "\(labels)")
        _ = state.update(.key(.character("v")))
        #expect(MonitorView.render(state).lines.contains { $0.contains("│ 04:03:20 (epoch 30) ") })
    }

    @Test func aSourceWithoutTimesSaysSoInsteadOfDrawingThem() throws {
        // CSVLogger files have neither epoch times nor step counts.
        var state = RunFixtures.state(source: "boston.csv", events: try RunFixtures.epochEvents(csv: "k3_s1_seed_regression_accuracy"), size: Self.size)
        _ = state.update(.key(.character("x")))
        #expect(MonitorView.render(state).lines.contains { $0.contains("x: epoch, no step counts") })
        _ = state.update(.key(.character("x")))
        let lines = MonitorView.render(state).lines
        #expect(lines.contains { $0.contains("x: epoch, no epoch times") })
        #expect(Self.xLabels(lines)?.contains("epoch 100") == true)
    }
}

extension XAxisTests {
    @Test func aWrappedCommandsEpochsGetTheTimeTheyArrived() throws {
        // `fitwatch run`: the command's output is live, so each printed epoch ended when it arrived.
        var state = MonitorState(size: Self.size, diagnose: { _, _, _ in [] })
        let id = SourceID("python train.py")
        state.wrappedCommands = [id]
        _ = state.update(.feed(.state(id, .live)))
        for epoch in 1...3 {
            _ = state.update(.clock(1_700_000_000 + Double(epoch) * 60))
            _ = state.update(.feed(.event(id, .epochEnded(EpochRecord(epoch: epoch, metrics: ["loss": 1 / Double(epoch)])))))
        }
        #expect(state.runs[id]?.history.epochs.map(\.wallTime) == [1_700_000_060, 1_700_000_120, 1_700_000_180])
        for _ in 0..<3 { _ = state.update(.key(.character("x"))) }
        let labels = try #require(Self.xLabels(MonitorView.render(state).lines))
        #expect(labels.contains("22:14") && labels.contains("22:16") && !labels.contains("epoch"), "\(labels)")
        // A file's epochs may be a backlog read at once: no arrival times for them.
        let file = RunFixtures.state(source: "train.log", events: try RunFixtures.epochEvents(csv: "k3_s1_seed_regression_accuracy"))
        #expect(file.runs[SourceID("train.log")]?.history.epochs.allSatisfy { $0.wallTime == nil } == true)
    }
}

extension XAxisTests {
    /// Relative time is TensorBoard's: each epoch's wall time since the first's, where the
    /// source has wall times. The demo's core trains an epoch in a millisecond and paces them a
    /// second apart: summed printed times made its 100 epochs span 0.1 s (`0.0s … 0.0s … 0.1s`)
    /// while wall time and the header said 6 s.
    @Test func relativeTimeFollowsTheWallClockWhereTheSourceHasIt() throws {
        var state = RunFixtures.state(source: "demo", events: Self.timedEpochs(seconds: 0.001, every: 2), size: Self.size)
        for _ in 0..<2 { _ = state.update(.key(.character("x"))) }
        #expect(state.chart.xAxis == .relativeTime)
        let labels = try #require(Self.xLabels(MonitorView.render(state).lines))
        // Epoch 1 ended a millisecond in (0.0s), epoch 30 58 s later.
        #expect(labels.contains("0.0s") && labels.contains("58s"), "\(labels)")
        _ = state.update(.key(.character("v")))
        // The readout writes the time as the axis does.
        #expect(MonitorView.render(state).lines.contains { $0.contains("│ 58s (epoch 30) ") })
    }
}
