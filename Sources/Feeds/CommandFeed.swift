import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A training command run under a pseudo-terminal (`fitwatch run -- python train.py`), so
/// Keras draws as it would in a terminal. Its output is parsed into events and also posted
/// line by line for the log pane; `--tee` copies the raw bytes to a file. The command runs in
/// its own session with the pty as controlling terminal: `interrupt()` sends SIGINT to its
/// process group, `stop()` ends it, and if fitwatch dies the closed pty hangs it up.
public final class CommandFeed: Feed, InterruptibleFeed, @unchecked Sendable {
    public let id: SourceID
    private let arguments: [String]
    private let teePath: String?
    private let makeReader: ReaderMaker
    private let size: (rows: UInt16, columns: UInt16)
    private let queue = DispatchQueue(label: "fitwatch.command")
    private let lock = NSLock()
    private var child: ChildProcess?
    private var status: Int32?
    private var master: Int32 = -1
    private var tee: Int32 = -1
    private var pipeline: EventPipeline?
    private var lines = LineBuffer()
    private var done = false

    /// - Parameters:
    ///   - arguments: the command and its arguments (looked up on PATH).
    ///   - tee: a file to copy the command's raw output to.
    ///   - size: the pty's size; Keras sizes its bar from it. Defaults to fitwatch's own
    ///     terminal, else 120 x 40.
    public init(arguments: [String], tee: String? = nil, size: (rows: UInt16, columns: UInt16)? = nil,
                makeReader: @escaping ReaderMaker) {
        self.arguments = arguments
        self.teePath = tee
        self.makeReader = makeReader
        self.size = size ?? CommandFeed.terminalSize()
        // As a shell would take it back: `sh -c 'sleep 300'`, not `sh -c sleep 300`.
        id = SourceID(arguments.map { argument in
            let plain = !argument.isEmpty && argument.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) || "_./=:,+@%-".unicodeScalars.contains($0)
            }
            return plain ? argument : SSHTarget.shellQuoted(argument)
        }.joined(separator: " "))
    }

    private static func terminalSize() -> (rows: UInt16, columns: UInt16) {
        var window = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 {
            return (window.ws_row, window.ws_col)
        }
        return (40, 120)
    }

    /// The command's exit status (128 + signal if a signal ended it), once it ended.
    public var exitStatus: Int32? {
        lock.lock(); defer { lock.unlock() }
        return status
    }

    // Linux ioctls on the pty multiplexer (asm-generic values, the same on x86_64 and
    // aarch64); Swift does not import the `_IOW`/`_IOR` macros that define them.
    private static let setPtyLock: UInt = 0x4004_5431
    private static let getPtyNumber: UInt = 0x8004_5430

    public func start(inbox: Inbox) {
        queue.async { [self] in
            guard pipeline == nil else { return }
            let pipeline = EventPipeline(id: id, inbox: inbox, reader: makeReader())
            self.pipeline = pipeline
            do {
                try launch()
                pipeline.state(.live)
            } catch {
                closeMaster()
                if tee >= 0 { close(tee); tee = -1 }
                finish(status: 127)
                pipeline.state(.failed("\(error)"))
            }
        }
    }

    private func launch() throws {
        if let teePath {
            tee = open(teePath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard tee >= 0 else {
                throw FeedFactory.BadSource("cannot write --tee \(teePath): \(String(cString: strerror(errno)))")
            }
        }
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw FeedFactory.BadSource("cannot open a pseudo-terminal: \(String(cString: strerror(errno)))") }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(master, CommandFeed.setPtyLock, &unlock) == 0, ioctl(master, CommandFeed.getPtyNumber, &number) == 0 else {
            throw FeedFactory.BadSource("cannot set up a pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        var window = winsize(ws_row: size.rows, ws_col: size.columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &window)
        let slave = "/dev/pts/\(number)"
        var environment = ProcessInfo.processInfo.environment
        if environment["TERM"] == nil || environment["TERM"] == "dumb" { environment["TERM"] = "xterm-256color" }
        environment["COLUMNS"] = String(size.columns)
        environment["LINES"] = String(size.rows)
        let child = try ChildProcess(arguments: arguments, stdin: .path(slave, flags: O_RDWR),
                                     stdout: .descriptor(0), stderr: .descriptor(0),
                                     grouping: .newSession, environment: environment)
        lock.lock()
        self.child = child
        lock.unlock()
        child.onExit { [weak self] status in
            guard let self else { return }
            self.lock.lock()
            self.status = status
            self.lock.unlock()
        }
        // A thread blocked in poll() reads the pty rather than a Dispatch read source: with a
        // source, libdispatch's event loop crashed (SIGSEGV in _dispatch_event_loop_drain,
        // about 1 run in 20 under Ctrl-C) around the pty's hang-up.
        let descriptor = master
        let reader = Thread { [weak self] in self?.readLoop(descriptor) }
        reader.name = "fitwatch-pty"
        reader.start()
    }

    /// Reads the pty master until the slave side is gone (EIO), or the command's leader has
    /// exited and nothing more came for 100 ms (a grandchild holding the slave must not keep
    /// fitwatch waiting). Chunks go to the queue in order; then the end.
    private func readLoop(_ descriptor: Int32) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16_384, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&request, 1, 100)
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 {
                if exitStatus != nil { break }
                continue
            }
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count > 0 {
                let chunk = [UInt8](buffer[0..<count])
                queue.async { [weak self] in self?.handle(chunk) }
                continue
            }
            if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            break  // EIO: every slave descriptor closed.
        }
        // The leader's status arrives on the waiter thread; wait briefly so the end carries it.
        let deadline = Date().addingTimeInterval(5)
        while exitStatus == nil && Date() < deadline { usleep(5_000) }
        queue.async { [weak self] in self?.finishOutput() }
    }

    private func handle(_ chunk: [UInt8]) {
        if tee >= 0 { _ = chunk.withUnsafeBytes { write(tee, $0.baseAddress, $0.count) } }
        chunk.withUnsafeBytes { pipeline?.feed($0) }
        post(lines: lines.append(chunk))
    }

    /// Release the pty master (only once nothing reads it any more).
    private func closeMaster() {
        if master >= 0 { close(master) }
        master = -1
    }

    private func post(lines: [String]) {
        guard let pipeline, !lines.isEmpty else { return }
        pipeline.inbox.post(lines.map { .output(id, $0) })
    }

    private func finishOutput() {
        guard let pipeline, !done else { return }
        // No status after 5 s of a closed pty: the leader is stuck; report it as killed.
        let status = exitStatus ?? 128 + SIGKILL
        closeMaster()
        post(lines: lines.finish())
        pipeline.finish()
        if tee >= 0 { close(tee); tee = -1 }
        finish(status: status)
        pipeline.state(status == 0 ? .finished : .failed(CommandFeed.describe(status: status)))
    }

    private func finish(status: Int32) {
        lock.lock()
        if self.status == nil { self.status = status }
        done = true
        lock.unlock()
    }

    /// `exited with status 1`, `killed by SIGINT`.
    static func describe(status: Int32) -> String {
        guard status > 128 else { return "exited with status \(status)" }
        let names: [Int32: String] = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGKILL: "SIGKILL", SIGHUP: "SIGHUP",
                                      SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT", SIGPIPE: "SIGPIPE"]
        let signal = status - 128
        return "killed by \(names[signal] ?? "signal \(signal)")"
    }

    /// Ctrl-C: SIGINT to the command's process group, as a terminal would.
    public func interrupt() -> Bool {
        lock.lock()
        let child = self.child
        let finished = done
        lock.unlock()
        guard let child, !finished else { return false }
        child.signalGroup(SIGINT)
        return true
    }

    /// Ends the command the way a terminal user would: SIGINT (Keras stops cleanly on
    /// KeyboardInterrupt), SIGTERM after 2 s, SIGKILL after 2 more; whatever the command
    /// started in its session goes too.
    public func stop() {
        lock.lock()
        let child = self.child
        lock.unlock()
        child?.terminate(signals: [SIGINT, SIGTERM], grace: 2)
    }
}
