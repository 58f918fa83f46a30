import RunModel

/// What `update` asks the outside world to do; the main loop performs it.
public enum Effect: Sendable, Equatable {
    /// Stop every feed, restore the terminal, exit.
    case quit
    /// Send a control (pause, speed) to one source.
    case control(SourceID, FeedControl)
    /// Ring the terminal bell (a new finding with `--bell`).
    case bell
    /// Tell the world a run event happened (`--notify`, `--on-event`).
    case announce(SourceID, RunEvent, fit: Int)
    /// Diagnose this snapshot of a run off the main thread and send the answer back as
    /// `Message.diagnosed`.
    case diagnose(SourceID, DiagnosisRequest)
}
