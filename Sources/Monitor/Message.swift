import TerminalCore
import RunModel

/// Everything that can happen to the monitor, as a fact. The main loop turns the world
/// (sources, keys, the terminal, the clock) into these and applies them with `update`.
public enum Message: Sendable, Equatable {
    /// A source posted an event, a state change or an output line.
    case feed(FeedMessage)
    /// The user pressed a key, scrolled or clicked.
    case key(InputEvent)
    /// The terminal changed size.
    case resize(Size)
    /// The clock moved on: `now` in seconds (wall clock, frozen in tests). Findings are
    /// recomputed here, at most once per frame, not per event.
    case tick(Double)
    /// The clock reads `now`: facts applied next are stamped with it (the loop says so before
    /// it drains the sources, so a run's times are the wall clock's, not the last tick's).
    case clock(Double)
    /// A diagnosis asked for with `Effect.diagnose` came back.
    case diagnosed(SourceID, DiagnosisResult)
    /// Something to tell the user in the status line (an `--on-event` command failed).
    case notice(String)
}
