import Dispatch
import Foundation
import CursesBackend
import Diagnostics
import Feeds
import KerasModel
import TrainingLog

/// Headless output: finished epochs and new findings as lines, or JSON lines (`--jsonl`).
/// Follows until every source ended or SIGINT/SIGTERM/SIGHUP/SIGQUIT (exit 128 + that signal, as the
/// screen does); the first SIGINT goes to a wrapped command (which then ends on its own), a
/// second one quits.
enum HeadlessRunner {
    enum Style { case lines, jsonLines }

    /// What the runner knows about one source.
    private struct Tracked {
        var history = RunHistory()
        var findingIDs: Set<String> = []
        var state: SourceState?
        /// Recent lines the reader kept as noise: tracebacks name config problems. The last
        /// 200 hold a full Python traceback without growing with the log.
        var noise: [String] = []
        /// Whether any training event (not noise) arrived: a source that ended without one
        /// gets the same note on stderr as `export` gives, instead of a silent exit 0.
        var sawTraining = false
    }

    static func run(feeds: [any Feed], options: WatchOptions, style: Style) throws -> Int32 {
        let model = try MonitorSetup.model(path: options.model)
        // Caught until this returns (the watcher's deinit brings the default actions back).
        let signals = SignalWatcher()
        defer { withExtendedLifetime(signals) {} }
        let inbox = Inbox()
        var tracked: [SourceID: Tracked] = [:]
        for feed in feeds { tracked[feed.id] = Tracked() }
        feeds.forEach { $0.start(inbox: inbox) }

        /// The signal that stopped the loop; the exit status is 128 + it (130, 143, 129).
        var interrupted: Int32?
        var forwardedInterrupt = false
        loop: while true {
            var descriptor = pollfd(fd: inbox.wakeDescriptor, events: Int16(POLLIN), revents: 0)
            // 100 ms: signals are noticed within a tenth of a second without a busy loop.
            _ = poll(&descriptor, 1, 100)
            handle(inbox.drain(), tracked: &tracked, model: model, style: style)
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
                switch entry.state {
                case .finished?, .failed?: return true
                default: return false
                }
            }
            if ended { break }
        }
        feeds.forEach { $0.stop() }
        handle(inbox.drain(), tracked: &tracked, model: model, style: style)

        if interrupted == nil {
            // Replay and stdin of garbage, empty or binary input used to exit 0 printing
            // nothing at all. A wrapped command is left out: its exit status speaks for it.
            for feed in feeds where !(feed is any InterruptibleFeed) {
                guard let entry = tracked[feed.id], case .finished? = entry.state, !entry.sawTraining else { continue }
                FileHandle.standardError.write(Data("fitwatch: no training output found in \(feed.id)\n".utf8))
            }
        }
        if let interrupted { return 128 + interrupted }
        let failed = tracked.values.contains { if case .failed? = $0.state { return true } else { return false } }
        return failed ? 1 : 0
    }

    private static func handle(_ messages: [FeedMessage], tracked: inout [SourceID: Tracked], model: ModelGraph?,
                               style: Style) {
        var changed: [SourceID] = []
        // Findings are computed once per drain and source (not per epoch of a backlog), and
        // printed before any later state line so they follow the epochs that raised them.
        func reportFindings() {
            for id in changed {
                guard var entry = tracked[id] else { continue }
                for finding in HeadlessFindings.findings(for: entry.history, model: model, noise: entry.noise)
                where !entry.findingIDs.contains(finding.id) {
                    entry.findingIDs.insert(finding.id)
                    emit(finding: finding, source: id, style: style)
                }
                tracked[id] = entry
            }
            changed = []
        }
        for message in messages {
            switch message {
            case .event(let id, let event):
                tracked[id, default: Tracked()].history.apply(event)
                if case .noise = event {} else { tracked[id]?.sawTraining = true }
                switch event {
                case .epochEnded(let record):
                    emit(epoch: record, source: id, style: style)
                    if !changed.contains(id) { changed.append(id) }
                case .modelKnown, .message:
                    if !changed.contains(id) { changed.append(id) }
                case .noise(let line):
                    tracked[id]?.noise.append(line)
                    if tracked[id]?.noise.count ?? 0 > 200 { tracked[id]?.noise.removeFirst() }
                default:
                    break
                }
            case .state(let id, let state):
                reportFindings()
                tracked[id, default: Tracked()].state = state
                emit(state: state, source: id, style: style)
            case .output:
                // The wrapped command's raw output belongs to the screen's log pane; headless
                // output stays machine-readable.
                break
            }
        }
        reportFindings()
    }

    private static func emit(epoch: EpochRecord, source: SourceID, style: Style) {
        switch style {
        case .jsonLines:
            write(ExportJSON.epoch(epoch, source: source.rawValue))
        case .lines:
            let of = epoch.of.map { "/\($0)" } ?? ""
            let metrics = epoch.metrics.map { "\($0.key) \(KerasNumber.format($0.value))" }.joined(separator: "  ")
            let seconds = epoch.seconds.map { "  (\($0 == $0.rounded() ? String(Int($0)) : String(format: "%.2f", $0))s)" } ?? ""
            let cut = epoch.complete ? "" : "  [cut off]"
            write("\(source): epoch \(epoch.epoch)\(of)  \(metrics)\(seconds)\(cut)")
        }
    }

    private static func emit(finding: Finding, source: SourceID, style: Style) {
        switch style {
        case .jsonLines:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let body = (try? encoder.encode(finding)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            write("{\"source\":\(ExportJSON.string(source.rawValue)),\"finding\":\(body)}")
        case .lines:
            let epoch = finding.epoch.map { " (from epoch \($0))" } ?? ""
            write("\(source): \(finding.severity.rawValue): \(finding.title)\(epoch) [\(finding.id)]")
        }
    }

    private static func emit(state: SourceState, source: SourceID, style: Style) {
        switch style {
        case .jsonLines:
            let reason = state.reason.map(ExportJSON.string) ?? "null"
            write("{\"source\":\(ExportJSON.string(source.rawValue)),\"state\":\(ExportJSON.string(state.word)),\"reason\":\(reason)}")
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
