import TrainingLog

/// Findings as `fitwatch check` prints them and `export` embeds them: text for people, JSON
/// with a fixed key order for scripts.
public enum FindingReport {
    /// One line per finding, then its evidence, explanation and fix indented:
    ///
    /// ```
    /// warning accuracy-on-regression epoch 1: 'accuracy' on a regression output measures nothing (certain)
    ///     evidence: output dense_1 (Dense, 1 unit, linear) is trained with loss 'mean_squared_error', ...
    ///     explanation: Keras 3.x choose what 'accuracy' means ...
    ///     fix: Drop 'accuracy' ...
    /// ```
    public static func text(_ findings: [Finding]) -> String {
        findings.map { finding in
            var lines = [headline(finding)]
            lines += finding.evidence.map { "    evidence: " + $0 }
            lines.append("    explanation: " + finding.explanation)
            lines.append("    fix: " + finding.fix)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// `warning accuracy-on-regression epoch 1: <title> (certain)`.
    public static func headline(_ finding: Finding) -> String {
        var text = "\(finding.severity.rawValue) \(finding.id)"
        if let epoch = finding.epoch { text += " epoch \(epoch)" }
        return text + ": \(finding.title) (\(finding.confidence.rawValue))"
    }

    /// A JSON array of findings: `[{"id":…,"severity":…,"confidence":…,"epoch":1,"title":…,
    /// "evidence":[…],"explanation":…,"fix":…,"metrics":[…]}]`; `epoch` is `null` when unknown.
    public static func json(_ findings: [Finding]) -> String {
        "[" + findings.map(json).joined(separator: ",") + "]"
    }

    /// One finding as a JSON object, keys in the documented order.
    public static func json(_ finding: Finding) -> String {
        var out = "{\"id\":\(string(finding.id))"
        out += ",\"severity\":\(string(finding.severity.rawValue))"
        out += ",\"confidence\":\(string(finding.confidence.rawValue))"
        out += ",\"epoch\":" + (finding.epoch.map(String.init) ?? "null")
        out += ",\"title\":\(string(finding.title))"
        out += ",\"evidence\":[" + finding.evidence.map(string).joined(separator: ",") + "]"
        out += ",\"explanation\":\(string(finding.explanation))"
        out += ",\"fix\":\(string(finding.fix))"
        out += ",\"metrics\":[" + finding.metrics.map(string).joined(separator: ",") + "]"
        return out + "}"
    }

    /// A JSON string literal (the export contract's escaping).
    static func string(_ text: String) -> String { ExportJSON.string(text) }
}
