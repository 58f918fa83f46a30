import Diagnostics
import RunModel
import Synchronization
import TrainingLog
import Widgets

/// What the runs table (`t`) shows and how: its sort, filter, cursor and selection. Pure
/// state; the rows are derived from the monitor's runs each frame (`RunsTable.rows`), so runs
/// that appear at any time join the table where the sort puts them.
public struct RunsTableState: Sendable, Equatable {
    /// The table fills the screen.
    public var visible = false
    /// The column the rows are sorted by, and whether its order is reversed.
    public var sort = RunsTable.Sort(column: .number, reversed: false)
    /// The filter (a regular expression over names, hosts and hyper-parameters, case
    /// insensitive; typed after `/`). Empty: every run.
    public var filter = ""
    /// `/` was typed: keys edit the filter until Enter or Esc.
    public var filterEditing = false
    /// The run the cursor is on (nil: the first row shown).
    public var cursor: SourceID?
    /// Runs selected with space: their curves of the table's metric overlay on one chart.
    public var selected: Set<SourceID> = []
    /// The metric the table shows (←→ change it); nil: `val_loss`, else `loss`, else the first.
    public var metric: String?
    /// A run was opened from the table with Enter: Esc in the run's screen comes back.
    public var returnsToTable = false

    public init() {}
}

/// The runs table's rows and columns, derived from the monitor's state.
public enum RunsTable {
    /// A column of the table.
    public enum Column: Sendable, Hashable, CustomStringConvertible {
        case number, name, host, status, epoch, now, best, since, findings
        /// A hyper-parameter (`lr`).
        case parameter(String)

        /// The heading.
        public var description: String {
            switch self {
            case .number: return "#"
            case .name: return "run"
            case .host: return "host"
            case .status: return "status"
            case .epoch: return "epoch"
            case .now: return "now"
            case .best: return "best"
            case .since: return "last"
            case .findings: return "findings"
            case .parameter(let key): return key
            }
        }
    }

    /// The sort: a column and whether its natural order is reversed.
    public struct Sort: Sendable, Equatable {
        public var column: Column
        public var reversed: Bool
        public init(column: Column, reversed: Bool) {
            self.column = column
            self.reversed = reversed
        }
    }

    /// One run as the table shows it.
    public struct Row: Sendable {
        /// The run's position in command-line order, from 1 (the run bar's number).
        public var number: Int
        public var id: SourceID
        /// The status, `stale` also for a followed file silent longer than its epochs take.
        public var status: RunStatus
        public var epoch: Int?
        public var epochs: Int?
        /// Seconds since the run last wrote: its file's modification time where the source
        /// knows it (a local file), else when its source last delivered data.
        public var since: Double?
        public var errors = 0, warnings = 0, infos = 0
        /// What walks the history, shared with the cache (a row copies cheaply).
        let summary: Summary

        /// The name without the host.
        public var name: String { summary.name }
        /// The host of a `host:path` source.
        public var host: String? { summary.host }
        /// The metric's values per epoch (the sparkline), its last value, its best and when.
        public var values: [Double] { summary.values }
        public var now: Double? { summary.values.last }
        public var best: Double? { summary.best }
        public var bestAt: Int? { summary.bestAt }
        public var parameters: [RunParameters.Parameter] { summary.parameters }
        /// `now` and `best@epoch` as the table prints them (formatted once per revision).
        public var nowText: String { summary.nowText }
        public var bestText: String { summary.bestText }
        /// What the filter matches: `host:name k=v k=v`.
        var haystack: String { summary.haystack }

        /// The value of a hyper-parameter.
        public func parameter(_ key: String) -> String? { summary.parameters.first { $0.key == key }?.value }
    }

    /// The per-run part that walks the history (the metric's values, its best, the
    /// hyper-parameters), cached by the run's revision: a frame over 500 runs pays only for
    /// those that changed.
    final class Summary: Sendable {
        let revision: Int
        let findingsRevision: Int
        let metric: String
        let values: [Double]
        let best: Double?
        let bestAt: Int?
        let parameters: [RunParameters.Parameter]
        /// What the filter matches against: `host:name k=v k=v`.
        let haystack: String
        /// The last value and the best, as printed.
        let nowText: String
        let bestText: String
        /// The source's host and name.
        let host: String?
        let name: String

        init(revision: Int, findingsRevision: Int, metric: String, values: [Double], best: Double?, bestAt: Int?,
             parameters: [RunParameters.Parameter], haystack: String, nowText: String, bestText: String, host: String?, name: String) {
            self.revision = revision
            self.findingsRevision = findingsRevision
            self.metric = metric
            self.values = values
            self.best = best
            self.bestAt = bestAt
            self.parameters = parameters
            self.haystack = haystack
            self.nowText = nowText
            self.bestText = bestText
            self.host = host
            self.name = name
        }
    }

    /// The table's memo of summaries and filter matches. Shared by copies of a state: entries
    /// are keyed by what they were computed from, so a copy never reads another's stale entry.
    public final class Cache: Sendable {
        let summaries = Mutex<[SourceID: Summary]>([:])
        let matches = Mutex<(filter: String, results: [String: Bool])>(("", [:]))
        /// The parts every name shares, for the sources they were computed over.
        let common = Mutex<(key: [SourceID], prefix: String, suffix: String)?>(nil)
        /// Bumped whenever a run's hyper-parameters change: what their keys were counted at.
        let generation = Mutex(0)
        let parameterKeys = Mutex<(generation: Int, rows: Int, keys: [String])?>(nil)
        public init() {}
    }

    /// The metric the table shows for `state`: the chosen one, else `val_loss`, `loss`, or the
    /// first metric of the first run that has any.
    public static func metric(_ state: MonitorState) -> String? {
        if let chosen = state.table.metric { return chosen }
        var hasLoss = false
        var first: String?
        for id in state.sourceOrder {
            guard let names = state.runs[id]?.metricNames else { continue }
            if names.contains("val_loss") { return "val_loss" }
            if names.contains("loss") { hasLoss = true }
            if first == nil { first = names.first }
        }
        return hasLoss ? "loss" : first
    }

    /// Metric names across runs, in first-seen order.
    public static func metricNames(_ state: MonitorState) -> [String] {
        var seen: Set<String> = []
        var names: [String] = []
        for id in state.sourceOrder {
            guard let run = state.runs[id] else { continue }
            for name in run.metricNames where seen.insert(name).inserted { names.append(name) }
        }
        return names
    }

    /// The host and the name of a source: `gpu1:/runs/a.log` is host `gpu1`, name `/runs/a.log`
    /// (`user@` and `ssh://` dropped); a local path has no host.
    public static func split(_ source: SourceID) -> (host: String?, name: String) {
        let text = source.rawValue
        if text.hasPrefix("ssh://") {
            let rest = text.dropFirst("ssh://".count)
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            var authority = rest[..<slash]
            if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
            if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") { authority = authority[..<colon] }
            return (String(authority), String(rest[slash...]))
        }
        var depth = 0
        for index in text.indices {
            switch text[index] {
            case "[": depth += 1
            case "]": depth = max(0, depth - 1)
            case "/" where depth == 0: return (nil, text)
            case ":" where depth == 0:
                var host = text[..<index]
                if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
                if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
                guard !host.isEmpty else { return (nil, text) }
                return (String(host), String(text[text.index(after: index)...]))
            default: break
            }
        }
        return (nil, text)
    }

    /// Problems first: the order the status column sorts in.
    static func rank(_ status: RunStatus) -> Int {
        switch status {
        case .failed: return 0
        case .interrupted: return 1
        case .stale: return 2
        case .reconnecting: return 3
        case .waiting: return 4
        case .live: return 5
        case .replaying: return 6
        case .paused: return 7
        case .following: return 8
        case .earlyStopped: return 9
        case .finished: return 10
        }
    }

    /// Whether lower values of `metric` are better (losses, errors) or higher (accuracies).
    static func lowerIsBetter(_ metric: String) -> Bool {
        MetricFamily.families(metricNames: [metric]).first?.betterDirection != .higher
    }

    /// Every run as a row, in command-line order, before filter and sort.
    public static func allRows(_ state: MonitorState) -> [Row] {
        let metric = metric(state)
        let lower = metric.map(lowerIsBetter) ?? true
        let now = state.clock
        return state.sourceOrder.enumerated().compactMap { index, id in
            guard let run = state.runs[id] else { return nil }
            let summary = self.summary(of: run, id: id, metric: metric, lowerIsBetter: lower, cache: state.tableCache)
            let progress = run.epochProgress
            var row = Row(number: index + 1, id: id, status: run.run.status(now: now), epoch: progress.epoch, epochs: progress.of,
                          since: run.run.timing.lastActivity.map { max(0, now - $0) }, summary: summary)
            for finding in run.findings {
                switch finding.severity {
                case .error: row.errors += 1
                case .warning: row.warnings += 1
                case .info: row.infos += 1
                }
            }
            return row
        }
    }

    static func summary(of run: RunState, id: SourceID, metric: String?, lowerIsBetter: Bool, cache: Cache) -> Summary {
        let revision = run.run.revision
        let findingsRevision = run.run.findings.revision
        let key = metric ?? ""
        if let cached = cache.summaries.withLock({ $0[id] }), cached.revision == revision,
           cached.findingsRevision == findingsRevision, cached.metric == key {
            return cached
        }
        // A run that never logged the metric has no values for it (`-`), not a row of NaN (`nan`,
        // `×`: read as a run that diverged).
        let values = metric.flatMap { run.metricNames.contains($0) ? run.history.values(of: $0) : nil } ?? []
        var bestIndex: Int?
        for index in values.indices where values[index].isFinite {
            guard let previous = bestIndex else { bestIndex = index; continue }
            if lowerIsBetter ? values[index] < values[previous] : values[index] > values[previous] { bestIndex = index }
        }
        let parameters = RunParameters.of(run: run.run)
        let (host, name) = split(id)
        let haystack = ([host.map { "\($0):\(name)" } ?? name] + parameters.map(\.description)).joined(separator: " ")
        let best = bestIndex.map { values[$0] }
        let summary = Summary(revision: revision, findingsRevision: findingsRevision, metric: key, values: values,
                              best: best, bestAt: bestIndex.map { $0 + 1 },
                              parameters: parameters, haystack: haystack, nowText: values.last.map(formatMetric) ?? "-",
                              bestText: bestIndex.map { formatMetric(values[$0]) + "@\($0 + 1)" } ?? "-", host: host, name: name)
        let previous = cache.summaries.withLock { summaries in
            defer { summaries[id] = summary }
            return summaries[id]
        }
        // The hyper-parameter columns are counted again only when a run's parameters changed.
        if previous?.parameters != parameters { cache.generation.withLock { $0 &+= 1 } }
        return summary
    }

    /// The values of `key` the table's cache holds for a run at its current revision (the
    /// overlay chart reads them instead of walking the history again); nil when not cached.
    static func cachedValues(_ state: MonitorState, id: SourceID, key: String) -> [Double]? {
        guard let run = state.runs[id], let summary = state.tableCache.summaries.withLock({ $0[id] }),
              summary.metric == key, summary.revision == run.run.revision else { return nil }
        return summary.values
    }

    /// The rows shown: filtered by `state.table.filter`, sorted by `state.table.sort`.
    public static func rows(_ state: MonitorState) -> [Row] {
        sorted(filtered(allRows(state), state: state), by: state.table.sort, metric: metric(state))
    }

    /// The rows whose name, host or hyper-parameters match the filter.
    static func filtered(_ rows: [Row], state: MonitorState) -> [Row] {
        let filter = state.table.filter
        guard !filter.isEmpty else { return rows }
        let cache = state.tableCache
        let matcher = Matcher(filter)
        return rows.filter { row in
            let haystack = row.haystack
            if let known = cache.matches.withLock({ $0.filter == filter ? $0.results[haystack] : nil }) { return known }
            let result = matcher.matches(haystack)
            cache.matches.withLock { memo in
                if memo.filter != filter { memo = (filter, [:]) }
                memo.results[haystack] = result
            }
            return result
        }
    }

    /// A filter: a case-insensitive regular expression, or the literal text while what is
    /// typed is not one yet (`lr=(`).
    struct Matcher {
        var regex: Regex<AnyRegexOutput>?
        var literal: String
        init(_ filter: String) {
            literal = filter.lowercased()
            regex = (try? Regex(filter))?.ignoresCase()
        }
        /// Whether the text is a valid regular expression (the prompt says when it is not).
        var isRegex: Bool { regex != nil }
        func matches(_ text: String) -> Bool {
            if let regex { return (try? regex.firstMatch(in: text)) != nil }
            return text.lowercased().contains(literal)
        }
    }

    /// `rows` in the order of `sort`; rows without a value for the column go last either way,
    /// and ties keep command-line order.
    static func sorted(_ rows: [Row], by sort: Sort, metric: String?) -> [Row] {
        let lower = metric.map(lowerIsBetter) ?? true
        func compare(_ a: Row, _ b: Row) -> Bool? {
            switch sort.column {
            case .number: return order(a.number, b.number)
            case .name: return a.name.naturallyPrecedes(b.name)
            case .host: return order(a.host, b.host)
            case .status: return order(rank(a.status), rank(b.status))
            case .epoch: return order(a.epoch, b.epoch)
            // Best first: ascending for a loss, descending for an accuracy.
            case .now: return lower ? order(a.now.finite, b.now.finite) : order(b.now.finite, a.now.finite)
            case .best: return lower ? order(a.best, b.best) : order(b.best, a.best)
            case .since: return order(a.since, b.since)
            // Most severe first.
            case .findings: return order(b.errors * 1_000_000 + b.warnings * 1000 + b.infos,
                                         a.errors * 1_000_000 + a.warnings * 1000 + a.infos)
            case .parameter(let key): return parameterOrder(a.parameter(key), b.parameter(key))
            }
        }
        func missing(_ row: Row) -> Bool {
            switch sort.column {
            case .host: return row.host == nil
            case .epoch: return row.epoch == nil
            case .now: return row.now?.isFinite != true
            case .best: return row.best == nil
            case .since: return row.since == nil
            case .parameter(let key): return row.parameter(key) == nil
            default: return false
            }
        }
        return rows.sorted { a, b in
            let (ma, mb) = (missing(a), missing(b))
            if ma != mb { return mb }
            if let before = compare(a, b) { return sort.reversed ? !before : before }
            return a.number < b.number
        }
    }

    /// Whether `a` comes before `b`; nil when they tie.
    static func order<T: Comparable>(_ a: T?, _ b: T?) -> Bool? {
        guard let a, let b, a != b else { return nil }
        return a < b
    }

    /// Numbers by value, anything else by text.
    static func parameterOrder(_ a: String?, _ b: String?) -> Bool? {
        guard let a, let b, a != b else { return nil }
        if let x = Double(a), let y = Double(b) { return x == y ? nil : x < y }
        return a.naturallyPrecedes(b)
    }

    /// The columns in order: the fixed ones (host only when some run has one), then the
    /// hyper-parameters stated by the most runs first.
    public static func columns(_ rows: [Row]) -> [Column] {
        var columns: [Column] = [.number, .name]
        if rows.contains(where: { $0.host != nil }) { columns.append(.host) }
        columns += [.status, .epoch, .now, .best, .since, .findings]
        return columns + parameterKeys(rows).map { .parameter($0) }
    }

    /// The columns for `rows`, the hyper-parameter keys counted again only when a run's
    /// summary changed.
    static func columns(_ rows: [Row], cache: Cache) -> [Column] {
        let generation = cache.generation.withLock { $0 }
        if let known = cache.parameterKeys.withLock({ $0 }), known.generation == generation, known.rows == rows.count {
            return fixedColumns(rows) + known.keys.map { .parameter($0) }
        }
        let keys = parameterKeys(rows)
        cache.parameterKeys.withLock { $0 = (generation, rows.count, keys) }
        return fixedColumns(rows) + keys.map { .parameter($0) }
    }

    static func fixedColumns(_ rows: [Row]) -> [Column] {
        var columns: [Column] = [.number, .name]
        if rows.contains(where: { $0.host != nil }) { columns.append(.host) }
        return columns + [.status, .epoch, .now, .best, .since, .findings]
    }

    /// Hyper-parameter keys, the most common first (ties: first seen first).
    public static func parameterKeys(_ rows: [Row]) -> [String] {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for row in rows {
            for parameter in row.parameters {
                if counts[parameter.key] == nil { order.append(parameter.key) }
                counts[parameter.key, default: 0] += 1
            }
        }
        return order.enumerated().sorted { a, b in
            let (ca, cb) = (counts[a.element] ?? 0, counts[b.element] ?? 0)
            return ca != cb ? ca > cb : a.offset < b.offset
        }.map(\.element)
    }
}

extension String {
    /// Natural order without Foundation: runs of digits compare as numbers (`run2` < `run10`).
    func naturallyPrecedes(_ other: String) -> Bool? {
        var a = self.lowercased()[...], b = other.lowercased()[...]
        var previous: Character?
        while let x = a.first, let y = b.first {
            if x.isASCII, x.isNumber, y.isASCII, y.isNumber {
                let da = a.prefix { $0.isASCII && $0.isNumber }, db = b.prefix { $0.isASCII && $0.isNumber }
                if previous == "." {
                    // Decimals: `001` in 0.001 comes before `01` in 0.01, digit by digit.
                    if da != db { return da < db }
                } else {
                    let na = da.drop { $0 == "0" }, nb = db.drop { $0 == "0" }
                    if na.count != nb.count { return na.count < nb.count }
                    if na != nb { return na < nb }
                }
                a = a.dropFirst(da.count)
                b = b.dropFirst(db.count)
                previous = "0"
                continue
            }
            if x != y { return x < y }
            previous = x
            a = a.dropFirst()
            b = b.dropFirst()
        }
        if a.isEmpty != b.isEmpty { return a.isEmpty }
        return self == other ? nil : self < other
    }
}

extension Optional where Wrapped == Double {
    /// The value when finite (a NaN "now" sorts with the missing).
    var finite: Double? { self.flatMap { $0.isFinite ? $0 : nil } }
}
