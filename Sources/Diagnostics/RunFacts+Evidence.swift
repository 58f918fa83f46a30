import KerasModel
import TrainingLog

/// Evidence sentences shared by the rules.
extension RunFacts {
    /// True when the model has more than one output (printed names carry the output prefix).
    var isMultiOutput: Bool { (model?.outputs.count ?? 0) > 1 || outputs.count > 1 }

    /// Printed metrics belonging to an output (all of them for a single-output model).
    func printed(for output: String, _ include: (PrintedMetric) -> Bool) -> [PrintedMetric] {
        metrics.filter { metric in
            (isMultiOutput ? metric.output == output : metric.output == nil) && include(metric)
        }
    }

    /// The names a configured metric prints under: `accuracy`/`val_accuracy`, or with the
    /// output prefix for a multi-output model. Used before any epoch is printed.
    func expectedNames(_ metric: String, output: String) -> [String] {
        let base = isMultiOutput ? "\(output)_\(metric)" : metric
        return [base, "val_" + base]
    }

    /// `output dense_1 (Dense, 1 unit, linear)`.
    func describe(output name: String) -> String {
        guard let model, let layer = model.layer(named: name) else { return "output \(name)" }
        var parts = [layer.className]
        if let units = model.outputUnits(name) { parts.append(units == 1 ? "1 unit" : "\(units) units") }
        if let activation = model.outputActivation(name) { parts.append(activation) }
        return "output \(name) (\(parts.joined(separator: ", ")))"
    }

    /// What a metric did over the complete epochs: `accuracy = 0.0000 in all 100 epochs` or
    /// `accuracy 0.3250 -> 0.6000 over 10 epochs`; nil when it was never printed.
    func observed(_ name: String) -> String? {
        let series = values(name).filter { !$0.isNaN }
        guard let first = series.first, let last = series.last else { return nil }
        if series.allSatisfy({ $0 == first }) {
            return "\(name) = \(NumberText.keras(first)) in all \(series.count) epoch\(series.count == 1 ? "" : "s")"
        }
        return "\(name) \(NumberText.keras(first)) -> \(NumberText.keras(last)) over \(series.count) epochs"
    }

}
