import Foundation
import Diagnostics
import KerasModel
import TrainingLog

/// Something that happened to a run besides its epochs, for the chart's x axis and the
/// events line: early stopping, the best weights restored, a learning-rate change, a
/// checkpoint, NaN termination, an `evaluate()` result.
public struct RunMoment: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case earlyStopping = "early stop"
        case restoredBest = "best restored"
        case learningRate = "lr"
        case checkpoint
        case terminatedOnNaN = "NaN stop"
        case evaluated = "evaluate"
    }

    /// What happened.
    public var kind: Kind
    /// The epoch it belongs to (the best epoch for a restore), when known.
    public var epoch: Int?
    /// Short text: `lr 0.0005`, `best epoch 9 restored`, `loss 38.2383 accuracy 0.0000`.
    public var text: String

    /// Which mark wins a shared column of the x axis: NaN termination and early stopping
    /// over the restored epoch over learning-rate changes over checkpoints.
    public var priority: Int {
        switch kind {
        case .terminatedOnNaN: return 5
        case .earlyStopping: return 4
        case .restoredBest: return 3
        case .learningRate: return 2
        case .evaluated: return 1
        case .checkpoint: return 0
        }
    }

    /// The letter marking it on the chart's x axis.
    public var letter: Character {
        switch kind {
        case .earlyStopping: return "E"
        case .restoredBest: return "R"
        case .learningRate: return "L"
        case .checkpoint: return "C"
        case .terminatedOnNaN: return "N"
        case .evaluated: return "V"
        }
    }
}

extension Run {
    /// The current segment's moments, in the order they happened within each kind.
    public var moments: [RunMoment] { RunMoment.moments(in: current.history) }
}

extension RunMoment {
    /// The moments of one `fit` (a segment's history), in the order they happened within each
    /// kind: what the screen's chart marks and `fitwatch plot` draws.
    public static func moments(in history: RunHistory) -> [RunMoment] {
        var moments: [RunMoment] = []
        for message in history.messages {
            switch message.kind {
            case .earlyStopping:
                moments.append(RunMoment(kind: .earlyStopping, epoch: message.epoch, text: "early stop"))
            case .restoredBestWeights:
                let best = message.value.map { Int($0) } ?? message.epoch
                moments.append(RunMoment(kind: .restoredBest, epoch: best,
                                         text: "best weights restored"))
            case .learningRateChange:
                moments.append(RunMoment(kind: .learningRate, epoch: message.epoch,
                                         text: "lr " + (message.value.map { String(format: "%g", $0) } ?? "changed")))
            case .checkpoint:
                // ModelCheckpoint also says when it did not save ("did not improve from").
                guard !message.text.contains("did not improve") else { continue }
                moments.append(RunMoment(kind: .checkpoint, epoch: message.epoch, text: "checkpoint saved"))
            case .terminatedOnNaN:
                moments.append(RunMoment(kind: .terminatedOnNaN, epoch: message.epoch ?? history.currentEpoch ?? history.epochs.last?.epoch,
                                         text: "loss \(RunStatus.invalidLoss(in: history)): training terminated"))
            default:
                break
            }
        }
        // Keras's ModelCheckpoint says "saving" and then "finished saving": one moment each.
        var seen = Set<String>()
        moments = moments.filter { seen.insert("\($0.kind.rawValue)@\($0.epoch ?? -1)").inserted }
        for values in history.evaluations {
            let text = zip(values.keys, values.values).map { "\($0) \(KerasNumber.format($1))" }.joined(separator: " ")
            moments.append(RunMoment(kind: .evaluated, epoch: nil, text: "evaluate: " + text))
        }
        return moments
    }
}

extension Run {
    /// The status as the screen and the summary say it: `finished` alone would hide that a
    /// source held nothing fitwatch could read.
    public func statusText(_ status: RunStatus) -> String {
        if status == .finished, !sawTrainingOutput { return "finished: no Keras training output found" }
        return status.text
    }

    /// The status in the exit summary: a run not over yet was left as it was, said before
    /// why (`waiting when fitwatch quit: no such file: nope.log; …`, not `waiting: no such
    /// file: nope.log; waiting for it when fitwatch quit`).
    private func summaryStatus(_ status: RunStatus) -> String {
        guard !status.isOver else { return statusText(status) }
        return "\(status.word) when fitwatch quit" + (status.reason.map { ": \($0)" } ?? "")
    }

    /// One line per `fit` for the exit summary: `train.log: early-stopped at epoch 40, best
    /// epoch 30 restored · 40/100 epochs · best val_loss 0.3120 at epoch 30 · 1 warning
    /// (overfitting)`; a log with several fits says which (`train.log (fit 1 of 2): …`).
    public func summaryLines(now: Double?) -> [String] {
        guard !archived.isEmpty else { return [summaryLine(now: now)] }
        let all = reports(now: now)
        // Counted as `check` counts them: a `fit` that trained nothing is not reported, so
        // the count is the last reported one's number (never `fit 3 of 2`).
        let fits = all.last?.fit ?? fitNumber
        return all.map { report in
            Report.title(source: source.rawValue, fit: report.fit, of: fits) + ": "
                + Self.summary(status: summaryStatus(report.status), history: report.segment.history, findings: report.findings)
        }
    }

    /// The exit summary of the current `fit`.
    public func summaryLine(now: Double?) -> String {
        "\(source): " + Self.summary(status: summaryStatus(status(now: now)), history: current.history, findings: findings.current)
    }

    static func summary(status: String, history: RunHistory, findings: [Finding]) -> String {
        var parts = [status]
        let done = history.epochs.completeCount
        parts.append(history.epochsRequested.map { "\(done)/\($0) epochs" } ?? "\(done) epoch\(done == 1 ? "" : "s")")
        if let best = bestOfMainMetric(history) {
            parts.append("best \(best.name) \(KerasNumber.format(best.value)) at epoch \(best.epoch)")
        }
        if findings.isEmpty {
            parts.append("no findings")
        } else {
            // Counted as the header counts them: errors, warnings, info.
            for severity in [Severity.error, .warning, .info] {
                let ids = findings.filter { $0.severity == severity }.map(\.id)
                guard !ids.isEmpty else { continue }
                let word = severity == .info ? "info" : severity.rawValue + (ids.count == 1 ? "" : "s")
                parts.append("\(ids.count) \(word) (\(ids.joined(separator: ", ")))")
            }
        }
        return parts.joined(separator: " · ")
    }

    /// The lowest validation loss, else the lowest loss, with its epoch.
    static func bestOfMainMetric(_ history: RunHistory) -> (name: String, value: Double, epoch: Int)? {
        // From the columns: a run of a million epochs is not copied into records for one line.
        let epochs = history.epochs.completeOnly()
        for name in ["val_loss", "loss"] {
            var best: (epoch: Int, value: Double)?
            for (index, value) in epochs.values(of: name).enumerated() where value.isFinite && value < (best?.value ?? .infinity) {
                best = (epochs.epoch(at: index), value)
            }
            if let best { return (name, best.value, best.epoch) }
        }
        return nil
    }
}
