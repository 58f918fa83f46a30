import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `--on-event CMD`: runs `/bin/sh -c CMD` once per event with the event's JSON on stdin,
/// never on the caller's thread. At most `limit` commands run at once (an event that finds
/// them all busy is dropped and reported); each gets `timeout` seconds before its process
/// group is terminated. Its stdout is discarded (the screen and `--jsonl` own fitwatch's);
/// what goes wrong (it could not start, exited non-zero, timed out, was dropped) is reported
/// through `report`, with the last line the command wrote on stderr.
public final class EventCommand: @unchecked Sendable {
    /// The shell command line.
    public let command: String
    /// Seconds a command may run.
    public let timeout: Double
    /// Commands allowed to run at once.
    public let limit: Int
    private let lock = NSLock()
    private var running = 0
    private let finished = DispatchGroup()

    /// 10 s and 4 at once: a webhook that answers slower than that is down, and a burst of
    /// findings must not fork a shell per finding without bound.
    public init(command: String, timeout: Double = 10, limit: Int = 4) {
        self.command = command
        self.timeout = timeout
        self.limit = limit
    }

    /// Start the command with `json` (one line) on its stdin, off this thread. `report` gets
    /// one line when it failed; it is called on another thread.
    public func send(_ json: String, report: @escaping @Sendable (String) -> Void) {
        lock.lock()
        guard running < limit else {
            lock.unlock()
            report("--on-event: \(limit) command\(limit == 1 ? "" : "s") still running; an event was dropped")
            return
        }
        running += 1
        finished.enter()
        lock.unlock()
        let thread = Thread { [self] in
            defer {
                lock.lock()
                running -= 1
                lock.unlock()
                finished.leave()
            }
            if let problem = run(Array((json + "\n").utf8)) { report("--on-event: \(problem)") }
        }
        thread.name = "fitwatch-on-event"
        thread.start()
    }

    /// Wait up to `seconds` for commands still running (on exit, so a `finished` event
    /// reaches its command before fitwatch is gone); true when none is left.
    @discardableResult
    public func wait(upTo seconds: Double) -> Bool {
        finished.wait(timeout: .now() + seconds) == .success
    }

    /// Run one command; nil when it exited 0, else what went wrong.
    private func run(_ input: [UInt8]) -> String? {
        // Stdin is a pipe filled before the shell starts: an event is a few kilobytes at most,
        // far below a pipe's buffer, so the write never blocks and a command that never reads
        // its stdin cannot make fitwatch wait (or get SIGPIPE).
        guard let stdin = try? ChildProcess.makePipe() else { return "cannot make a pipe" }
        var written = 0
        let flags = fcntl(stdin.write, F_GETFL)
        _ = fcntl(stdin.write, F_SETFL, flags | O_NONBLOCK)
        while written < input.count {
            let count = input[written...].withUnsafeBytes { Glibc.write(stdin.write, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            written += count
        }
        close(stdin.write)
        defer { close(stdin.read) }
        guard written == input.count else { return "the event (\(input.count) bytes) does not fit a pipe" }
        guard let stderr = try? ChildProcess.makePipe() else { return "cannot make a pipe" }
        let child: ChildProcess
        do {
            child = try ChildProcess(arguments: ["/bin/sh", "-c", command], stdin: .descriptor(stdin.read),
                                     stdout: .null, stderr: .descriptor(stderr.write), grouping: .newGroup)
        } catch {
            close(stderr.read)
            close(stderr.write)
            return "cannot start /bin/sh: \(error)"
        }
        close(stderr.write)
        defer { close(stderr.read) }
        // Read its stderr (the last 4 KiB) until every process holding it closed it, or the deadline.
        let deadline = Date().addingTimeInterval(timeout)
        var tail: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var open = true
        while open {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { break }
            var descriptor = pollfd(fd: stderr.read, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(left, 0.1) * 1000) + 1)
            if ready < 0, errno != EINTR { break }
            guard ready > 0 else {
                // The shell ended and nothing more is coming soon: a process it left in the
                // background may hold stderr open; do not wait for that.
                if child.exitStatus != nil { break }
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(stderr.read, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { open = false; break }
            tail += buffer[..<count]
            if tail.count > 4096 { tail.removeFirst(tail.count - 4096) }
        }
        while child.exitStatus == nil, Date() < deadline { usleep(5_000) }
        let said = String(decoding: tail, as: UTF8.self).split(whereSeparator: \.isNewline).last.map { ": " + $0 } ?? ""
        guard let status = child.exitStatus else {
            child.terminate(grace: 1)
            return "'\(command)' still running after \(Self.seconds(timeout)) s, stopped\(said)"
        }
        return status == 0 ? nil : "'\(command)' exited with status \(status)\(said)"
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
