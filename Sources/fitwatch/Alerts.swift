import Feeds
import Foundation
import MonitorRuntime
import RunModel
import Sharing

/// `--notify` and `--on-event`: tells the terminal (a desktop notification, see
/// `TerminalNotification` for which sequence) and runs the user's command (`EventCommand`)
/// for each run event the screen or headless output decided (`RunEvent`).
final class Alerts: EventAnnouncer {
    /// What the terminal is sent; nil without `--notify`.
    let notification: TerminalNotification?
    /// The `--on-event` command.
    let command: EventCommand?
    /// Where notifications are written: the terminal fitwatch draws on, or `/dev/tty` headless.
    private let terminal: Int32
    private let ownsTerminal: Bool
    /// Findings a notification was sent for (source and id): a finding that is withdrawn and
    /// comes back (an overfitting curve that wobbles) notifies once; `--on-event` gets each record.
    private var notified: Set<String> = []

    private init(notification: TerminalNotification?, command: EventCommand?, terminal: Int32, ownsTerminal: Bool) {
        self.notification = notification
        self.command = command
        self.terminal = terminal
        self.ownsTerminal = ownsTerminal
    }

    deinit { if ownsTerminal { close(terminal) } }

    /// The alerts `options` ask for, nil when none. On the screen notifications go to stdout
    /// (the terminal curses draws on; between frames nothing of curses is pending); headless
    /// they go to `/dev/tty`, so stdout stays one record per line.
    static func make(options: WatchOptions, screen: Bool) -> Alerts? {
        guard options.notify || options.onEvent != nil else { return nil }
        var notification: TerminalNotification?
        var terminal: Int32 = -1
        var owns = false
        if options.notify {
            let environment = ProcessInfo.processInfo.environment
            let inTmux = !(environment["TMUX"] ?? "").isEmpty
            notification = TerminalNotification.choose(environment: environment,
                                                       tmuxAllowsPassthrough: inTmux ? tmuxAllowsPassthrough() : nil)
            if screen {
                terminal = STDOUT_FILENO
            } else {
                terminal = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC)
                owns = terminal >= 0
                if terminal < 0 {
                    FileHandle.standardError.write(Data("fitwatch: --notify: no terminal (/dev/tty) to notify through\n".utf8))
                }
            }
        }
        let command = options.onEvent.map { EventCommand(command: $0) }
        return Alerts(notification: notification, command: command, terminal: terminal, ownsTerminal: owns)
    }

    func announce(_ event: RunEvent, source: SourceID, fit: Int, notice: @escaping @Sendable (String) -> Void) {
        var fresh = true
        if case .finding(let finding, _) = event { fresh = notified.insert("\(source)\u{0}\(finding.id)").inserted }
        if let notification, terminal >= 0, event.deservesNotification, fresh {
            let text = event.notification(source: source)
            let bytes = notification.bytes(title: text.title, body: text.body)
            var sent = 0
            while sent < bytes.count {
                let count = bytes[sent...].withUnsafeBytes { write(terminal, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                sent += count
            }
        }
        command?.send(event.json(source: source, fit: fit), report: notice)
    }

    /// Before fitwatch exits: let commands still running finish (up to their timeout), so
    /// the last `finished` reaches its webhook.
    func finish() {
        guard let command else { return }
        command.wait(upTo: command.timeout + 1)
    }

    /// `tmux show-options -gv allow-passthrough`: false when tmux says `off`, nil when it
    /// does not answer within a second (an old tmux without the option passes everything).
    private static func tmuxAllowsPassthrough() -> Bool? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux", "show-options", "-gv", "allow-passthrough"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let deadline = Date().addingTimeInterval(1)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate(); return nil }
        guard process.terminationStatus == 0 else { return nil }
        let answer = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return answer != "off"
    }
}
