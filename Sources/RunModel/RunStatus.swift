import TrainingLog

/// What a run is doing, or how it ended, as every surface states it. Decided from the run's
/// own end (what Keras printed), the source's state and the clock, in that order of trust:
/// a wrapped command that exits with status 3 failed, whatever the log said before.
public enum RunStatus: Sendable, Equatable {
    /// Nothing arrived yet; the source is connecting or waiting (with why).
    case waiting(String?)
    /// Data is arriving.
    case live
    /// A followed file that is quiet for now (its run may still be going).
    case following
    /// A live source silent for longer than its epochs ever took (seconds of silence).
    case stale(Double)
    /// A replay at this speed.
    case replaying(Double)
    /// Paused by the user.
    case paused
    /// The connection dropped; trying again (the reason).
    case reconnecting(String)
    /// The run ran to its end.
    case finished
    /// EarlyStopping ended the run at `epoch`; `restored` when it restored the best weights
    /// (of epoch `best`, when printed).
    case earlyStopped(epoch: Int?, restored: Bool, best: Int?)
    /// Stopped before its end (Ctrl-C, the log ends inside an epoch), with why.
    case interrupted(String)
    /// Failed, with why (a traceback, a wrapped command's exit status, an unreadable source).
    case failed(String)

    /// True once the run cannot change any more.
    public var isOver: Bool {
        switch self {
        case .finished, .earlyStopped, .interrupted, .failed: return true
        default: return false
        }
    }

    /// One word for JSON and the runs table.
    public var word: String {
        switch self {
        case .waiting: return "waiting"
        case .live: return "live"
        case .following: return "following"
        case .stale: return "stale"
        case .replaying: return "replaying"
        case .paused: return "paused"
        case .reconnecting: return "reconnecting"
        case .finished: return "finished"
        case .earlyStopped: return "early-stopped"
        case .interrupted: return "interrupted"
        case .failed: return "failed"
        }
    }

    /// The status as a person reads it: `failed: exited with status 3`,
    /// `early-stopped at epoch 40, best epoch 30 restored`.
    public var text: String {
        switch self {
        case .waiting(let why): return why.map { "waiting: \($0)" } ?? "connecting"
        case .live, .following, .paused, .finished: return word
        case .stale(let seconds): return "stale: nothing for \(Self.duration(seconds))"
        case .replaying(let speed): return "replaying at \(speed == speed.rounded() && abs(speed) < 1e9 ? String(Int(speed)) : String(speed))x"
        case .reconnecting(let why): return "reconnecting: \(why)"
        case .earlyStopped(let epoch, let restored, let best):
            var text = "early-stopped"
            if let epoch { text += " at epoch \(epoch)" }
            if restored { text += best.map { ", best epoch \($0) restored" } ?? ", best weights restored" }
            return text
        case .interrupted(let why): return "interrupted: \(why)"
        case .failed(let why): return "failed: \(why)"
        }
    }

    /// The reason, for statuses that carry one (`--jsonl`'s `reason`).
    public var reason: String? {
        switch self {
        case .waiting(let why): return why
        case .stale, .replaying, .earlyStopped: return String(text.drop(while: { $0 != " " }).dropFirst())
        case .reconnecting(let why), .interrupted(let why), .failed(let why): return why
        default: return nil
        }
    }

    init(run: Run, now: Double?) {
        self.init(history: run.history, sourceState: run.sourceState, timing: run.timing, now: now)
    }

    /// The status of a segment with this history, from a source in `sourceState`.
    init(history: RunHistory, sourceState: SourceState?, timing: RunTiming, now: Double?) {
        if case .failed(let why)? = sourceState { self = .failed(why); return }
        switch history.end {
        case .failed(let why)?: self = .failed(why); return
        case .interrupted(let why)?: self = .interrupted(why); return
        default: break
        }
        let sourceDone: Bool
        switch sourceState {
        case .finished?: sourceDone = true
        default: sourceDone = false
        }
        // What the log itself says ended the run, whatever the source does next (a followed
        // file stays open after Keras printed its last line).
        let messages = history.messages
        if let stop = messages.last(where: { $0.kind == .earlyStopping }) {
            let restored = messages.last(where: { $0.kind == .restoredBestWeights })
            self = .earlyStopped(epoch: stop.epoch ?? history.epochs.last?.epoch, restored: restored != nil,
                                 best: restored.flatMap { $0.value.map { Int($0) } ?? $0.epoch })
            return
        }
        if let nan = messages.last(where: { $0.kind == .terminatedOnNaN }) {
            let batch = nan.value.map { " at batch \(Int($0))" } ?? ""
            self = .interrupted("TerminateOnNaN stopped training\(batch): the loss was \(Self.invalidLoss(in: history))")
            return
        }
        if history.end == nil, let exception = messages.last(where: { $0.kind == .exception }) {
            // Raised before any epoch (or outside a run the reader could close): the script died.
            self = .failed(exception.text)
            return
        }
        if history.end != nil || sourceDone {
            if let last = history.epochs.last, !last.complete, history.end == nil {
                self = .interrupted("the input ends inside epoch \(last.epoch)")
                return
            }
            self = .finished
            return
        }
        var following = false
        switch sourceState {
        case .live?, .following?: following = true
        default: break
        }
        if following, let requested = history.epochsRequested, requested > 0, history.lastProgress == nil,
           let last = history.epochs.last, last.complete, last.epoch >= requested {
            // Every epoch asked for is done: the `fit` is over, though the file stays open.
            self = .finished
            return
        }
        switch sourceState {
        case nil, .connecting?: self = .waiting(nil)
        case .waiting(let why)?: self = .waiting(why)
        case .live?:
            if let now, let last = timing.lastData, now - last > timing.staleAfter {
                self = .stale(now - last)
            } else {
                self = .live
            }
        case .following?:
            // Caught up and quiet, with the run not over: past what its epochs take, a file
            // nobody writes to any more is stale, as a silent live source is.
            if let now, let last = timing.lastActivity, now - last > timing.staleAfter {
                self = .stale(now - last)
            } else {
                self = .following
            }
        case .replaying(let speed)?: self = .replaying(speed)
        case .paused?: self = .paused
        case .reconnecting(_, let why)?: self = .reconnecting(sourceState?.reason ?? why)
        case .finished?, .failed?: self = .finished
        }
    }

    /// `1:07`, `2:03:04`.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.down))
        let (h, m, s) = (total / 3600, (total / 60) % 60, total % 60)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(m):\(two(s))"
    }
}

extension RunStatus {
    /// What TerminateOnNaN saw: Keras stops on a NaN or an infinite loss alike ("Invalid
    /// loss"); the last loss printed says which (`inf`, `NaN`), else both are named.
    public static func invalidLoss(in history: RunHistory) -> String {
        let printed = history.lastProgress?.metrics["loss"] ?? history.epochs.last?.metrics["loss"]
        guard let loss = printed, !loss.isFinite else { return "NaN or infinite" }
        return loss.isNaN ? "NaN" : (loss > 0 ? "inf" : "-inf")
    }
}
