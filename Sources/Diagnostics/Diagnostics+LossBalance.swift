import KerasModel
import TrainingLog

/// Rules about how a multi-output model's total loss is made (see `LossCheck` for the sources).
extension Diagnostics {
    static func lossBalance(_ facts: RunFacts) -> [Finding] {
        guard let check = LossCheck.check(facts) else { return [] }
        var findings: [Finding] = []
        let confidence: Confidence = check.weightsKnown ? .certain : .suspected
        let weightSource = check.weightsKnown ? "loss_weights from the compile config"
            : "loss weights inferred from the printed numbers (no compile config)"
        let lastEpoch = facts.epochs.last?.epoch
        // Dominance from the first epoch to the last: a head whose share grew past the threshold
        // only because the other heads learned their tasks (their losses fell towards 0) is a
        // healthy run's end state, not a scale problem (see `Thresholds.dominanceShare`).
        if let dominant = check.terms.max(by: { $0.share < $1.share }), dominant.share >= Thresholds.dominanceShare,
           !(dominant.leastShare < Thresholds.dominanceShare) {
            let others = check.terms.filter { $0.output != dominant.output }
            var evidence = check.terms.map { term in
                "\(term.output): \(NumberText.short(term.weight)) × \(NumberText.keras(term.loss)) = "
                    + "\(NumberText.percent(term.share)) of the weighted loss at epoch \(lastEpoch ?? 0)"
            }
            if dominant.leastShare.isFinite {
                evidence.append("\(dominant.output)'s share was at least \(NumberText.percent(dominant.leastShare)) in every epoch")
            }
            evidence.append(weightSource)
            if let model = facts.model {
                let reached = model.layersReached(byOutput: dominant.output)
                let shared = others.flatMap { Array(model.layersReached(byOutput: $0.output)) }
                    .filter { reached.contains($0) && !model.inputs.contains($0) }
                var seen = Set<String>()
                let sharedLayers = shared.filter { seen.insert($0).inserted }
                if !sharedLayers.isEmpty {
                    evidence.append("layers shared by all outputs: \(sharedLayers.joined(separator: ", "))")
                }
            }
            let otherLoss = others.map { $0.weight * $0.loss }.reduce(0, +)
            let balanced = dominant.loss > 0 ? dominant.weight * otherLoss / dominant.loss : dominant.weight
            findings.append(Finding(
                id: "loss-weight-dominance", severity: .info, confidence: confidence, epoch: lastEpoch,
                title: "\(dominant.output)'s loss is \(NumberText.percent(dominant.share)) of the total",
                evidence: evidence,
                explanation: "Keras 3.x, tf-keras 2.x and Keras 2.x minimise loss = Σ loss_weight × output loss. When one "
                    + "term is over \(NumberText.percent(Thresholds.dominanceShare)) of it, the layers the outputs share "
                    + "are trained almost only for that output; the others learn mostly through their own heads. Usually "
                    + "the scales differ (a squared error in raw units against a cross-entropy near 0.7), not the importance. "
                    + "Not reported when the share was below that in some epoch: a head whose loss fell towards 0 "
                    + "because it learned its task leaves the others most of the total, as a healthy run does.",
                fix: "Standardise the regression target, or rebalance loss_weights, e.g. "
                    + "loss_weights={'\(dominant.output)': \(NumberText.short(balanced))"
                    + others.map { ", '\($0.output)': \(NumberText.short($0.weight))" }.joined() + "} to make the terms comparable.",
                metrics: check.terms.map { "\($0.output)_loss" }))
        }
        if let epoch = check.firstMismatchEpoch, let mismatch = check.mismatch {
            let record = facts.epochs.indices.first { facts.epochs.epoch(at: $0) == epoch }.map { facts.epochs[$0] }
            let parts = check.terms.map { term in
                "\(NumberText.short(term.weight)) × \(mismatch.split)\(term.output)_loss "
                    + NumberText.keras(record?.metrics["\(mismatch.split)\(term.output)_loss"] ?? .nan)
            }
            var evidence = [
                "epoch \(epoch): \(mismatch.split)loss \(NumberText.keras(mismatch.total)) but "
                    + parts.joined(separator: " + ") + " = \(NumberText.keras(mismatch.weightedSum)) "
                    + "(difference \(NumberText.keras(mismatch.total - mismatch.weightedSum)))",
                weightSource,
            ]
            let regularized = facts.model?.layers.filter(\.hasRegularizer).map(\.name) ?? []
            if !regularized.isEmpty {
                evidence.append("layers with a regulariser (their penalty is in the total only): "
                                + regularized.joined(separator: ", "))
            }
            findings.append(Finding(
                id: "total-loss-mismatch", severity: .info, confidence: confidence, epoch: epoch,
                title: "the printed loss is not the weighted sum of the output losses",
                evidence: evidence,
                explanation: "Keras 3.x, tf-keras 2.x and Keras 2.x print each output's loss unweighted and the total as "
                    + "Σ loss_weight × output loss plus every extra loss of the model (kernel/bias/activity regularisers, "
                    + "add_loss terms). A difference means the total holds such extra terms, or the weights are not what "
                    + "you think: compare the total with the output losses, not with each other.",
                fix: regularized.isEmpty
                    ? "Check loss_weights in compile() and any add_loss()/regularisers; watch the per-output losses to "
                        + "judge each head."
                    : "Nothing to fix if the regularisation is intended; judge each head by its own <output>_loss, "
                        + "not by the total.",
                metrics: ["loss"] + check.terms.map { "\($0.output)_loss" }))
        }
        return findings
    }
}
