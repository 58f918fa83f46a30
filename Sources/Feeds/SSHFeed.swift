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
        let generation: Int
        var stdin: Int32
        /// Read and closed only by the attempt's reader thread.
        let stdoutFD: Int32
        let stderrFD: Int32
        var stderrLines = LineBuffer()
        var messages: [String] = []
        var live = false
        /// ssh's exit status, once known (on the queue).
        var status: Int32?
        /// The reader thread saw both pipes end and closed them (on the queue).
        var drained = false
        /// `ended` ran for this attempt (on the queue).
        var handled = false
        private let lock = NSLock()
        private var exitedFlag = false
        init(child: ChildProcess, generation: Int, stdin: Int32, stdoutFD: Int32, stderrFD: Int32) {
            self.child = child
            self.generation = generation
            self.stdin = stdin
            self.stdoutFD = stdoutFD
            self.stderrFD = stderrFD
        }
        /// ssh exited; the reader stops after 100 ms without data (a ControlMaster or other
        /// grandchild holding the pipes must not keep the attempt open).
        var exited: Bool {
            get { lock.lock(); defer { lock.unlock() }; return exitedFlag }
            set { lock.lock(); exitedFlag = newValue; lock.unlock() }
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
            // A thread blocked in poll() reads both pipes rather than Dispatch read sources:
            // with sources, libdispatch crashed (SIGSEGV in _dispatch_event_loop_drain, about
            // 1 run in 20 of an unreachable host) around the cancel and close of a pipe while
            // reconnecting. The thread alone reads and closes them.
            let attempt = Attempt(child: child, generation: current, stdin: input.write,
                                  stdoutFD: output.read, stderrFD: errors.read)
            self.attempt = attempt
            let reader = Thread { [weak self, queue] in SSHFeed.readLoop(attempt, queue: queue, feed: self) }
            reader.name = "fitwatch-ssh"
            reader.start()
            child.onExit { [weak self, queue] status in
                attempt.exited = true
                queue.async { [weak self] in
                    attempt.status = status
                    self?.endIfDone(attempt)
                }
            }
        } catch {
            pipeline.state(.failed("cannot run ssh: \(error)"))
        }
    }

    /// Reads ssh's stdout and stderr until both ended, or ssh exited and nothing came for
    /// 100 ms; hands chunks to the queue in order, closes both pipes, then reports the end.
    private static func readLoop(_ attempt: Attempt, queue: DispatchQueue, feed: SSHFeed?) {
        weak let feed = feed
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
        defer { buffer.deallocate() }
        var open = [attempt.stdoutFD, attempt.stderrFD]
        while !open.isEmpty {
            var requests = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&requests, nfds_t(requests.count), 100)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { break }
            if ready == 0 {
                if attempt.exited { break }
                continue
            }
            for request in requests where request.revents != 0 {
                let count = read(request.fd, buffer.baseAddress, buffer.count)
                if count > 0 {
                    let chunk = [UInt8](buffer[0..<count])
                    let isStdout = request.fd == attempt.stdoutFD
                    queue.async { feed?.received(chunk, stdout: isStdout, attempt) }
                } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                    open.removeAll { $0 == request.fd }
                }
            }
        }
        close(attempt.stdoutFD)
        close(attempt.stderrFD)
        queue.async {
            attempt.drained = true
            feed?.endIfDone(attempt)
        }
    }

    private func received(_ chunk: [UInt8], stdout: Bool, _ attempt: Attempt) {
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
    private func endIfDone(_ attempt: Attempt) {
        guard attempt.drained, let status = attempt.status, !attempt.handled else { return }
        for line in attempt.stderrLines.finish() { stderrLine(line, attempt) }
        attempt.handled = true
        ended(attempt, status: status, generation: attempt.generation)
    }

    private func stderrLine(_ line: String, _ attempt: Attempt) {
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
