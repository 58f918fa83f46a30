import Foundation

/// One ssh process and its pipes, shared by `SSHFeed` (one remote file) and `SSHHostFeed`
/// (every remote source of a host). Its owner touches it only on its own serial queue; the
/// reader thread reads and closes stdout and stderr, and `exited` is the one field both sides
/// use.
final class SSHProcess: @unchecked Sendable {
    let child: ChildProcess
    /// The owner's connection count when it was started: answers from an older one are dropped.
    let generation: Int
    /// ssh's stdin (-1 once closed): the remote side sees EOF when it closes.
    var stdin: Int32
    /// Read and closed only by the reader thread.
    let stdoutFD: Int32
    let stderrFD: Int32
    var stderrLines = LineBuffer()
    /// The last stderr lines: enough to explain a failure without growing with a chatty tail.
    var messages: [String] = []
    var live = false
    /// ssh's exit status, once known (on the queue).
    var status: Int32?
    /// The reader thread saw both pipes end and closed them (on the queue).
    var drained = false
    /// The owner dealt with its end (on the queue).
    var handled = false
    private let lock = NSLock()
    private var exitedFlag = false

    private init(child: ChildProcess, generation: Int, stdin: Int32, stdoutFD: Int32, stderrFD: Int32) {
        self.child = child
        self.generation = generation
        self.stdin = stdin
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
    }

    /// ssh exited; the reader stops after 100 ms without data (a ControlMaster or other
    /// grandchild holding the pipes must not keep the connection open).
    var exited: Bool {
        get { lock.lock(); defer { lock.unlock() }; return exitedFlag }
        set { lock.lock(); exitedFlag = newValue; lock.unlock() }
    }

    /// The argument vector: ssh (or FITWATCH_SSH_COMMAND through `sh -c`) with BatchMode so
    /// it never waits on a prompt, keep-alives so a frozen server is noticed in ~15 s
    /// (5 s x 3), then the destination and the remote command.
    static func arguments(target: SSHTarget, remoteCommand: String, options: SSHFeed.Options) -> [String] {
        var sshArguments = [
            "-o", "BatchMode=yes",
            "-o", "ServerAliveInterval=5",
            "-o", "ServerAliveCountMax=3",
            "-o", "ConnectTimeout=10",
        ]
        if let port = target.port { sshArguments += ["-p", String(port)] }
        sshArguments += ["--", target.destination, remoteCommand]
        if let command = options.sshCommand {
            return ["/bin/sh", "-c", command + " \"$@\"", "fitwatch-ssh"] + sshArguments
        }
        return ["ssh"] + sshArguments
    }

    /// Whether both its pipes drained and its exit status is known: time for the owner to
    /// deal with its end (once: `handled`).
    var isOver: Bool { drained && status != nil && !handled }

    /// Closes ssh's stdin (the remote side sees EOF and ends), then ends ssh off the caller's
    /// thread. On the owner's queue.
    func stop() {
        if stdin >= 0 { close(stdin); stdin = -1 }
        let child = self.child
        DispatchQueue.global().async { child.terminate(signals: [SIGTERM], grace: 1) }
    }

    /// Keep one stderr line for explaining a failure (the last 20).
    func remember(_ line: String) {
        messages.append(line)
        if messages.count > 20 { messages.removeFirst() }
    }

    /// Start `arguments` in a process group of its own. On `queue`: `received` for each chunk
    /// read (stdout or not), in order; `changed` when the pipes drained and when ssh exited
    /// (the owner checks `isOver`).
    static func launch(arguments: [String], generation: Int, queue: DispatchQueue, threadName: String,
                       received: @escaping @Sendable (SSHProcess, [UInt8], _ stdout: Bool) -> Void,
                       changed: @escaping @Sendable (SSHProcess) -> Void) throws -> SSHProcess {
        let input = try ChildProcess.makePipe()
        let output = try ChildProcess.makePipe()
        let errors = try ChildProcess.makePipe()
        let child: ChildProcess
        do {
            child = try ChildProcess(arguments: arguments, stdin: .descriptor(input.read),
                                     stdout: .descriptor(output.write), stderr: .descriptor(errors.write),
                                     grouping: .newGroup)
        } catch {
            [input.read, input.write, output.read, output.write, errors.read, errors.write].forEach { close($0) }
            throw error
        }
        close(input.read)
        close(output.write)
        close(errors.write)
        let process = SSHProcess(child: child, generation: generation, stdin: input.write,
                                 stdoutFD: output.read, stderrFD: errors.read)
        // A thread blocked in poll() reads both pipes rather than Dispatch read sources: with
        // sources, libdispatch crashed (SIGSEGV in _dispatch_event_loop_drain, about 1 run in
        // 20 of an unreachable host) around the cancel and close of a pipe while reconnecting.
        // The thread alone reads and closes them.
        let reader = Thread { process.readLoop(queue: queue, received: received, changed: changed) }
        reader.name = threadName
        reader.start()
        child.onExit { status in
            process.exited = true
            queue.async {
                process.status = status
                changed(process)
            }
        }
        return process
    }

    /// Reads stdout and stderr until both ended, or ssh exited and nothing came for 100 ms;
    /// hands chunks to the queue in order, closes both pipes, then says it drained.
    private func readLoop(queue: DispatchQueue, received: @escaping @Sendable (SSHProcess, [UInt8], Bool) -> Void,
                          changed: @escaping @Sendable (SSHProcess) -> Void) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
        defer { buffer.deallocate() }
        var open = [stdoutFD, stderrFD]
        while !open.isEmpty {
            var requests = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&requests, nfds_t(requests.count), 100)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { break }
            if ready == 0 {
                if exited { break }
                continue
            }
            for request in requests where request.revents != 0 {
                let count = read(request.fd, buffer.baseAddress, buffer.count)
                if count > 0 {
                    let chunk = [UInt8](buffer[0..<count])
                    let isStdout = request.fd == stdoutFD
                    queue.async { received(self, chunk, isStdout) }
                } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                    open.removeAll { $0 == request.fd }
                }
            }
        }
        close(stdoutFD)
        close(stderrFD)
        queue.async {
            self.drained = true
            changed(self)
        }
    }
}
