import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A remote log followed over the system `ssh` client (so ~/.ssh/config, agents, ProxyJump
/// and ControlMaster work, and nothing is installed remotely). Reconnects with exponential
/// back-off and resumes from the byte offset it had, so no epoch is lost or repeated.
public final class SSHFeed: Feed, @unchecked Sendable {
    /// How to run ssh and how patiently to reconnect.
    public struct Options: Sendable {
        /// A shell command replacing `ssh`, like GIT_SSH_COMMAND (`ssh -p 2222 -i key`);
        /// the ssh arguments follow it. Defaults to `FITWATCH_SSH_COMMAND`.
        public var sshCommand: String?
        /// First reconnect delay; doubles per failed attempt up to `maxDelay`.
        public var firstDelay: Double = 1
        /// 30 s: a rebooting GPU box is back within a few of these, and the header still
        /// says when the next try comes.
        public var maxDelay: Double = 30
        /// Attempts before an unreachable host that never answered counts as failed (3 tries
        /// over ~3 s: a typo in the host name should not look like a flaky network forever).
        public var attemptsBeforeFailing = 3

        public init(sshCommand: String? = ProcessInfo.processInfo.environment["FITWATCH_SSH_COMMAND"]) {
            self.sshCommand = sshCommand?.isEmpty == true ? nil : sshCommand
        }
    }

    public let id: SourceID
    public let target: SSHTarget
    private let options: Options
    private let makeReader: ReaderMaker
    private let queue = DispatchQueue(label: "fitwatch.ssh")
    private let lock = NSLock()
    private var stopped = false
    private var pipeline: EventPipeline?
    /// Bytes of the remote file received so far: the next connection starts after them.
    private(set) var offset: UInt64 = 0
    private var attempt: SSHProcess?
    private var failures = 0
    private var everLive = false
    private var generation = 0

    public init(target: SSHTarget, options: Options = Options(), id: SourceID? = nil, makeReader: @escaping ReaderMaker) {
        self.target = target
        self.options = options
        self.makeReader = makeReader
        self.id = id ?? SourceID(target.displayName)
    }

    private var isStopped: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopped
    }

    public func start(inbox: Inbox) {
        queue.async { [self] in
            guard pipeline == nil else { return }
            pipeline = EventPipeline(id: id, inbox: inbox, reader: makeReader())
            connect()
        }
    }

    /// Closes ssh's stdin (the remote side sees EOF and kills its tail), then ends ssh.
    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        queue.sync {
            generation += 1
            attempt?.stop()
        }
    }

    /// The argument vector: see `SSHProcess.arguments`.
    func arguments() -> [String] {
        SSHProcess.arguments(target: target, remoteCommand: target.remoteCommand(offset: offset), options: options)
    }

    private func connect() {
        guard !isStopped, let pipeline else { return }
        generation += 1
        let current = generation
        pipeline.state(.connecting)
        do {
            attempt = try SSHProcess.launch(
                arguments: arguments(), generation: current, queue: queue, threadName: "fitwatch-ssh",
                received: { [weak self] attempt, chunk, stdout in self?.received(chunk, stdout: stdout, attempt) },
                changed: { [weak self] attempt in self?.endIfDone(attempt) })
        } catch {
            pipeline.state(.failed("cannot run ssh: \(error)"))
        }
    }

    private func received(_ chunk: [UInt8], stdout: Bool, _ attempt: SSHProcess) {
        guard !attempt.handled else { return }
        if stdout {
            // Data proves the remote side runs, even before its marker on stderr is read.
            if !attempt.live { markLive(attempt) }
            offset += UInt64(chunk.count)
            chunk.withUnsafeBytes { bytes in
                pipeline?.feed(bytes, shouldStop: { [weak self] in self?.isStopped ?? true })
            }
        } else {
            for line in attempt.stderrLines.append(chunk[...]) { stderrLine(line, attempt) }
        }
    }

    /// The attempt is over once ssh exited and its pipes were read to the end.
    private func endIfDone(_ attempt: SSHProcess) {
        guard attempt.isOver, let status = attempt.status else { return }
        for line in attempt.stderrLines.finish() { stderrLine(line, attempt) }
        attempt.handled = true
        ended(attempt, status: status, generation: attempt.generation)
    }

    private func stderrLine(_ line: String, _ attempt: SSHProcess) {
        let text = line.trimmingCharacters(in: .whitespaces)
        if text == SSHTarget.readyMarker {
            if !attempt.live { markLive(attempt) }
            return
        }
        guard !text.isEmpty else { return }
        // GNU tail -F starts over when the remote file is truncated or replaced; so does the
        // offset a reconnect resumes from. (stderr and stdout are separate pipes, so bytes of
        // the new file read just before this line count from 0 too; a reconnect in that
        // window may repeat them.)
        if text.hasPrefix("tail:"), text.contains("file truncated") || text.contains("following new file") {
            offset = 0
        }
        attempt.remember(text)
    }

    private func markLive(_ attempt: SSHProcess) {
        attempt.live = true
        everLive = true
        failures = 0
        pipeline?.state(.live)
    }

    private func ended(_ attempt: SSHProcess, status: Int32, generation ended: Int) {
        if attempt.stdin >= 0 { close(attempt.stdin); attempt.stdin = -1 }
        if self.attempt === attempt { self.attempt = nil }
        guard !isStopped, ended == generation, let pipeline else { return }
        switch SSHFeed.classify(status: status, messages: attempt.messages, target: target, wasLive: attempt.live) {
        case .failed(let reason):
            pipeline.finish()
            pipeline.state(.failed(reason))
        case .retry(let reason):
            failures += 1
            if !everLive && failures >= options.attemptsBeforeFailing {
                pipeline.finish()
                pipeline.state(.failed(reason))
                return
            }
            let delay = attempt.live ? options.firstDelay
                : min(options.maxDelay, options.firstDelay * pow(2, Double(max(0, failures - 1))))
            pipeline.state(.reconnecting(inSeconds: delay, reason: reason))
            queue.asyncAfter(deadline: .now() + delay) { [weak self] in
                guard let self, self.generation == ended else { return }
                self.connect()
            }
        }
    }

    /// What ended an ssh attempt means.
    enum Outcome: Equatable {
        /// Retrying cannot help: authentication, a missing file, a bad host key.
        case failed(String)
        /// The network or the server went away: reconnect.
        case retry(String)
    }

    /// Read ssh's real reason from its exit status and stderr (ssh exits 255 for its own
    /// errors; the remote script exits 66 or 77 for a missing or unreadable file).
    static func classify(status: Int32, messages: [String], target: SSHTarget, wasLive: Bool) -> Outcome {
        let last = messages.last(where: { !$0.hasPrefix("Warning: Permanently added") }) ?? "ssh exited with status \(status)"
        func has(_ text: String) -> Bool { messages.contains { $0.localizedCaseInsensitiveContains(text) } }
        if status == SSHTarget.missingFileStatus { return .failed("no such file on \(target.host): \(target.path)") }
        if status == SSHTarget.unreadableFileStatus { return .failed("permission denied on \(target.host): \(target.path)") }
        if has("Permission denied") || has("Too many authentication failures") || has("no more authentication methods") {
            return .failed("authentication failed for \(target.destination): \(last)")
        }
        if has("Host key verification failed") || has("REMOTE HOST IDENTIFICATION HAS CHANGED") {
            return .failed("host key verification failed for \(target.host)")
        }
        if has("Could not resolve hostname") || has("Name or service not known") {
            return .failed("host unreachable: \(last)")
        }
        if has("Bad configuration option") || has("usage: ssh") || status == 127 {
            return .failed("cannot run ssh: \(last)")
        }
        if has("Connection refused") || has("No route to host") || has("Network is unreachable")
            || has("Connection timed out") || has("Operation timed out") {
            return .retry("host unreachable: \(last)")
        }
        if wasLive { return .retry("connection lost: \(last)") }
        return .retry(last)
    }
}
