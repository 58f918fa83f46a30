import Diagnostics
import Monitor
import RunModel
import TerminalCore
import TrainingLog
import Widgets

/// `fitwatch check --format markdown`: the findings for a CI job summary
/// (`$GITHUB_STEP_SUMMARY`). Per run a heading with its status, a table of its metrics (a
/// sparkline, the last value and the best with its epoch, for train and validation, as the
/// metrics panel shows them), then its findings by severity with their evidence,
/// explanation and fix. Pure: a string.
public enum MarkdownReport {
    /// Columns of each sparkline: enough to see a curve's shape in a table cell.
    public static let sparklineWidth = 24

    /// The whole document; `checked` as `check` collects it (per source, its `fit` runs).
    public static func document(_ checked: [(source: String, runs: [CheckedRun])]) -> String {
        var blocks = ["## fitwatch check"]
        for entry in checked {
            for run in entry.runs {
                blocks.append(section(name: run.title(source: entry.source, among: entry.runs), run: run))
            }
        }
        blocks.append(CheckedRun.totals(checked.flatMap(\.runs)))
        return blocks.joined(separator: "\n\n") + "\n"
    }

    /// One run: heading, metrics table, findings.
    static func section(name: String, run: CheckedRun) -> String {
        let worst = run.findings.map(\.severity).max()
        let failed: Bool
        switch run.status {
        case .failed?, .interrupted?: failed = true
        default: failed = false
        }
        let mark = worst == .error || failed ? "❌" : worst == .warning ? "⚠️" : "✅"
        let count = run.findings.count
        var heading = "### \(mark) \(inline(name))"
        heading += " — " + (run.status.map { $0.text + ", " } ?? "") + (count == 0 ? "no findings" : "\(count) finding\(count == 1 ? "" : "s")")
        var lines = [heading]
        let table = metricsTable(run.history)
        if !table.isEmpty { lines.append(""); lines += table }
        for severity in Severity.allCases.reversed() {
            let ofSeverity = run.findings.filter { $0.severity == severity }
            guard !ofSeverity.isEmpty else { continue }
            lines.append("")
            lines.append("#### \(severity == .error ? "Errors" : severity == .warning ? "Warnings" : "Info")")
            lines.append("")
            for finding in ofSeverity { lines += item(finding) }
        }
        return lines.joined(separator: "\n")
    }

    /// `| metric | train | now | best@epoch | validation | now | best@epoch |`, a row per family.
    static func metricsTable(_ history: RunHistory) -> [String] {
        let families = MetricFamily.families(metricNames: history.metricNames, outputs: history.model?.outputs.map(\.name) ?? [])
        guard !families.isEmpty else { return [] }
        var rows = ["| metric | train | now | best@epoch | validation | now | best@epoch |",
                    "|---|---|--:|--:|---|--:|--:|"]
        for family in families {
            var cells = [cell(family.name + arrow(family.betterDirection))]
            for key in [family.train, family.validation] {
                guard let key else { cells += ["", "", ""]; continue }
                let values = history.values(of: key)
                let summary = MetricSummary(values: values, direction: family.betterDirection)
                cells.append(sparkline(values))
                cells.append(summary.current.map { formatMetric($0) } ?? "")
                if let best = summary.best, let at = summary.bestAt {
                    // `bestAt` counts values from 1; the epoch is what Keras printed for it.
                    let epoch = history.epochs.indices.contains(at - 1) ? history.epochs[at - 1].epoch : at
                    cells.append("\(formatMetric(best))@\(epoch)")
                } else {
                    cells.append("")
                }
            }
            rows.append("| " + cells.joined(separator: " | ") + " |")
        }
        return rows
    }

    /// `↓` where lower is better, `↑` where higher is, as the metrics panel marks them.
    static func arrow(_ direction: MetricFamily.Direction?) -> String {
        switch direction {
        case .lower?: return " ↓"
        case .higher?: return " ↑"
        case nil: return ""
        }
    }

    /// The values as `▁▂▃▄▅▆▇█` (NaN and inf as `×`), downsampled to `sparklineWidth` like the panel's.
    public static func sparkline(_ values: [Double]) -> String {
        let glyphs = Glyphs.unicode
        let spark = Sparkline(values: values, glyphs: glyphs, style: .init())
        return String(spark.levels(width: min(sparklineWidth, values.count)).map { level in
            level.map { glyphs.sparkLevels[$0] } ?? glyphs.nanMarker
        })
    }

    /// A finding as a list item: the headline, then evidence, explanation and fix indented under it.
    static func item(_ finding: Finding) -> [String] {
        var headline = "- **\(finding.severity.rawValue)** `\(finding.id)`"
        if let epoch = finding.epoch { headline += " (epoch \(epoch), \(finding.confidence.rawValue))" } else {
            headline += " (\(finding.confidence.rawValue))"
        }
        var lines = [headline + ": " + inline(finding.title)]
        for evidence in finding.evidence { lines.append("  - Evidence: " + inline(evidence)) }
        lines.append("  - Explanation: " + inline(finding.explanation))
        lines.append("  - Fix: " + inline(finding.fix))
        return lines
    }

    /// Text on one line, with what would start HTML (`<`) or end a table cell (`|`) escaped.
    static func inline(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\n", "\r": out += " "
            case "<": out += "&lt;"
            case "|": out += "\\|"
            default: out.append(character)
            }
        }
        return out
    }

    /// A table cell.
    static func cell(_ text: String) -> String { inline(text) }
}
