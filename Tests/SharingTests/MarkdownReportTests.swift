import Foundation
import Testing
import Diagnostics
import RunModel
import TestSupport
import TrainingLog
import Widgets
@testable import Sharing

/// `check --format markdown` as a CI job summary shows it: a run's status, its metrics at a
/// glance, and each finding with what to do about it.
@Suite struct MarkdownReportTests {
    static func checked(_ fixture: String) throws -> [(source: String, runs: [CheckedRun])] {
        let events = try LogLoader.events(at: Fixtures.url("keras-logs/\(fixture)").path, format: nil)
        return [(fixture, CheckedRun.runs(events: events, model: nil))]
    }

    @Test func accuracyOnARegressionIsAWarningWithItsFixUnderAWarningHeading() throws {
        let checked = try Self.checked("k3tf_acc_regression.pipe.log")
        let run = try #require(checked.first?.runs.first)
        let markdown = MarkdownReport.document(checked)
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // The heading says the run finished and has findings, marked as a warning.
        let heading = try #require(lines.first { $0.hasPrefix("### ") })
        #expect(heading.hasPrefix("### ⚠️ k3tf_acc_regression.pipe.log — finished, "))
        #expect(heading.hasSuffix("\(run.findings.count) findings"))
        // The finding, with its explanation and fix, under "Warnings".
        let warnings = try #require(lines.firstIndex(of: "#### Warnings"))
        let item = try #require(lines.firstIndex { $0.hasPrefix("- **warning** `accuracy-on-regression`") })
        #expect(item > warnings)
        let finding = try #require(run.findings.first { $0.id == "accuracy-on-regression" })
        #expect(lines[item...].contains("  - Fix: " + finding.fix))
        #expect(lines[item...].contains { $0.hasPrefix("  - Explanation: In Keras") })
        #expect(lines.last { !$0.isEmpty } == "1 run checked: 0 errors, 2 warnings, 0 info")
    }

    @Test func theMetricsTableHasASparklineNowAndBestPerMetric() throws {
        let checked = try Self.checked("k3tf_acc_regression.pipe.log")
        let history = try #require(checked.first?.runs.first?.history)
        let markdown = MarkdownReport.document(checked)
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("|") }.map(String.init)
        #expect(rows.first == "| metric | train | now | best@epoch | validation | now | best@epoch |")
        // Every row has the header's 7 cells (a `|` inside a cell would break the table).
        #expect(rows.allSatisfy { $0.filter { $0 == "|" }.count == 8 })
        let loss = try #require(rows.first { $0.hasPrefix("| loss ↓ |") })
        let cells = loss.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = history.values(of: "loss")
        #expect(cells[1].count == values.count, "one sparkline cell per epoch")
        #expect(cells[1].first == "█", "the loss falls from its highest value")
        #expect(cells[1].last == "▁")
        #expect(cells[2] == formatMetric(values.last!))
        let best = values.enumerated().min { $0.element < $1.element }!
        #expect(cells[3] == "\(formatMetric(best.element))@\(history.epochs[best.offset].epoch)")
        // Accuracy stuck at 0: a flat sparkline, best 0 at epoch 1.
        let accuracy = try #require(rows.first { $0.hasPrefix("| acc ↑ |") })
        #expect(accuracy.contains("| ▄▄▄▄▄▄ | 0 | 0@1 |"))
    }

    @Test func aHealthyRunIsGreenWithNoFindingSections() throws {
        let markdown = MarkdownReport.document(try Self.checked("tfk_s9_long_run_300_epochs.pipe.log"))
        #expect(markdown.contains("### ✅ tfk_s9_long_run_300_epochs.pipe.log — finished, no findings"))
        #expect(!markdown.contains("#### "))
        // 300 epochs squeezed into the sparkline's width.
        let loss = try #require(markdown.split(separator: "\n").first { $0.hasPrefix("| loss ↓ |") })
        #expect(loss.split(separator: "|")[1].trimmingCharacters(in: .whitespaces).count == MarkdownReport.sparklineWidth)
    }

    @Test func cellsAndTitlesCannotBreakTheTableOrInjectHTML() {
        #expect(MarkdownReport.inline("a|b<script>\nc") == "a\\|b&lt;script> c")
    }
}
