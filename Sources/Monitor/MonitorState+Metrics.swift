import KerasModel
import Diagnostics

extension MonitorState {
    /// What an accuracy row resolved to in Keras, from the model's output units and loss and
    /// the Keras version; nil when it is not an accuracy or the model is unknown.
    public func resolvedMetric(_ family: MetricFamily, run: RunState) -> ResolvedMetric? {
        guard family.isAccuracy, let model = model(of: run) else { return nil }
        let spec = family.output.flatMap { name in model.outputs.first { $0.name == name } }
            ?? (model.outputs.count == 1 ? model.outputs.first : nil)
        guard let spec else { return nil }
        let units = model.layer(named: spec.name)?.lastAxisSize
        let resolved = MetricResolution.resolve(metric: family.baseName, outputUnits: units, target: .unknown,
                                                loss: spec.loss?.kind, flavour: run.flavour)
        return resolved == .other ? nil : resolved
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
