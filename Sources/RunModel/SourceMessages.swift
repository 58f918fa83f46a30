import TrainingLog

/// Identifies one source (a file, a host:path, a command, the training core).
public struct SourceID: Sendable, Hashable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// What a source is doing, shown honestly in the header and headless output.
public enum SourceState: Sendable, Equatable {
    case connecting
    case live
    /// Following a file that is not growing right now.
    case following
    /// The file does not exist (yet): waiting for it.
    case waiting(String)
    case replaying(speed: Double)
    case paused
    case reconnecting(inSeconds: Double, reason: String)
    case finished
    case failed(String)

    /// A short word for the header and JSON lines.
    public var word: String {
        switch self {
        case .connecting: return "connecting"
        case .live: return "live"
        case .following: return "following"
        case .waiting: return "waiting"
        case .replaying: return "replaying"
        case .paused: return "paused"
        case .reconnecting: return "reconnecting"
        case .finished: return "finished"
        case .failed: return "failed"
        }
    }

    /// The reason, for states that carry one.
    public var reason: String? {
        switch self {
        case .waiting(let why), .failed(let why): return why
        case .reconnecting(let seconds, let why): return "\(why); retrying in \(Int(seconds.rounded(.up))) s"
        case .replaying(let speed): return "\(speed.formatted())x"
        default: return nil
        }
    }
}

extension Double {
    /// `20`, `0.5`: no trailing `.0` for whole numbers.
    fileprivate func formatted() -> String {
        self == rounded() && abs(self) < 1e9 ? String(Int(self)) : String(self)
    }
}

/// A fact a source posts to the monitor. Sources never touch app state.
public enum FeedMessage: Sendable, Equatable {
    /// A training event from a source.
    case event(SourceID, TrainingEvent)
    /// The source's state changed.
    case state(SourceID, SourceState)
    /// A raw output line (the wrapped command's log pane).
    case output(SourceID, String)
    /// A directory source found what it reads (`DirectoryRun`): the log file or TensorBoard
    /// run under it, as the user reads it (`b/train.log`); again whenever a newer run appears.
    case reading(SourceID, String)
    /// The source plays again from its start (a replay sought backwards): forget what was read
    /// from it; its events follow from the first.
    case rewound(SourceID)
    /// When the source's file was last written (its modification time, seconds since 1970), as
    /// the file source sees it after reading: the runs table's `last` column, which for a log
    /// written days ago says so, not how long ago fitwatch read it.
    case wrote(SourceID, at: Double)
}

/// Controls a user can send to a source (replay and training understand them; others ignore).
public enum FeedControl: Sendable, Equatable {
    case pause, resume, togglePause
    case speed(Double)
    case step
    /// Jump to the end of an epoch; past the last epoch (`Int.max`) means the last one.
    case seek(epoch: Int)
}
