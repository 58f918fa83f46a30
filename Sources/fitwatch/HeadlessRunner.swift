import Dispatch
import Foundation
import CursesBackend
import Diagnostics
import Feeds
import KerasModel
import RunModel
import TrainingLog

/// Headless output: finished epochs and new findings as lines, or JSON lines (`--jsonl`).
/// Follows until every source ended or SIGINT/SIGTERM/SIGHUP/SIGQUIT (exit 128 + that signal, as the
/// screen does); the first SIGINT goes to a wrapped command (which then ends on its own), a
/// second one quits.
enum HeadlessRunner {
    enum Style { case lines, jsonLines }

    static func run(feeds: [any Feed], options: WatchOptions, style: Style) throws -> Int32 {
        let model = try MonitorSetup.model(path: options.model)
        let alerts = Alerts.make(options: options, screen: false)
        // The last `--on-event` commands (the runs' ends) finish before fitwatch exits.
        defer { alerts?.finish() }
        // Caught until this returns (the watcher's deinit brings the default actions back).
        let signals = SignalWatcher()
        defer { withExtendedLifetime(signals) {} }
        let inbox = Inbox()
        let hosts = HostLookup(feeds: feeds.compactMap { $0 as? SSHHostFeed })
        let roots = Set(feeds.compactMap { $0 as? any MultiRunFeed }.flatMap(\.rootIDs))
        var tracked: [SourceID: Run] = [:]
        var statusReported: [SourceID: RunEventTracker] = [:]
        var pacing = DiagnosisPacing()
        for feed in feeds {
            for id in (feed as? any MultiRunFeed)?.rootIDs ?? [feed.id] {
                tracked[id] = Run(source: id, modelOverride: model, hasBacklog: !(feed is any InterruptibleFeed))
            }
        }
        feeds.forEach { $0.start(inbox: inbox) }

        /// The signal that stopped the loop; the exit status is 128 + it (130, 143, 129).
        var interrupted: Int32?
        var forwardedInterrupt = false
        loop: while true {
            var descriptor = pollfd(fd: inbox.wakeDescriptor, events: Int16(POLLIN), revents: 0)
            // 100 ms: signals are noticed within a tenth of a second without a busy loop.
            _ = poll(&descriptor, 1, 100)
            handle(inbox.drain(), tracked: &tracked, model: model, style: style, now: Date().timeIntervalSince1970, statusReported: &statusReported, pacing: &pacing, alerts: alerts, hosts: hosts, roots: roots)
            for signal in signals.take() {
                if signal == SIGINT, !forwardedInterrupt {
                    let forwarded = feeds.compactMap { $0 as? any InterruptibleFeed }.map { $0.interrupt() }
                    if forwarded.contains(true) {
                        forwardedInterrupt = true
                        continue
                    }
                }
                interrupted = signal
                break loop
            }
            let ended = tracked.values.allSatisfy { entry in
                switch entry.sourceState {
                case .finished?, .failed?: return true
                default: return false
                }
            }
            if ended { break }
        }
        feeds.forEach { $0.stop() }
        // The last word: every run whose diagnosis was put off is diagnosed now.
        pacing.paced = false
        handle(inbox.drain(), tracked: &tracked, model: model, style: style, now: Date().timeIntervalSince1970,
               statusReported: &statusReported, pacing: &pacing, alerts: alerts, hosts: hosts, roots: roots)

        if interrupted == nil {
            // Replay and stdin of garbage, empty or binary input used to exit 0 printing
            // nothing at all. A wrapped command is left out: its exit status speaks for it.
            for feed in feeds where !(feed is any InterruptibleFeed) {
                guard let entry = tracked[feed.id], case .finished? = entry.sourceState, !entry.sawTrainingOutput else { continue }
                FileHandle.standardError.write(Data("fitwatch: no training output found in \(feed.id)\n".utf8))
            }
        }
        if let interrupted { return 128 + interrupted }
        let failed = tracked.values.contains { if case .failed = $0.status() { return true } else { return false } }
        return failed ? 1 : 0
    }

    private static func handle(_ messages: [FeedMessage], tracked: inout [SourceID: Run], model: ModelGraph?,
                               style: Style, now: Double, statusReported: inout [SourceID: RunEventTracker],
                               pacing: inout DiagnosisPacing, alerts: Alerts?, hosts: HostLookup, roots: Set<SourceID>) {
        // Runs whose diagnosis was put off last time come first.
        var changed: [SourceID] = pacing.takeDeferred()
        pacing.runs = tracked.count
        /// The run's last word once it is over (a followed file's run can end while the file
        /// stays open: EarlyStopping, its last epoch), said once per `fit`.
        func reportStatus(_ id: SourceID) {
            guard let run = tracked[id] else { return }
            // Said again if it changes (EarlyStopping's restore follows its stop).
            guard let status = statusReported[id, default: RunEventTracker()].end(of: run, now: nil) else { return }
            alerts?.announce(.ended(status), source: id, fit: run.fitNumber, notice: reportProblem)
            // In lines, a failed source already said so on stderr.
            if style == .lines, case .failed? = run.sourceState { return }
            emit(status: status, source: id, fit: run.fitNumber, style: style, host: hosts.host(of: id))
        }
        // Findings are computed once per drain and source (not per epoch of a backlog), and
        // printed before any later state line so they follow the epochs that raised them. A
        // finding that is no longer true is withdrawn, as the screen drops it.
        func reportFindings(force: Bool = false) {
            for id in changed {
                guard var run = tracked[id] else { continue }
                guard force || run.status().isOver || pacing.due(id, now: now) else { continue }
                pacing.diagnosed(id, at: now)
                if let change = run.diagnose() {
                    for finding in change.withdrawn {
                        emit(withdrawn: finding, source: id, fit: run.fitNumber, style: style, host: hosts.host(of: id))
                    }
                    for finding in change.added {
                        let provisional = run.findings.provisional.contains(finding.id)
                        emit(finding: finding, provisional: provisional, source: id, fit: run.fitNumber, style: style, host: hosts.host(of: id))
                        alerts?.announce(.finding(finding, provisional: provisional), source: id, fit: run.fitNumber, notice: reportProblem)
                    }
                }
                tracked[id] = run
                reportStatus(id)
            }
            changed = []
        }
        for message in messages {
            switch message {
            case .event(let id, let event):
                if case .runStarted = event, tracked[id]?.sawTrainingOutput == true {
                    // A new `fit` in the same source: the one before it has had its last word
                    // (EarlyStopping, its last epoch); say its findings and how it ended first.
                    if !changed.contains(id) { changed.append(id) }
                    reportFindings(force: true)
                }
                tracked[id, default: Run(source: id, modelOverride: model)].apply(event, at: now)
                switch event {
                case .epochEnded(let record):
                    emit(epoch: record, source: id, fit: tracked[id]?.fitNumber ?? 1, style: style, host: hosts.host(of: id))
                    if !changed.contains(id) { changed.append(id) }
                case .modelKnown, .message, .runEnded, .evaluated:
                    if !changed.contains(id) { changed.append(id) }
                default:
                    break
                }
            case .state(let id, let state):
                reportFindings()
                tracked[id, default: Run(source: id, modelOverride: model)].apply(state: state, at: now)
                emit(state: state, source: id, style: style, host: hosts.host(of: id))
                if let run = tracked[id], run.status().isOver {
                    // The run's last word: diagnosed as it ended, then its status.
                    changed.append(id)
                    reportFindings(force: true)
                }
            case .output(let id, let line):
                // The wrapped command's raw output belongs to the screen's log pane; headless
                // output stays machine-readable. A discovered root's note (a bound reached)
                // goes to stderr.
                if roots.contains(id) { FileHandle.standardError.write(Data("fitwatch: \(line)\n".utf8)) }
            case .reading(let id, let what):
                emit(reading: what, source: id, style: style, host: hosts.host(of: id))
            case .rewound(let id):
                // Only a paced replay sought backwards sends it; headless replays never seek.
                tracked[id]?.rewind()
            case .wrote(let id, let time):
                // No record carries it; the run's status (stale) reads it, as the screen's does.
                tracked[id]?.noteWrite(at: time)
            }
        }
        reportFindings()
    }

    /// An `--on-event` command's problem: one line on stderr (stdout keeps its records).
    private static let reportProblem: @Sendable (String) -> Void = { text in
        FileHandle.standardError.write(Data("fitwatch: \(text)\n".utf8))
    }

    private static func emit(epoch: EpochRecord, source: SourceID, fit: Int, style: Style, host: String?) {
        switch style {
        case .jsonLines:
            write(withHost(ExportJSON.epoch(epoch, source: source.rawValue, fit: fit), source: source, host: host))
        case .lines:
            let of = epoch.of.map { "/\($0)" } ?? ""
            let metrics = epoch.metrics.map { "\($0.key) \(KerasNumber.format($0.value))" }.joined(separator: "  ")
            let seconds = epoch.seconds.map { "  (\($0 == $0.rounded() ? String(Int($0)) : String(format: "%.2f", $0))s)" } ?? ""
            let cut = epoch.complete ? "" : "  [cut off]"
            write("\(source): epoch \(epoch.epoch)\(of)  \(metrics)\(seconds)\(cut)")
        }
    }

    private static func emit(finding: Finding, provisional: Bool, source: SourceID, fit: Int, style: Style, host: String?) {
        switch style {
        case .jsonLines:
            write(withHost(JSONLRecord.finding(finding, provisional: provisional, source: source, fit: fit), source: source, host: host))
        case .lines:
            let epoch = finding.epoch.map { " (from epoch \($0))" } ?? ""
            let soFar = provisional ? " (so far)" : ""
            write("\(source): \(finding.severity.rawValue): \(finding.title)\(epoch)\(soFar) [\(finding.id)]")
        }
    }

    /// A finding that was reported and is no longer true.
    private static func emit(withdrawn finding: Finding, source: SourceID, fit: Int, style: Style, host: String?) {
        switch style {
        case .jsonLines:
            write(withHost(JSONLRecord.withdrawn(finding, source: source, fit: fit), source: source, host: host))
        case .lines:
            write("\(source): withdrawn: \(finding.title) [\(finding.id)]")
        }
    }

    /// How a run ended: `{"source":…,"fit":1,"status":"early-stopped","reason":"at epoch 40, …"}`.
    private static func emit(status: RunStatus, source: SourceID, fit: Int, style: Style, host: String?) {
        switch style {
        case .jsonLines:
            write(withHost(JSONLRecord.status(status, source: source, fit: fit), source: source, host: host))
        case .lines:
            // On stderr with the other states, so stdout keeps one line per epoch or finding;
            // a run that simply finished needs no word, and a failed source said it already.
            guard status != .finished else { return }
            FileHandle.standardError.write(Data("fitwatch: \(source): \(status.text)\n".utf8))
        }
    }

    /// Which run a directory source reads: `{"source":…,"reading":…}`, or a line on stderr.
    private static func emit(reading: String, source: SourceID, style: Style, host: String?) {
        switch style {
        case .jsonLines:
            write(withHost("{\"source\":\(ExportJSON.string(source.rawValue)),\"reading\":\(ExportJSON.string(reading))}", source: source, host: host))
        case .lines:
            FileHandle.standardError.write(Data("fitwatch: \(source): reading \(reading)\n".utf8))
        }
    }

    private static func emit(state: SourceState, source: SourceID, style: Style, host: String?) {
        switch style {
        case .jsonLines:
            let reason = state.reason.map(ExportJSON.string) ?? "null"
            write(withHost("{\"source\":\(ExportJSON.string(source.rawValue)),\"state\":\(ExportJSON.string(state.word)),\"reason\":\(reason)}",
                           source: source, host: host))
        case .lines:
            // Only states a person must act on or wait for; they go to stderr so stdout keeps
            // one line per epoch or finding.
            switch state {
            case .failed, .waiting, .reconnecting:
                let reason = state.reason.map { ": \($0)" } ?? ""
                FileHandle.standardError.write(Data("fitwatch: \(source): \(state.word)\(reason)\n".utf8))
            default:
                break
            }
        }
    }

    /// Which host a run is on: `--jsonl` records of a remote run say `"host"` after `"source"`.
    struct HostLookup {
        let feeds: [SSHHostFeed]
        func host(of id: SourceID) -> String? {
            feeds.isEmpty ? nil : feeds.first { $0.follows(id) }?.host.host
        }
    }

    /// A `--jsonl` record with `"host"` right after its `"source"` when the run is remote.
    private static func withHost(_ line: String, source: SourceID, host: String?) -> String {
        guard let host else { return line }
        let head = "{\"source\":\(ExportJSON.string(source.rawValue))"
        guard line.hasPrefix(head) else { return line }
        return head + ",\"host\":\(ExportJSON.string(host))" + line.dropFirst(head.count)
    }

    /// One line to stdout, flushed now: scripts and `jq` read line by line as it happens.
    /// (A direct write per line: nothing sits in a stdio buffer.)
    private static func write(_ line: String) {
        var bytes = Array((line + "\n").utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Foundation.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}

/// How often headless output diagnoses a run whose history moved. A sweep of 500 runs loading
/// their backlogs was diagnosed run by run on every drain (`--jsonl` of 500 runs took 2.3-4.2 s,
/// most of it in the rules); each is diagnosed at the pace the screen keeps for the runs not
/// in focus (`DiagnosisPace`) while it goes on, and at once when it ends (its findings precede
/// its status).
struct DiagnosisPacing {
    /// Runs are held to `DiagnosisPace`; false for the last word, when every run put off is diagnosed.
    var paced = true
    /// How many runs are followed.
    var runs = 0
    private var last: [SourceID: Double] = [:]
    private var deferred: [SourceID] = []

    /// Whether `id` may be diagnosed now; if not, it is tried again on the next drain.
    mutating func due(_ id: SourceID, now: Double) -> Bool {
        let interval = paced ? DiagnosisPace.interval(base: 0, runs: runs, focused: false) : 0
        guard interval > 0, let last = last[id], now - last < interval else { return true }
        if !deferred.contains(id) { deferred.append(id) }
        return false
    }

    mutating func diagnosed(_ id: SourceID, at now: Double) {
        last[id] = now
    }

    /// The runs put off, to try again (in the order they were put off).
    mutating func takeDeferred() -> [SourceID] {
        defer { deferred = [] }
        return deferred
    }
}
