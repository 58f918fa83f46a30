import Dispatch
import Foundation
import TrainingCore
import TrainingLog

/// The in-process training core as a source: runs a `TrainingSession` on its own serial
/// queue and posts its events to the inbox. Pause, resume and stop act at the next step
/// boundary (a Boston step takes microseconds), so the screen never waits on training.
public final class TrainingFeed: Feed, @unchecked Sendable {
    /// The source's id in the monitor.
    public let id: SourceID
    private let session: TrainingSession
    private let trainingControl: TrainingControl
    private let extraCallbacks: @Sendable () -> [TrainingCallback]
    private let queue: DispatchQueue
    private let lock = NSLock()
    private var started = false
    private var inbox: Inbox?
    /// The run ended: pause and step have nothing left to act on.
    private var done = false

    /// A feed for `session`. `epochDelay` paces it for watching (seconds after each epoch);
    /// `callbacks` makes extra callbacks on the training queue (log and CSV writers).
    public init(id: SourceID, session: TrainingSession, epochDelay: Double = 0,
                callbacks: @escaping @Sendable () -> [TrainingCallback] = { [] }) {
        self.id = id
        self.session = session
        trainingControl = TrainingControl(epochDelay: epochDelay)
        extraCallbacks = callbacks
        queue = DispatchQueue(label: "fitwatch.training.\(id.rawValue)")
    }

    /// Start training on the feed's queue; returns immediately. Posts `.live`, the run's events, then `.finished` (or `.failed`).
    public func start(inbox: Inbox) {
        lock.lock()
        guard !started else { lock.unlock(); return }
        started = true
        self.inbox = inbox
        lock.unlock()
        let id = self.id
        inbox.post(.state(id, .live))
        queue.async { [session, trainingControl, extraCallbacks] in
            let ending: RunEnd
            do {
                ending = try session.run(extra: extraCallbacks(), control: trainingControl) { event in
                    inbox.post(.event(id, event))
                    // `n` asked for one epoch: it ended, so the run holds again and says so.
                    if case .epochEnded = event, trainingControl.epochEnded() { inbox.post(.state(id, .paused)) }
                }
            } catch {
                ending = .failed(String(describing: error))
            }
            self.lock.lock()
            self.done = true
            self.lock.unlock()
            if case .failed(let why) = ending {
                inbox.post(.state(id, .failed(why)))
            } else {
                inbox.post(.state(id, .finished))
            }
        }
    }

    /// Stop training at the next step (or cut a pacing wait short). Idempotent.
    public func stop() {
        trainingControl.stop()
    }

    /// Pause, resume, toggle, or one more epoch then hold (`step`); other controls do not
    /// apply to training.
    public func control(_ control: FeedControl) {
        let paused: Bool
        switch control {
        case .pause: trainingControl.pause(); paused = true
        case .resume: trainingControl.resume(); paused = false
        case .togglePause: paused = trainingControl.togglePause()
        case .step: trainingControl.stepEpoch(); paused = false
        default: return
        }
        lock.lock()
        let inbox = done ? nil : self.inbox
        lock.unlock()
        inbox?.post(.state(id, paused ? .paused : .live))
    }
}
