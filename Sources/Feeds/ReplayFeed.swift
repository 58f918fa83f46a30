import Dispatch
import Foundation
import TrainingLog

/// Replays a recorded run at its recorded pace: each epoch takes the best time the source
/// recorded for it (`recordedSeconds`), divided by the speed; progress updates inside an epoch
/// fall where their step puts them. Pause, step, seek and speed come through `control`, also
/// after the end; `instant` posts it all at once.
public final class ReplayFeed: Feed, @unchecked Sendable {
    public let id: SourceID
    private let events: [TrainingEvent]
    /// Recorded seconds from the start at which each event happened.
    let timeline: [Double]
    private let clock: any FeedClock
    private let instant: Bool
    private let queue = DispatchQueue(label: "fitwatch.replay")
    private var inbox: Inbox?
    private var position = 0
    private var recorded: Double = 0
    private var wallMark: Double = 0
    private var speed: Double
    private var paused = false
    private var generation = 0
    private var stopped = false
    private var postedState: SourceState?

    /// An epoch whose source recorded no time for it (CSVLogger; a log that printed `0s` and
    /// no per-step time) takes this long: 1 s keeps a 100-epoch log watchable at 1x and lets
    /// the speed keys still mean something.
    static let defaultEpochSeconds = 1.0
    /// Speeds outside 1/100x ... 100,000x are clamped.
    static let speedRange = 0.01...100_000.0

    /// What a directory source replays under it (`b/train.log`), posted first as `.reading`.
    private let reading: String?

    public init(events: [TrainingEvent], id: SourceID, speed: Double = 1, instant: Bool = false,
                reading: String? = nil, clock: any FeedClock = SystemClock()) {
        self.events = events
        self.reading = reading
        self.id = id
        self.speed = min(max(speed, Self.speedRange.lowerBound), Self.speedRange.upperBound)
        self.instant = instant
        self.clock = clock
        timeline = ReplayFeed.timeline(of: events)
    }

    /// The best time the source recorded for an epoch, nil when it recorded none: the epoch
    /// time it printed (Keras's whole seconds, the callback stream's timestamps, TensorBoard's
    /// wall times); where that rounds to `0s`, Keras's per-step time times the steps
    /// (`81/81 ━━━━ 0s 2ms/step` took about 0.16 s, not 0).
    static func recordedSeconds(of record: EpochRecord) -> Double? {
        if let seconds = record.seconds, seconds.isFinite, seconds > 0 { return seconds }
        if let perStep = record.secondsPerStep, let steps = record.steps, perStep.isFinite, perStep > 0, steps > 0 {
            return perStep * Double(steps)
        }
        return nil
    }

    /// When each event happened on the recorded timeline.
    static func timeline(of events: [TrainingEvent]) -> [Double] {
        var times = [Double](repeating: 0, count: events.count)
        var epochStart = 0.0
        var groupStart = 0
        for (index, event) in events.enumerated() {
            guard case .epochEnded(let record) = event else { continue }
            let length = recordedSeconds(of: record) ?? defaultEpochSeconds
            var last = epochStart
            for inner in groupStart..<index {
                if case .batchProgress(let progress) = events[inner], let total = progress.total, total > 0 {
                    last = max(last, epochStart + length * min(1, Double(progress.step) / Double(total)))
                }
                times[inner] = last
            }
            epochStart += length
            times[index] = epochStart
            groupStart = index + 1
        }
        for inner in groupStart..<events.count { times[inner] = epochStart }
        return times
    }

    public func start(inbox: Inbox) {
        queue.async { [self] in
            guard self.inbox == nil, !stopped else { return }
            self.inbox = inbox
            if let reading { inbox.post(.reading(id, reading)) }
            if instant {
                inbox.post(events.map { .event(id, $0) })
                position = events.count
                postState()
                return
            }
            postState()
            wallMark = clock.now
            tick()
        }
    }

    public func stop() {
        queue.async { [self] in
            stopped = true
            generation += 1
        }
    }

    public func control(_ control: FeedControl) {
        queue.async { [self] in apply(control) }
    }

    /// Wait until controls sent so far took effect (tests).
    func flush() { queue.sync {} }

    private func apply(_ control: FeedControl) {
        // Every control works after the end too: a seek plays the run again from there.
        guard inbox != nil, !stopped, !instant else { return }
        syncTime()
        switch control {
        case .pause: paused = true
        case .resume: paused = false
        case .togglePause: paused.toggle()
        case .speed(let value):
            speed = min(max(value, Self.speedRange.lowerBound), Self.speedRange.upperBound)
        case .step:
            // Exactly one epoch: up to the next epoch's end, and hold there.
            if let end = events[position...].firstIndex(where: Self.isEpochEnd) {
                recorded = timeline[end]
                emit(through: end)
            }
            paused = true
        case .seek(let epoch):
            guard let target = seekTarget(epoch) else { break }
            if target < position, !events[(target + 1)..<position].contains(where: Self.isEpochEnd) {
                break  // Already there (End at the end): nothing to play again.
            }
            if target < position {
                // Backwards: the monitor cannot un-apply epochs, so it forgets the run and the
                // run is played again from its start up to the epoch.
                position = 0
                inbox?.post(.rewound(id))
            }
            recorded = timeline[target]
            emit(through: target)
        }
        postState()
        tick()
    }

    private static func isEpochEnd(_ event: TrainingEvent) -> Bool {
        if case .epochEnded = event { return true }
        return false
    }

    /// The `epochEnded` event a seek to `epoch` lands on: that epoch, else the last one
    /// before it (so `Int.max` is the end and a typo past the end is the last epoch), else
    /// the first epoch (a log that starts later, e.g. a resumed run).
    private func seekTarget(_ epoch: Int) -> Int? {
        var exact: Int?
        var before: Int?
        var first: Int?
        for (index, event) in events.enumerated() {
            guard case .epochEnded(let record) = event else { continue }
            if first == nil { first = index }
            if record.epoch == epoch { exact = index; break }
            if record.epoch < epoch { before = index }
        }
        return exact ?? before ?? first
    }

    /// Tell the monitor where the replay is, when that changed: finished at the end, else
    /// paused or replaying at its speed (so Home after the end says `replaying` again).
    private func postState() {
        let state: SourceState = position >= events.count ? .finished : paused ? .paused : .replaying(speed: speed)
        guard state != postedState else { return }
        postedState = state
        inbox?.post(.state(id, state))
    }

    /// Move recorded time forward by the wall time that passed, unless paused.
    private func syncTime() {
        let now = clock.now
        if !paused { recorded += (now - wallMark) * speed }
        wallMark = now
    }

    private func emit(through last: Int) {
        guard let inbox, position <= last else { return }
        inbox.post(events[position...last].map { .event(id, $0) })
        position = last + 1
    }

    private func tick() {
        guard inbox != nil, !stopped else { return }
        generation += 1
        // Paused, nothing moves: a step or seek emitted exactly what it lands on.
        guard !paused else { return }
        syncTime()
        var last = position - 1
        // 1 ns of slack: the wait was computed from these numbers and may round short.
        while last + 1 < events.count, timeline[last + 1] <= recorded + 1e-9 { last += 1 }
        emit(through: last)
        postState()
        guard position < events.count else { return }
        let current = generation
        let wait = (timeline[position] - recorded) / speed
        clock.schedule(after: wait, on: queue) { [weak self] in
            guard let self, self.generation == current else { return }
            self.tick()
        }
    }
}
