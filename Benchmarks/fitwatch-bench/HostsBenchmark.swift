import Dispatch
import Foundation
import Feeds
import TrainingLog

/// `fitwatch-bench hosts`: 4 hosts x 50 runs over ssh on loopback, each host followed by one
/// `SSHHostFeed`. The hosts are 4 names (`h1`…`h4`) that the ssh command maps to one loopback
/// sshd (`-o HostName=127.0.0.1`): four distinct hosts to fitwatch, four ssh processes.
/// Prints the ssh client processes counted in /proc (goal: 4) and the append-to-delivery
/// latency (write to the inbox delivering the epoch) median and p90 over 100 appends to random
/// runs at random moments (0-250 ms apart: the hosts are listed every 0.2 s), against the same 200 runs followed locally (`DiscoveryFeed`, inotify) in the same run.
/// Goal: median under 250 ms.
enum HostsBenchmark {
    static let hosts = 4
    static let runsPerHost = 50

    static func run() {
        let directory = NSTemporaryDirectory() + "fitwatch-bench-hosts-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var paths: [[String]] = []
        for host in 1...hosts {
            var list: [String] = []
            for run in 0..<runsPerHost {
                let folder = "\(directory)/h\(host)/lr=\(run % 5),seed=\(run / 5)"
                try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let path = folder + "/train.log"
                _ = FileManager.default.createFile(atPath: path, contents: Data(line(0).utf8))
                list.append(path)
            }
            paths.append(list)
        }
        print("hosts: \(hosts) hosts x \(runsPerHost) runs (each an open Keras verbose=2 log)")
        let localFeeds: [any Feed] = (1...hosts).map { DiscoveryFeed(root: "\(directory)/h\($0)/", namePrefix: "h\($0):") { AutoReader() } }
        let local = latency(feeds: localFeeds, paths: paths, next: 1)
        report("local, inotify (baseline)", local, against: nil)

        guard let server = LoopbackSSH(directory: directory) else {
            print("hosts: ssh skipped (no /usr/sbin/sshd or it did not start)")
            return
        }
        defer { server.stop() }
        var options = SSHFeed.Options(sshCommand: server.sshCommand + " -o HostName=127.0.0.1")
        options.firstDelay = 0.2
        let remoteFeeds: [SSHHostFeed] = (1...hosts).map { host in
            SSHHostFeed(host: SSHTarget(user: server.user, host: "h\(host)", path: ""),
                        roots: [.init(path: "\(directory)/h\(host)/", namePrefix: "h\(host):")],
                        options: options) { AutoReader() }
        }
        let remote = latency(feeds: remoteFeeds, paths: paths, next: 1 + appends, countSSH: true)
        report("ssh, one connection per host (goal median < 250 ms)", remote, against: local)
    }

    static let appends = 100

    static func line(_ epoch: Int) -> String {
        "Epoch \(epoch)/100000\n5/5 - 0s - 2ms/step - loss: \(String(format: "%.4f", 1 / Double(epoch + 1)))\n"
    }

    /// Start the feeds, wait until every run is live, then time `appends` appends to random runs.
    static func latency(feeds: [any Feed], paths: [[String]], next: Int, countSSH: Bool = false) -> [Double] {
        let inbox = Inbox()
        feeds.forEach { $0.start(inbox: inbox) }
        defer { feeds.forEach { $0.stop() } }
        let total = hosts * runsPerHost
        var live: Set<SourceID> = []
        let deadline = Date().addingTimeInterval(30)
        while live.count < total, Date() < deadline {
            for message in inbox.drain() {
                if case .event(let id, .epochEnded) = message { live.insert(id) }
            }
            usleep(10_000)
        }
        guard live.count == total else {
            print("hosts: only \(live.count) of \(total) runs delivered their first epoch")
            return []
        }
        if countSSH {
            let clients = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { name in
                guard pid_t(name) != nil, let comm = try? String(contentsOfFile: "/proc/\(name)/comm", encoding: .utf8) else { return false }
                guard comm.trimmingCharacters(in: .whitespacesAndNewlines) == "ssh",
                      let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { return false }
                return String(decoding: data, as: UTF8.self).contains("HostName=127.0.0.1")
            }.count
            print("hosts: \(clients) ssh processes for \(total) runs on \(hosts) hosts (goal: \(hosts))")
        }
        var random = UInt64(0x9E37_79B9_7F4A_7C15)
        var samples: [Double] = []
        for index in 0..<appends {
            random ^= random << 13; random ^= random >> 7; random ^= random << 17
            let host = Int(random % UInt64(hosts)), run = Int((random >> 8) % UInt64(runsPerHost))
            let epoch = next + index
            let fd = open(paths[host][run], O_WRONLY | O_APPEND)
            let text = line(epoch)
            let start = DispatchTime.now().uptimeNanoseconds
            _ = text.withCString { write(fd, $0, strlen($0)) }
            close(fd)
            let until = DispatchTime.now().uptimeNanoseconds + 5_000_000_000
            var arrived = false
            while !arrived, DispatchTime.now().uptimeNanoseconds < until {
                arrived = inbox.drain().contains { message in
                    if case .event(_, .epochEnded(let record)) = message { return record.epoch == epoch }
                    return false
                }
                if !arrived {
                    var descriptor = pollfd(fd: inbox.wakeDescriptor, events: Int16(POLLIN), revents: 0)
                    _ = poll(&descriptor, 1, 20)
                }
            }
            guard arrived else { print("hosts: epoch \(epoch) never arrived"); break }
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            // A random pause, so appends do not fall in step with the hosts' listings.
            usleep(UInt32((random >> 20) % 250_000))
        }
        return samples
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
