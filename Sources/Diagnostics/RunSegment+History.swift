import KerasModel
import TrainingLog

extension RunSegment {
    /// The segment as a `RunHistory`, so `export` can diagnose what it exports: its start,
    /// model, messages, evaluations, ending and epochs replayed in that order.
    public var history: RunHistory {
        var history = RunHistory()
        history.apply(.runStarted(RunStart(epochs: epochsRequested, format: format, startsMidRun: startsMidRun,
                                                   flavour: flavour)))
        if let model { history.apply(.modelKnown(model)) }
        for record in epochs { history.apply(.epochEnded(record)) }
        for note in notes {
            switch note {
            case .message(let message): history.apply(.message(message))
            case .evaluated(let values): history.apply(.evaluated(values))
            case .ended(let end): history.apply(.runEnded(end))
            }
        }
        return history
    }
}
