import KerasModel
import Diagnostics

extension MonitorState {
    /// What an accuracy row resolved to in Keras (the diagnostics' resolution, computed with
    /// the findings), for the training key or else the validation key; nil when unknown.
    public func resolvedMetric(_ family: MetricFamily, run: RunState) -> ResolvedMetric? {
        guard family.isAccuracy else { return nil }
        let keys = [family.train, family.validation, family.name].compactMap { $0 }
        for key in keys { if let resolved = run.resolvedMetrics[key], resolved != .other { return resolved } }
        return nil
    }

    /// The findings about a row's metrics.
    public func findings(marking family: MetricFamily, run: RunState) -> [Finding] {
        let keys = [family.name, family.train, family.validation].compactMap { $0 }
        return run.findings.filter { finding in finding.metrics.contains { keys.contains($0) } }
    }

    /// How many screen lines a row takes: a second line spells out what an accuracy resolved
    /// to or which finding marks it.
    public func lineCount(of family: MetricFamily, run: RunState) -> Int {
        resolvedMetric(family, run: run) != nil || !findings(marking: family, run: run).isEmpty ? 2 : 1
    }
}
