import TrainingLog
import Feeds

/// The monitor's whole state. One writer: the main loop applies messages to it.
public struct MonitorState: Sendable {
    /// Runs by source, in the order sources were given.
    public var runs: [SourceID: RunHistory] = [:]
    public var sourceOrder: [SourceID] = []
    public var sourceStates: [SourceID: SourceState] = [:]

    public init() {}

    /// Apply a fact from a source.
    public mutating func apply(_ message: FeedMessage) {
        switch message {
        case .event(let id, let event):
            if runs[id] == nil { sourceOrder.append(id) }
            runs[id, default: RunHistory()].apply(event)
        case .state(let id, let state):
            if runs[id] == nil { sourceOrder.append(id); runs[id] = RunHistory() }
            sourceStates[id] = state
        case .output:
            break
        }
    }
}
