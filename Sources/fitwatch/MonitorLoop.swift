import CursesBackend
import Feeds
import Foundation
import Monitor
import TerminalCore

/// The full-screen monitor's main loop: wait for keys, feed messages or a signal; drain the
/// inbox; update; render at most ~30 frames per second and only when something changed;
/// draw the changed cells; run the effects. The terminal is restored on every way out.
enum MonitorLoop {
    /// 1/30 s: smooth enough for a chart that moves every batch, and a replay at 1000x or a
    /// firehose log costs at most 30 renders per second.
    static let frameBudget = 1.0 / 30.0
    /// How long an idle loop sleeps when nothing on screen moves with the clock. ncurses
    /// reports a resize on the next key read, so this bounds how stale the layout can be.
    static let idleWait = 1.0

    /// Run until the user quits or a terminating signal arrives; return the exit status:
    /// 0 after `q`, 128 + the signal number after SIGINT, SIGTERM or SIGHUP. (`fitwatch run`
    /// asks its feed for the child's status afterwards.)
    static func run(feeds: [any Feed], options: WatchOptions) throws -> Int32 {
        var state = MonitorState()
        state.modelOverride = try MonitorSetup.model(path: options.model)
        let theme = try MonitorSetup.theme(nameOrPath: options.theme)
        state.bellOnNewFinding = options.bell
        state.wrappedCommands = Set(feeds.filter { $0 is any InterruptibleFeed }.map(\.id))
        let signals = SignalWatcher()
        // Defers run last-first: the terminal is given back before the feeds stop, since
        // stopping a wrapped command or an ssh session can take a moment.
        defer { for feed in feeds { feed.stop() } }
        let terminal = try CursesTerminal()
        defer { terminal.end() }
        state.size = terminal.size
        state.unicode = terminal.unicode
        state.theme = theme.degraded(to: terminal.colorCapability)

        let inbox = Inbox()
        for feed in feeds { feed.start(inbox: inbox) }

        var previous: Buffer?
        var drawnRevision: Int?
        var lastFrame = -Double.infinity
        var fds = [
            pollfd(fd: terminal.inputDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: inbox.wakeDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: signals.descriptor, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            let now = Date().timeIntervalSince1970
            let dirty = drawnRevision != state.revision
            var wait = idleWait
            if dirty { wait = max(0, lastFrame + frameBudget - now) }
            else if let until = state.flashUntil { wait = min(wait, max(0, until - now)) }
            else if state.needsClock { wait = min(wait, 1 - now.truncatingRemainder(dividingBy: 1) + 0.001) }
            if let due = state.nextDiagnosis { wait = min(wait, max(0, due - now)) }
            for index in fds.indices { fds[index].revents = 0 }
            // While a frame is owed but not due, leave the inbox alone: messages pile up and
            // are applied in one batch (with one diagnostics pass) when the frame is drawn,
            // instead of waking the loop for every line of a firehose log.
            fds[1].fd = dirty && wait > 0 ? -1 : inbox.wakeDescriptor
            _ = poll(&fds, nfds_t(fds.count), Int32((wait * 1000).rounded(.up)))

            if let signo = signals.receivedSignal { return 128 + signo }
            // The terminal went away without a SIGHUP reaching us (a closed /dev/tty): stop
            // rather than spin on a descriptor that is always "ready".
            if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return 128 + SIGHUP }
            var effects: [Effect] = []
            for message in inbox.drain() { effects += state.update(.feed(message)) }
            while let event = terminal.readInput(timeout: nil) {
                if case .resize = event {
                    terminal.invalidate()
                    previous = nil
                }
                effects += state.update(.key(event))
            }
            effects += state.update(.tick(Date().timeIntervalSince1970))
            for effect in effects {
                switch effect {
                case .quit:
                    return 0
                case .control(let id, let control):
                    feeds.first { $0.id == id }?.control(control)
                case .bell:
                    terminal.bell()
                }
            }

            let frameTime = Date().timeIntervalSince1970
            if drawnRevision != state.revision, frameTime - lastFrame >= frameBudget {
                let frame = MonitorView.render(state)
                terminal.draw(frame.changes(since: previous))
                previous = frame
                drawnRevision = state.revision
                lastFrame = frameTime
            }
        }
    }
}
