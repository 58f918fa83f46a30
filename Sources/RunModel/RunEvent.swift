import Diagnostics
import Foundation
import TrainingLog

/// Something about a run worth telling someone who is not looking: it ended (finished,
/// failed, early-stopped, interrupted) or a finding appeared. `--notify` and `--on-event` send
/// these; `--jsonl` prints the same records, decided by the same rules (`RunEventTracker` for
/// the end, the run's `FindingLedger` for findings), so the three never disagree.
public enum RunEvent: Sendable, Equatable {
    /// The run is over, with how it ended (`RunStatus.isOver`).
    case ended(RunStatus)
    /// A finding the latest diagnosis added; `provisional` while its evidence can still change.
    case finding(Finding, provisional: Bool)

    /// `finished`, `failed`, `early-stopped`, `interrupted` or `finding`.
    public var name: String {
        switch self {
        case .ended(let status): return status.word
        case .finding: return "finding"
        }
    }

    /// True for what a desktop notification is worth: every end, and findings of warning
    /// severity or worse (info findings are not interruptions).
    public var deservesNotification: Bool {
        switch self {
        case .ended: return true
        case .finding(let finding, _): return finding.severity >= .warning
        }
    }

    /// The event as the `--jsonl` record that says the same thing: `{"source":…,"fit":…,
    /// "status":…,"reason":…}` for an end, `{"source":…,"fit":…,"finding":{…},"provisional":…}`
    /// for a finding; `fit` is the source's `fit` call it is about.
    public func json(source: SourceID, fit: Int) -> String {
        switch self {
        case .ended(let status): return JSONLRecord.status(status, source: source, fit: fit)
        case .finding(let finding, let provisional): return JSONLRecord.finding(finding, provisional: provisional, source: source, fit: fit)
        }
    }

    /// A notification's title and body: `fitwatch: early-stopped` / `train.log: early-stopped at
    /// epoch 40, best epoch 30 restored`; `fitwatch: warning` / `train.log: <title> [<id>]`. The
    /// title is short and leads with what happened, since notifications cut long titles.
    public func notification(source: SourceID) -> (title: String, body: String) {
        switch self {
        case .ended(let status):
            return ("fitwatch: \(status.word)", "\(source): \(status.text)")
        case .finding(let finding, _):
            return ("fitwatch: \(finding.severity.rawValue)", "\(source): \(finding.title) [\(finding.id)]")
        }
    }
}

/// Says a run's end once per `fit` (and again if what ended it changes: EarlyStopping's
/// restore follows its stop), the rule `--jsonl` prints its `status` lines by.
public struct RunEventTracker: Sendable, Equatable {
    private var reported: String?

    public init() {}

    /// The run's end if it is over and not said yet in these words. A source that ended
    /// without any Keras output has nothing to announce (a file that never held a run).
    public mutating func end(of run: Run, now: Double?) -> RunStatus? {
        let status = run.status(now: now)
        let key = "\(run.fitNumber): \(status.text)"
        guard status.isOver, run.sawTrainingOutput || run.sourceState != .finished, reported != key else { return nil }
        reported = key
        return status
    }
}

/// The records `--jsonl` prints, one JSON object per line; `--on-event` sends the same ones.
public enum JSONLRecord {
    /// `{"source":…,"fit":1,"finding":{…},"provisional":false}`; the finding's keys sorted.
    public static func finding(_ finding: Finding, provisional: Bool, source: SourceID, fit: Int) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(finding)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return head(source, fit) + ",\"finding\":\(body),\"provisional\":\(provisional)}"
    }

    /// A finding no longer true: `{"source":…,"fit":1,"withdrawn":"stuck-metric"}`.
    public static func withdrawn(_ finding: Finding, source: SourceID, fit: Int) -> String {
        head(source, fit) + ",\"withdrawn\":\(ExportJSON.string(finding.id))}"
    }

    /// How a run ended: `{"source":…,"fit":1,"status":"early-stopped","reason":"at epoch 40, …"}`.
    public static func status(_ status: RunStatus, source: SourceID, fit: Int) -> String {
        let reason = status.reason.map(ExportJSON.string) ?? "null"
        return head(source, fit) + ",\"status\":\(ExportJSON.string(status.word)),\"reason\":\(reason)}"
    }

    /// A record about one `fit` call of a source (counting from 1: a log with two `fit` calls
    /// has epochs, findings and an end of fit 1, then of fit 2).
    private static func head(_ source: SourceID, _ fit: Int) -> String {
        "{" + ExportJSON.recordHead(source: source.rawValue, fit: fit)
    }
}
