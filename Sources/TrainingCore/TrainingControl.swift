import Foundation

/// Pause, resume and stop for a fit running on another thread, plus optional pacing so a
/// human can watch a fast run. The fit loop calls `checkpoint()` before every step.
public final class TrainingControl: @unchecked Sendable {
    private let condition = NSCondition()
    private var paused = false
    private var stopped = false
    private var holdAfterEpoch = false

    /// Seconds to wait after each epoch (the demo uses it so warnings appear live).
    public let epochDelay: Double

    /// A control; `epochDelay` paces the run (0: full speed).
    public init(epochDelay: Double = 0) {
        self.epochDelay = epochDelay
    }

    /// Stop at the next step boundary. Idempotent; wakes a paused run.
    public func stop() {
        condition.lock(); stopped = true; condition.broadcast(); condition.unlock()
    }

    /// Hold the run at the next step boundary.
    public func pause() {
        condition.lock(); paused = true; condition.unlock()
    }

    /// Let a paused run continue.
    public func resume() {
        condition.lock(); paused = false; holdAfterEpoch = false; condition.broadcast(); condition.unlock()
    }

    /// Pause if running, resume if paused; returns true when now paused.
    @discardableResult
    public func togglePause() -> Bool {
        condition.lock()
        paused.toggle()
        let now = paused
        condition.broadcast()
        condition.unlock()
        return now
    }

    /// Run one more epoch, then hold: `n` on a paused run (on a running one, it holds at the
    /// end of the epoch under way).
    public func stepEpoch() {
        condition.lock(); holdAfterEpoch = true; paused = false; condition.broadcast(); condition.unlock()
    }

    /// Called as an epoch ends: holds from the next step on if `stepEpoch()` asked for one
    /// epoch; true when it now holds.
    public func epochEnded() -> Bool {
        condition.lock(); defer { condition.unlock() }
        guard holdAfterEpoch else { return false }
        holdAfterEpoch = false
        paused = true
        return true
    }

    /// True once `stop()` was called.
    public var isStopped: Bool {
        condition.lock(); defer { condition.unlock() }
        return stopped
    }

    /// Block while paused; false once stopped (the loop then ends the run).
    public func checkpoint() -> Bool {
        condition.lock(); defer { condition.unlock() }
        while paused && !stopped { condition.wait() }
        return !stopped
    }

    /// Wait `seconds` unless stopped first (stop() cuts the wait short); false once stopped.
    public func pace(_ seconds: Double) -> Bool {
        guard seconds > 0 else { return checkpoint() }
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        while !stopped && condition.wait(until: deadline) {}
        condition.unlock()
        return checkpoint()
    }
}
