import Dispatch
import Feeds
import Foundation
import Monitor
import RunModel
import TerminalCore

/// Who hears of run events on the screen (`--notify`, `--on-event`): called on the loop's
/// thread, so it must not block; `notice` (callable from any thread) puts a line in the
/// status line.
public protocol EventAnnouncer: AnyObject {
    func announce(_ event: RunEvent, source: SourceID, fit: Int, notice: @escaping @Sendable (String) -> Void)
}

/// The full-screen monitor's main loop, over any `TerminalBackend` and an injected clock:
/// wait for keys, feed messages, diagnoses or a signal; drain them; update; render at most
/// ~30 frames per second and only when something changed; draw the changed cells; run the
/// effects (diagnoses go to a worker queue and come back as messages, so a frame never waits
/// for the rules). `fitwatch` runs it on the curses terminal; tests run it on a memory one.
public struct MonitorRuntime {
    /// 1/30 s: smooth enough for a chart that moves every batch, and a replay at 1000x or a
    /// firehose log costs at most 30 renders per second.
    public static let frameBudget = 1.0 / 30.0
    /// How long an idle loop sleeps when nothing on screen moves with the clock. ncurses
    /// reports a resize on the next key read, so this bounds how stale the layout can be.
    public static let idleWait = 1.0

    /// Seconds since some epoch; the wall clock in `fitwatch`.
    public var clock: @Sendable () -> Double
    /// Readable when a signal arrived (-1: none watched).
    public var signalDescriptor: Int32
    /// The terminating signal that arrived, if any.
    public var receivedSignal: () -> Int32?
    /// Told of every `Effect.announce` (nil: announcements go nowhere).
    public var announcer: (any EventAnnouncer)?

    /// A loop reading `clock`, stopped by the signals `receivedSignal` reports.
    public init(clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
                signalDescriptor: Int32 = -1, receivedSignal: @escaping () -> Int32? = { nil }) {
        self.clock = clock
        self.signalDescriptor = signalDescriptor
        self.receivedSignal = receivedSignal
    }

    /// Start `feeds`, run until the user quits or a terminating signal arrives, and return
    /// the exit status: 0 after `q`, 128 + the signal number after a signal (or SIGHUP when
    /// the terminal went away). The feeds are not stopped: the caller does that after it
    /// gave the terminal back.
    public func run(state: inout MonitorState, terminal: any TerminalBackend, feeds: [any Feed]) -> Int32 {
        let inbox = Inbox()
        // Runs are listed in command-line order, whichever source answers first.
        state.register(sources: feeds.map(\.id))
        for feed in feeds { feed.start(inbox: inbox) }
        let diagnosisQueue = DispatchQueue(label: "fitwatch.diagnosis", qos: .utility)
        let answers = Mailbox<Message>(size: { _ in 64 })
        let diagnose = state.diagnose

        var previous: Buffer?
        var drawnRevision: Int?
        var lastFrame = -Double.infinity
        var fds = [
            pollfd(fd: terminal.inputDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: inbox.wakeDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: signalDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: answers.wakeDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            let now = clock()
            let dirty = drawnRevision != state.revision
            var wait = Self.idleWait
            if dirty { wait = max(0, lastFrame + Self.frameBudget - now) }
            else if let until = state.flashUntil { wait = min(wait, max(0, until - now)) }
            else if state.needsClock { wait = min(wait, 1 - now.truncatingRemainder(dividingBy: 1) + 0.001) }
            if let due = state.nextDiagnosis { wait = min(wait, max(0, due - now)) }
            // A backend without an input descriptor is read between frames: wake often enough.
            if terminal.inputDescriptor < 0 { wait = min(wait, Self.frameBudget) }
            for index in fds.indices { fds[index].revents = 0 }
            // While a frame is owed but not due, leave the inbox alone: messages pile up and
            // are applied in one batch when the frame is drawn, instead of waking the loop for
            // every line of a firehose log.
            fds[1].fd = dirty && wait > 0 ? -1 : inbox.wakeDescriptor
            _ = poll(&fds, nfds_t(fds.count), Int32((min(wait, Self.idleWait) * 1000).rounded(.up)))

            if let signo = receivedSignal() { return 128 + signo }
            // The terminal went away without a SIGHUP reaching us (a closed /dev/tty): stop
            // rather than spin on a descriptor that is always "ready".
            if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return 128 + SIGHUP }
            var effects: [Effect] = []
            // Facts are stamped with the time they are applied at, not the last tick's.
            effects += state.update(.clock(clock()))
            for message in inbox.drain() { effects += state.update(.feed(message)) }
            for answer in answers.drain() { effects += state.update(answer) }
            while let event = terminal.readInput(timeout: nil) {
                if case .resize = event {
                    terminal.invalidate()
                    previous = nil
                }
                effects += state.update(.key(event))
            }
            effects += state.update(.tick(clock()))
            for effect in effects {
                switch effect {
                case .quit:
                    return 0
                case .control(let id, let control):
                    feeds.first { $0.id == id }?.control(control)
                case .bell:
                    terminal.bell()
                case .diagnose(let id, let request):
                    diagnosisQueue.async { answers.post(.diagnosed(id, diagnose(request))) }
                case .announce(let id, let event, let fit):
                    announcer?.announce(event, source: id, fit: fit) { text in answers.post(.notice(text)) }
                }
            }

            let frameTime = clock()
            if drawnRevision != state.revision, frameTime - lastFrame >= Self.frameBudget {
                let frame = MonitorView.render(state)
                terminal.draw(frame.changes(since: previous))
                previous = frame
                drawnRevision = state.revision
                lastFrame = frameTime
            }
        }
    }
}
