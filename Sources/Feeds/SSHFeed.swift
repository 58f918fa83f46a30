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
    private var attempt: Attempt?
    private var failures = 0
    private var everLive = false
    private var generation = 0

    /// One ssh process and its pipes; touched only on the feed's queue.
    private final class Attempt: @unchecked Sendable {
        let child: ChildProcess
        var stdin: Int32
        var stdout: DispatchSourceRead?
        var stderr: DispatchSourceRead?
        let stdoutFD: Int32
        let stderrFD: Int32
        var stderrLines = LineBuffer()
        var messages: [String] = []
        var live = false
        init(child: ChildProcess, stdin: Int32, stdoutFD: Int32, stderrFD: Int32) {
            self.child = child
            self.stdin = stdin
            self.stdoutFD = stdoutFD
            self.stderrFD = stderrFD
        }
    }

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

    /// The bytes received so far (for tests and the benchmark).
    public var bytesReceived: UInt64 {
        queue.sync { offset }
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
            if let attempt {
                if attempt.stdin >= 0 { close(attempt.stdin); attempt.stdin = -1 }
                let child = attempt.child
                DispatchQueue.global().async { child.terminate(signals: [SIGTERM], grace: 1) }
            }
        }
    }

    /// The argument vector: ssh (or FITWATCH_SSH_COMMAND through `sh -c`) with BatchMode so
    /// it never waits on a prompt, keep-alives so a frozen server is noticed in ~15 s
    /// (5 s x 3), then the destination and the remote command.
    func arguments() -> [String] {
        var sshArguments = [
            "-o", "BatchMode=yes",
            "-o", "ServerAliveInterval=5",
            "-o", "ServerAliveCountMax=3",
            "-o", "ConnectTimeout=10",
        ]
        if let port = target.port { sshArguments += ["-p", String(port)] }
        sshArguments += ["--", target.destination, target.remoteCommand(offset: offset)]
        if let command = options.sshCommand {
            return ["/bin/sh", "-c", command + " \"$@\"", "fitwatch-ssh"] + sshArguments
        }
        return ["ssh"] + sshArguments
    }

    private func connect() {
        guard !isStopped, let pipeline else { return }
        generation += 1
        let current = generation
        pipeline.state(.connecting)
        do {
            let input = try ChildProcess.makePipe()
            let output = try ChildProcess.makePipe()
            let errors = try ChildProcess.makePipe()
            let child: ChildProcess
            do {
                child = try ChildProcess(arguments: arguments(), stdin: .descriptor(input.read),
                                         stdout: .descriptor(output.write), stderr: .descriptor(errors.write),
                                         grouping: .newGroup)
            } catch {
                [input.read, input.write, output.read, output.write, errors.read, errors.write].forEach { close($0) }
                throw error
            }
            close(input.read)
            close(output.write)
            close(errors.write)
            _ = fcntl(output.read, F_SETFL, fcntl(output.read, F_GETFL) | O_NONBLOCK)
            _ = fcntl(errors.read, F_SETFL, fcntl(errors.read, F_GETFL) | O_NONBLOCK)
            let attempt = Attempt(child: child, stdin: input.write, stdoutFD: output.read, stderrFD: errors.read)
            self.attempt = attempt
            let stdout = DispatchSource.makeReadSource(fileDescriptor: output.read, queue: queue)
            stdout.setEventHandler { [weak self] in self?.readStdout(attempt) }
            stdout.setCancelHandler { close(output.read) }
            attempt.stdout = stdout
            stdout.resume()
            let stderr = DispatchSource.makeReadSource(fileDescriptor: errors.read, queue: queue)
            stderr.setEventHandler { [weak self] in self?.readStderr(attempt) }
            stderr.setCancelHandler { close(errors.read) }
            attempt.stderr = stderr
            stderr.resume()
            child.onExit { [weak self] status in
                guard let self else { return }
                self.queue.async { self.ended(attempt, status: status, generation: current) }
            }
        } catch {
            pipeline.state(.failed("cannot run ssh: \(error)"))
        }
    }

    private func readStdout(_ attempt: Attempt) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(attempt.stdoutFD, $0.baseAddress, $0.count) }
            if count > 0 {
                // Data proves the remote side runs, even before its marker on stderr is read.
                if !attempt.live { markLive(attempt) }
                offset += UInt64(count)
                buffer.withUnsafeBytes { bytes in
                    pipeline?.feed(UnsafeRawBufferPointer(rebasing: bytes[0..<count]), shouldStop: { [weak self] in self?.isStopped ?? true })
                }
                continue
            }
            if count < 0 && (errno == EAGAIN || errno == EINTR) { return }
            attempt.stdout?.cancel()
            attempt.stdout = nil
            return
        }
    }

    private func readStderr(_ attempt: Attempt) {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(attempt.stderrFD, $0.baseAddress, $0.count) }
            if count > 0 {
                for line in attempt.stderrLines.append(buffer[0..<count]) { stderrLine(line, attempt) }
                continue
            }
            if count < 0 && (errno == EAGAIN || errno == EINTR) { return }
            for line in attempt.stderrLines.finish() { stderrLine(line, attempt) }
            attempt.stderr?.cancel()
            attempt.stderr = nil
            return
        }
    }

    private func stderrLine(_ line: String, _ attempt: Attempt) {
        let text = line.trimmingCharacters(in: .whitespaces)
        if text == SSHTarget.readyMarker {
            if !attempt.live { markLive(attempt) }
            return
        }
        guard !text.isEmpty else { return }
        // The last few lines are enough to explain a failure; a chatty tail must not grow memory.
        attempt.messages.append(text)
        if attempt.messages.count > 20 { attempt.messages.removeFirst() }
    }

    private func markLive(_ attempt: Attempt) {
        attempt.live = true
        everLive = true
        failures = 0
        pipeline?.state(.live)
    }

    private func ended(_ attempt: Attempt, status: Int32, generation ended: Int) {
        // Whatever ssh printed before exiting is still in the pipes.
        readStdout(attempt)
        readStderr(attempt)
        attempt.stdout?.cancel()
        attempt.stderr?.cancel()
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
