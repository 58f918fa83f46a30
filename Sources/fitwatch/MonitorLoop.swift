import CursesBackend
import Feeds
import Foundation
import Monitor
import MonitorRuntime
import TerminalCore

/// The full-screen monitor on the curses terminal: sets up the state, the terminal and the
/// signals, runs `MonitorRuntime`, and restores the terminal on every way out before it
/// prints the exit summary.
enum MonitorLoop {
    /// Run until the user quits or a terminating signal arrives; return the exit status:
    /// 0 after `q`, 128 + the signal number after SIGINT, SIGTERM or SIGHUP. (`fitwatch run`
    /// asks its feed for the child's status afterwards.)
    static func run(feeds: [any Feed], options: WatchOptions) throws -> Int32 {
        var state = MonitorState()
        let alerts = Alerts.make(options: options, screen: true)
        // The last `--on-event` commands may still run after the screen closed: wait for them.
        defer { alerts?.finish() }
        let status = try run(feeds: feeds, options: options, state: &state, alerts: alerts)
        // The terminal is back to normal: leave one line per run on it, so what the screen
        // said does not vanish with it.
        let now = Date().timeIntervalSince1970
        for id in state.sourceOrder {
            guard var run = state.runs[id]?.run, run.sawTrainingOutput || run.sourceState != nil else { continue }
            // A diagnosis still on its way is made here: the summary states the last facts.
            if run.needsDiagnosis { run.diagnose() }
            for line in run.summaryLines(now: now) { print(line) }
        }
        return status
    }

    /// The loop itself; the terminal is restored when it returns or throws.
    private static func run(feeds: [any Feed], options: WatchOptions, state: inout MonitorState, alerts: Alerts?) throws -> Int32 {
        state.modelOverride = try MonitorSetup.model(path: options.model)
        let theme = try MonitorSetup.theme(nameOrPath: options.theme)
        state.bellOnNewFinding = options.bell
        state.alerts.enabled = alerts != nil
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

        var runtime = MonitorRuntime(signalDescriptor: signals.descriptor, receivedSignal: { signals.receivedSignal })
        runtime.announcer = alerts
        return runtime.run(state: &state, terminal: terminal, feeds: feeds)
    }
}
