import Feeds

/// What `update` asks the outside world to do; the main loop performs it.
public enum Effect: Sendable, Equatable {
    /// Stop every feed, restore the terminal, exit.
    case quit
    /// Send a control (pause, speed) to one source.
    case control(SourceID, FeedControl)
    /// Ring the terminal bell (a new finding with `--bell`).
    case bell
}
