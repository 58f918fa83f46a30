import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawnp`, so no Swift code runs between fork and exec
/// (forking a multi-threaded Swift process and running Swift in the child is unsafe), with its
/// own session or process group so signals can go to everything it started.
final class ChildProcess: @unchecked Sendable {
    /// What one of the child's standard descriptors is connected to.
    enum Redirect {
        /// Duplicate a descriptor of ours onto the child's.
        case descriptor(Int32)
        /// Open a path (the pty slave: opening it after `setsid` makes it the controlling tty).
        case path(String, flags: Int32)
        /// `/dev/null`.
        case null
    }

    /// How the child is grouped for signals.
    enum Grouping {
        /// A new session (needed for a controlling terminal); the pid is the group id.
        case newSession
        /// A new process group in our session.
        case newGroup
    }

    let pid: pid_t

    /// Held while making close-on-exec descriptors and while spawning, so a child never
    /// inherits another source's pipe end in the gap between `pipe` and `fcntl` (Swift does
    /// not import `pipe2`). An inherited stdin write end would stop ssh seeing EOF.
    static let spawnLock = NSLock()

    /// A pipe whose both ends are close-on-exec (the child gets its end through dup2).
    static func makePipe() throws -> (read: Int32, write: Int32) {
        spawnLock.lock(); defer { spawnLock.unlock() }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            throw FeedFactory.BadSource("cannot make a pipe: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }
    private let lock = NSLock()
    private var status: Int32?
    private var waiters: [@Sendable (Int32) -> Void] = []

    /// glibc's `POSIX_SPAWN_SETSID` (0x80 since glibc 2.26); Swift does not import it because
    /// it sits behind `__USE_GNU`.
    private static let spawnSetSID: Int32 = 0x80

    /// Start `arguments[0]` (looked up on PATH) with the given standard descriptors.
    init(arguments: [String], stdin: Redirect, stdout: Redirect, stderr: Redirect,
         grouping: Grouping, environment: [String: String]? = nil) throws {
        precondition(!arguments.isEmpty)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Order matters: stdin first, so a pty slave opened as fd 0 becomes the controlling
        // terminal before stdout and stderr duplicate it.
        for (target, redirect) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch redirect {
            case .descriptor(let fd):
                posix_spawn_file_actions_adddup2(&actions, fd, target)
            case .path(let path, let flags):
                posix_spawn_file_actions_addopen(&actions, target, path, flags, 0)
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_RDWR, 0)
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with default handlers and nothing blocked, whatever fitwatch ignores
        // (SIGINT and SIGPIPE while it forwards them) or blocks.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        switch grouping {
        case .newSession: flags |= Self.spawnSetSID
        case .newGroup:
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var envStrings: [String] = []
        if let environment {
            envStrings = environment.map { "\($0.key)=\($0.value)" }
        } else {
            envStrings = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        }
        let envp = envStrings.map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }

        var child: pid_t = 0
        Self.spawnLock.lock()
        let result = posix_spawnp(&child, arguments[0], &actions, &attributes, argv, envp)
        Self.spawnLock.unlock()
        guard result == 0 else {
            throw FeedFactory.BadSource("cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        pid = child
        let waiter = Thread { [self] in self.reap() }
        waiter.name = "fitwatch-wait-\(child)"
        waiter.start()
    }

    /// Blocks a dedicated thread in `waitpid` (libdispatch has no process sources on Linux).
    private func reap() {
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        let code = ChildProcess.exitCode(raw)
        lock.lock()
        status = code
        let pending = waiters
        waiters = []
        lock.unlock()
        pending.forEach { $0(code) }
    }

    /// Shell-style status: the exit code, or 128 + the signal that killed it.
    static func exitCode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    /// The exit code once the child ended.
    var exitStatus: Int32? {
        lock.lock(); defer { lock.unlock() }
        return status
    }

    /// Call `handler` (on the waiter thread, or right away) when the child has ended.
    func onExit(_ handler: @escaping @Sendable (Int32) -> Void) {
        lock.lock()
        if let status {
            lock.unlock()
            handler(status)
            return
        }
        waiters.append(handler)
        lock.unlock()
    }

    /// Send `signal` to the child's whole process group (everything it started).
    /// The group outlives a leader that exits first, so this does not check the leader.
    func signalGroup(_ signal: Int32) {
        if kill(-pid, signal) != 0, exitStatus == nil { _ = kill(pid, signal) }
    }

    /// Each signal in turn to the group, waiting up to `grace` seconds for the leader after
    /// each, then SIGKILL; the group gets SIGKILL too, for anything that ignored the rest.
    func terminate(signals: [Int32] = [SIGTERM], grace: Double = 2) {
        for signal in signals where exitStatus == nil {
            signalGroup(signal)
            let deadline = Date().addingTimeInterval(grace)
            while exitStatus == nil && Date() < deadline { usleep(10_000) }
        }
        signalGroup(SIGKILL)
    }
}
