import Dispatch
import Foundation
import TrainingLog

/// Replays a recorded run at its recorded pace: each epoch takes the seconds Keras printed
/// for it, divided by the speed; progress updates inside an epoch fall where their step puts
/// them. Pause, step, seek and speed come through `control`; `instant` posts it all at once.
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

    /// An epoch with no printed duration (CSVLogger, TensorBoard) takes this long: 1 s keeps
    /// a 100-epoch log watchable at 1x and lets speed keys still mean something.
    static let defaultEpochSeconds = 1.0
    /// Speeds outside 1/100x ... 100,000x are clamped.
    static let speedRange = 0.01...100_000.0

    public init(events: [TrainingEvent], id: SourceID, speed: Double = 1, instant: Bool = false,
                clock: any FeedClock = SystemClock()) {
        self.events = events
        self.id = id
        self.speed = min(max(speed, Self.speedRange.lowerBound), Self.speedRange.upperBound)
        self.instant = instant
        self.clock = clock
        timeline = ReplayFeed.timeline(of: events)
    }

    /// When each event happened on the recorded timeline.
    static func timeline(of events: [TrainingEvent]) -> [Double] {
        var times = [Double](repeating: 0, count: events.count)
        var epochStart = 0.0
        var groupStart = 0
        for (index, event) in events.enumerated() {
            guard case .epochEnded(let record) = event else { continue }
            let length = record.seconds.map { max(0, $0) } ?? defaultEpochSeconds
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
            if instant {
                inbox.post(events.map { .event(id, $0) })
                position = events.count
                inbox.post(.state(id, .finished))
                return
            }
            inbox.post(.state(id, .replaying(speed: speed)))
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
        guard inbox != nil, !stopped, position < events.count || isSeek(control) else { return }
        syncTime()
        switch control {
        case .pause: setPaused(true)
        case .resume: setPaused(false)
        case .togglePause: setPaused(!paused)
        case .speed(let value):
            speed = min(max(value, Self.speedRange.lowerBound), Self.speedRange.upperBound)
            if !paused { inbox?.post(.state(id, .replaying(speed: speed))) }
        case .step:
            if let end = events[position...].firstIndex(where: { if case .epochEnded = $0 { return true } else { return false } }) {
                recorded = timeline[end]
            } else {
                recorded = timeline.last ?? 0
            }
        case .seek(let epoch):
            guard let target = seekTarget(epoch) else { break }
            if target < position - 1 {
                // Backwards: the monitor cannot un-apply epochs, so the run is played again
                // from its start up to the epoch (its first event starts a fresh segment).
                position = 0
            }
            recorded = timeline[target]
            emit(through: target)
        }
        tick()
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

    private func isSeek(_ control: FeedControl) -> Bool {
        if case .seek = control { return true }
        return false
    }

    private func setPaused(_ value: Bool) {
        guard paused != value else { return }
        paused = value
        inbox?.post(.state(id, value ? .paused : .replaying(speed: speed)))
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
        guard let inbox, !stopped else { return }
        syncTime()
        var last = position - 1
        // 1 ns of slack: the wait was computed from these numbers and may round short.
        while last + 1 < events.count, timeline[last + 1] <= recorded + 1e-9 { last += 1 }
        emit(through: last)
        generation += 1
        guard position < events.count else {
            inbox.post(.state(id, .finished))
            return
        }
        guard !paused else { return }
        let current = generation
        let wait = (timeline[position] - recorded) / speed
        clock.schedule(after: wait, on: queue) { [weak self] in
            guard let self, self.generation == current else { return }
            self.tick()
        }
    }
}
