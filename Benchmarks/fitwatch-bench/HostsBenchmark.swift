import Dispatch
import Foundation
import Feeds
import TrainingLog

/// `fitwatch-bench hosts`: 4 hosts x 50 runs over ssh on loopback, each host its own sshd
/// (`LoopbackSSH`: own port, own keys) followed by one `SSHHostFeed`. The hosts keep the names
/// `h1`…`h4` (`-o HostName=127.0.0.1` in each host's ssh command): four hosts to fitwatch.
///
/// 1. Latency: the append-to-delivery time (write to the inbox delivering the epoch), median
///    and p90 over 100 appends to random runs at random moments (0-250 ms apart: the hosts are
///    listed every 0.2 s), against the same 200 runs followed locally (`DiscoveryFeed`,
///    inotify) in the same run. Goal: median under 250 ms.
/// 2. The ssh client processes counted in /proc (goal: 4, one per host).
/// 3. Kill and restart: while every run gets an epoch a second, h2's sshd is killed (listener
///    and sessions: its connection drops), stays down while h2's logs keep growing, and comes
///    back on the same port with the same keys. Then every epoch written to every run must
///    have arrived exactly once with its value; prints the counts, how long h2's runs took to
///    catch up, and the states h2's runs went through (reconnecting, never finished).
enum HostsBenchmark {
    static let hosts = 4
    static let runsPerHost = 50
    static let appends = 100
    /// The host whose sshd is killed (h2).
    static let deadHost = 1
    /// Every run gets an epoch per round; the 200 appends of a round are spread over it
    /// (`FITWATCH_BENCH_HOSTS_ROUND` seconds, 1 by default: a smaller one is a harder test).
    static let round = Double(ProcessInfo.processInfo.environment["FITWATCH_BENCH_HOSTS_ROUND"] ?? "").flatMap { $0 > 0 ? $0 : nil } ?? 1.0
    static let beforeKill = 1.5, outage = 5.0, afterRestart = 3.0

    /// The logs, and every epoch written to each (in order).
    final class Runs {
        let directory: String
        var paths: [[String]] = []
        var written: [[[Int]]] = []
        /// A run by its folder name (`lr=1,seed=3`), per host.
        var indexOfFolder: [String: Int] = [:]

        init(directory: String) {
            self.directory = directory
            for host in 0..<hosts {
                var list: [String] = []
                for run in 0..<runsPerHost {
                    let name = HostsBenchmark.folder(run)
                    indexOfFolder[name] = run
                    let folder = "\(directory)/h\(host + 1)/\(name)"
                    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                    list.append(folder + "/train.log")
                }
                paths.append(list)
                written.append(Array(repeating: [], count: runsPerHost))
            }
            for host in 0..<hosts {
                for run in 0..<runsPerHost {
                    _ = FileManager.default.createFile(atPath: paths[host][run], contents: nil)
                    append(host: host, run: run, epoch: 0)
                }
            }
        }

        func append(host: Int, run: Int, epoch: Int) {
            let fd = open(paths[host][run], O_WRONLY | O_APPEND)
            guard fd >= 0 else { return }
            let text = HostsBenchmark.line(epoch, value: HostsBenchmark.value(host: host, run: run, epoch: epoch))
            _ = text.withCString { write(fd, $0, strlen($0)) }
            close(fd)
            written[host][run].append(epoch)
        }

        /// The host and run a source id names (`h2:lr=1,seed=3/train.log`), if one of ours.
        func run(of id: SourceID) -> (host: Int, run: Int)? {
            let text = id.rawValue
            guard text.hasPrefix("h"), let colon = text.firstIndex(of: ":"),
                  let host = Int(text[text.index(after: text.startIndex)..<colon]), (1...hosts).contains(host) else { return nil }
            let rest = text[text.index(after: colon)...]
            let name = rest.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
            guard let run = indexOfFolder[name] else { return nil }
            return (host - 1, run)
        }
    }

    /// Everything the feeds said, by run.
    final class Collector {
        let inbox = Inbox()
        let runs: Runs
        var delivered: [[[(epoch: Int, loss: Double?, at: UInt64)]]]
        var states: [[[(at: UInt64, state: SourceState)]]]
        var otherFinished: [String] = []

        init(runs: Runs) {
            self.runs = runs
            delivered = Array(repeating: Array(repeating: [], count: runsPerHost), count: hosts)
            states = Array(repeating: Array(repeating: [], count: runsPerHost), count: hosts)
        }

        /// Drain the inbox, record it, and return it.
        @discardableResult
        func drain() -> [FeedMessage] {
            let messages = inbox.drain()
            let now = DispatchTime.now().uptimeNanoseconds
            for message in messages {
                switch message {
                case .event(let id, .epochEnded(let record)):
                    if let (host, run) = runs.run(of: id) { delivered[host][run].append((record.epoch, record.metrics["loss"], now)) }
                case .state(let id, let state):
                    if let (host, run) = runs.run(of: id) {
                        states[host][run].append((now, state))
                    } else if state == .finished {
                        otherFinished.append(id.rawValue)
                    }
                default: break
                }
            }
            return messages
        }

        /// Wait up to `milliseconds` for the inbox to have something.
        func wait(_ milliseconds: Int32) {
            var descriptor = pollfd(fd: inbox.wakeDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, milliseconds)
        }

        /// Drain for `seconds`.
        func pump(_ seconds: Double) {
            let until = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
            while DispatchTime.now().uptimeNanoseconds < until {
                drain()
                wait(Int32(max(1, min(20, Double(until - min(until, DispatchTime.now().uptimeNanoseconds)) / 1e6))))
            }
        }

        var liveRuns: Int { delivered.joined().filter { !$0.isEmpty }.count }
    }

    static func folder(_ run: Int) -> String { "lr=\(run % 5),seed=\(run / 5)" }

    /// The loss written for an epoch: says which run and epoch it is (a value delivered to the
    /// wrong run or epoch shows).
    static func value(host: Int, run: Int, epoch: Int) -> Double {
        Double(host * 1000 + run) + Double(epoch) / 1_000_000
    }

    static func line(_ epoch: Int, value: Double) -> String {
        "Epoch \(epoch)/100000\n5/5 - 0s - 2ms/step - loss: \(String(format: "%.6f", value))\n"
    }

    static func run() {
        let directory = NSTemporaryDirectory() + "fitwatch-bench-hosts-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let runs = Runs(directory: directory)
        print("hosts: \(hosts) hosts x \(runsPerHost) runs (each an open Keras verbose=2 log)")

        let localFeeds: [any Feed] = (1...hosts).map { DiscoveryFeed(root: "\(directory)/h\($0)/", namePrefix: "h\($0):") { AutoReader() } }
        let localCollector = Collector(runs: runs)
        let local = startAndMeasure(feeds: localFeeds, collector: localCollector, next: 1)
        localFeeds.forEach { $0.stop() }
        report("local, inotify (baseline)", local, against: nil)

        var servers: [LoopbackSSH] = []
        defer { servers.forEach { $0.stop() } }
        for host in 1...hosts {
            guard let server = LoopbackSSH(directory: "\(directory)/sshd-h\(host)") else {
                print("hosts: ssh skipped (no sshd on PATH or in its sbin folders, nor FITWATCH_SSHD, or it did not start)")
                return
            }
            servers.append(server)
        }
        print("hosts: \(hosts) sshd instances on 127.0.0.1, ports \(servers.map { String($0.port) }.joined(separator: ", "))")
        let remoteFeeds: [SSHHostFeed] = (1...hosts).map { host in
            let server = servers[host - 1]
            var options = SSHFeed.Options(sshCommand: server.sshCommand + " -o HostName=127.0.0.1")
            options.firstDelay = 0.2
            options.maxDelay = 2
            return SSHHostFeed(host: SSHTarget(user: server.user, host: "h\(host)", path: ""),
                               roots: [.init(path: "\(directory)/h\(host)/", namePrefix: "h\(host):")],
                               options: options) { AutoReader() }
        }
        let collector = Collector(runs: runs)
        defer { remoteFeeds.forEach { $0.stop() } }
        let remote = startAndMeasure(feeds: remoteFeeds, collector: collector, next: 1 + appends, servers: servers)
        report("ssh, one connection per host (goal median < 250 ms)", remote, against: local)
        guard !remote.isEmpty else { return }
        killAndRestart(collector: collector, servers: servers, next: 1 + 2 * appends)
        countSSH(servers, when: "after the restart")
    }

    /// ssh client processes per host (each host's client key path is in its command line).
    @discardableResult
    static func countSSH(_ servers: [LoopbackSSH], when: String) -> Int {
        var perHost = Array(repeating: 0, count: servers.count)
        var others = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard pid_t(name) != nil, let comm = try? String(contentsOfFile: "/proc/\(name)/comm", encoding: .utf8),
                  let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { continue }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            for (index, server) in servers.enumerated() where line.contains(server.directory + "/client_key") {
                if comm.trimmingCharacters(in: .whitespacesAndNewlines) == "ssh" { perHost[index] += 1 } else { others += 1 }
            }
        }
        let total = perHost.reduce(0, +)
        print("hosts: \(total) ssh processes for \(hosts * runsPerHost) runs on \(hosts) hosts \(when)"
              + " (per host: \(perHost.map(String.init).joined(separator: ", ")); goal: \(hosts)); other local processes for them: \(others)")
        return total
    }

    /// Start the feeds, wait until every run is live, then time `appends` appends to random runs.
    static func startAndMeasure(feeds: [any Feed], collector: Collector, next: Int, servers: [LoopbackSSH]? = nil) -> [Double] {
        let runs = collector.runs
        feeds.forEach { $0.start(inbox: collector.inbox) }
        let total = hosts * runsPerHost
        let deadline = Date().addingTimeInterval(30)
        while collector.liveRuns < total, Date() < deadline {
            collector.drain()
            collector.wait(10)
        }
        guard collector.liveRuns == total else {
            print("hosts: only \(collector.liveRuns) of \(total) runs delivered their first epoch")
            return []
        }
        if let servers { countSSH(servers, when: "while following") }
        var random = UInt64(0x9E37_79B9_7F4A_7C15)
        var samples: [Double] = []
        for index in 0..<appends {
            random ^= random << 13; random ^= random >> 7; random ^= random << 17
            let host = Int(random % UInt64(hosts)), run = Int((random >> 8) % UInt64(runsPerHost))
            let epoch = next + index
            let start = DispatchTime.now().uptimeNanoseconds
            runs.append(host: host, run: run, epoch: epoch)
            let until = DispatchTime.now().uptimeNanoseconds + 5_000_000_000
            var arrived = false
            while !arrived, DispatchTime.now().uptimeNanoseconds < until {
                arrived = collector.drain().contains { message in
                    if case .event(_, .epochEnded(let record)) = message { return record.epoch == epoch }
                    return false
                }
                if !arrived { collector.wait(20) }
            }
            guard arrived else { print("hosts: epoch \(epoch) never arrived"); break }
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            // A random pause, so appends do not fall in step with the hosts' listings.
            collector.pump(Double((random >> 20) % 250_000) / 1e6)
        }
        return samples
    }

    /// Rounds of one epoch per run, h2's sshd killed and restarted in between; then the
    /// exactly-once check over every run.
    static func killAndRestart(collector: Collector, servers: [LoopbackSSH], next: Int) {
        let runs = collector.runs
        let dead = deadHost
        var epoch = next
        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
        /// One round: every run gets `epoch`, the appends spread over `round` seconds.
        func writeRound() {
            let gap = round / Double(hosts * runsPerHost)
            for run in 0..<runsPerHost {
                for host in 0..<hosts {
                    runs.append(host: host, run: run, epoch: epoch)
                    collector.pump(gap)
                }
            }
            epoch += 1
        }
        func sinceNanos(_ start: UInt64) -> Double { Double(now() - start) / 1e9 }
        var start = now()
        while sinceNanos(start) < beforeKill { writeRound() }
        collector.drain()
        let statesBefore = collector.states[dead].map(\.count)

        let killed = now(), epochAtKill = epoch
        servers[dead].kill()
        print(String(format: "hosts: h%d's sshd killed (listener and sessions) after %d rounds of an epoch per run; rounds go on every %.1f s",
                     dead + 1, epoch - next, round))
        start = now()
        while sinceNanos(start) < outage { writeRound() }
        let behind = runs.written[dead].map { $0.last ?? 0 }
        let restarted = now()
        guard servers[dead].restart() else {
            print("hosts: h\(dead + 1)'s sshd did not start again on port \(servers[dead].port)")
            return
        }
        let accepting = now()
        print(String(format: "hosts: h%d's sshd down %.2f s (%d epochs per run written meanwhile); listening again on port %d %.0f ms after its start",
                     dead + 1, Double(restarted - killed) / 1e9, epoch - epochAtKill, servers[dead].port, Double(accepting - restarted) / 1e6))
        start = now()
        while sinceNanos(start) < afterRestart { writeRound() }
        // Writing stopped: wait for every epoch to arrive.
        let deadline = now() + 60_000_000_000
        func complete() -> Bool {
            (0..<hosts).allSatisfy { host in
                (0..<runsPerHost).allSatisfy { run in
                    collector.delivered[host][run].count >= runs.written[host][run].count
                }
            }
        }
        while now() < deadline, !complete() {
            collector.drain()
            collector.wait(20)
        }
        // A little longer: a duplicate would come after the last epoch.
        collector.pump(1)

        // When each of h2's runs said reconnecting first, and when the epoch it was last
        // written while down arrived.
        let reconnecting = collector.states[dead].enumerated().map { run, states in
            states.dropFirst(statesBefore[run]).first { if case .reconnecting = $0.state { return true } else { return false } }?.at
        }
        if !reconnecting.contains(nil), let last = reconnecting.compactMap({ $0 }).max() {
            print(String(format: "hosts: all %d of h%d's runs said reconnecting within %.0f ms of the kill",
                         runsPerHost, dead + 1, Double(last - killed) / 1e6))
        } else {
            print("hosts: \(reconnecting.filter { $0 == nil }.count) of h\(dead + 1)'s runs never said reconnecting")
        }
        let attempt = collector.states[dead].compactMap { $0.first { $0.at > accepting && $0.state == .connecting }?.at }.min()
        let firstLive = collector.states[dead].compactMap { $0.first { $0.at > accepting && $0.state == .live }?.at }.min()
        let arrivals = collector.delivered[dead].enumerated().map { run, list in list.first { $0.epoch == behind[run] }?.at }
        func after(_ time: UInt64?) -> String { time.map { String(format: "%.0f ms", Double($0 - min($0, accepting)) / 1e6) } ?? "never" }
        print("hosts: after h\(dead + 1)'s sshd accepted again (reconnect back-off 0.2 s doubling to 2 s):"
              + " next attempt \(after(attempt)), runs live \(after(firstLive)),"
              + " caught up (every epoch written while down delivered) \(after(arrivals.contains(nil) ? nil : arrivals.compactMap { $0 }.max()))")
        // The states h2's runs went through from the kill on, consecutive repeats folded.
        var sequences: [String: Int] = [:]
        var reasons: [String: Int] = [:]
        var finishedOrFailed = 0
        for (run, states) in collector.states[dead].enumerated() {
            var words: [String] = []
            for (_, state) in states.dropFirst(statesBefore[run]) {
                if state == .finished { finishedOrFailed += 1 }
                if case .failed = state { finishedOrFailed += 1 }
                if case .reconnecting(_, let reason) = state { reasons[reason, default: 0] += 1 }
                if words.last != state.word { words.append(state.word) }
            }
            sequences[words.joined(separator: " > "), default: 0] += 1
        }
        for (sequence, count) in sequences.sorted(by: { $0.value > $1.value }) {
            print("hosts: h\(dead + 1)'s runs' states from the kill on (\(count) runs): \(sequence)")
        }
        for (reason, count) in reasons.sorted(by: { $0.key < $1.key }) {
            print("hosts:   reconnecting because \"\(reason)\" (\(count) times)")
        }
        var othersDisturbed = 0, finishedAnywhere = finishedOrFailed + collector.otherFinished.count
        for host in 0..<hosts where host != dead {
            for states in collector.states[host] {
                if states.contains(where: { if case .reconnecting = $0.state { return true } else { return false } }) { othersDisturbed += 1 }
                finishedAnywhere += states.filter { if case .failed = $0.state { return true } else { return $0.state == .finished } }.count
            }
        }
        print("hosts: runs marked finished or failed: \(finishedAnywhere); runs of the other hosts that said reconnecting: \(othersDisturbed)")

        // Exactly once: every run's delivered epochs are the written ones, in order, each once,
        // each with its value.
        var exact = 0, shown = 0, epochs = 0, missing = 0, duplicated = 0, wrong = 0, unordered = 0
        for host in 0..<hosts {
            for run in 0..<runsPerHost {
                let written = runs.written[host][run]
                let delivered = collector.delivered[host][run]
                epochs += written.count
                let writtenSet = Set(written)
                var seen: [Int: Int] = [:]
                for item in delivered { seen[item.epoch, default: 0] += 1 }
                let runMissing = writtenSet.subtracting(seen.keys).count
                let runDuplicated = seen.values.reduce(0) { $0 + max(0, $1 - 1) } + seen.keys.filter { !writtenSet.contains($0) }.count
                let runWrong = delivered.filter { item in
                    guard let loss = item.loss else { return true }
                    return abs(loss - value(host: host, run: run, epoch: item.epoch)) > 1e-7
                }.count
                let inOrder = delivered.map(\.epoch) == written
                missing += runMissing
                duplicated += runDuplicated
                wrong += runWrong
                if !inOrder && runMissing == 0 && runDuplicated == 0 { unordered += 1 }
                if runMissing == 0 && runDuplicated == 0 && runWrong == 0 && inOrder {
                    exact += 1
                } else if shown < 5 {
                    shown += 1
                    print("hosts:   h\(host + 1) \(folder(run)): written \(written.count), delivered \(delivered.count), missing \(runMissing), duplicated \(runDuplicated), wrong \(runWrong)")
                }
            }
        }
        print("hosts: exactly once: \(exact)/\(hosts * runsPerHost) runs, \(epochs) epochs, \(missing) missing, \(duplicated) duplicated, \(wrong) wrong values, \(unordered) runs out of order")
    }

    static func report(_ name: String, _ samples: [Double], against baseline: [Double]?) {
        guard !samples.isEmpty else { print("hosts: \(name): no samples"); return }
        let sorted = samples.sorted()
        let median = sorted[sorted.count / 2], p90 = sorted[sorted.count * 9 / 10]
        var text = String(format: "hosts: %@: median %.2f ms, p90 %.2f ms, max %.2f ms over %d appends", name, median, p90, sorted.last ?? 0, samples.count)
        if let baseline, !baseline.isEmpty {
            let base = baseline.sorted()[baseline.count / 2]
            text += String(format: " (%.1fx the baseline's median)", median / max(base, 0.001))
        }
        print(text)
    }
}
