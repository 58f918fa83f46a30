import Foundation
import TestSupport

/// A throwaway sshd on 127.0.0.1 for the ssh benchmarks: its own port, host key and authorized
/// client key in a temp dir (`StrictModes no`); nil when sshd is missing or does not start.
/// `kill()` takes it down as a machine going away does (the listener and every session under
/// it: live connections drop); `restart()` brings it back on the same port with the same keys.
/// Children are started with posix_spawn: Foundation's `Process.waitUntilExit` hangs here
/// while another `Process` (the sshd) is still running.
final class LoopbackSSH {
    /// sshd's absolute path (it re-executes itself by it), found on PATH or beside it.
    static let sshd = Executable.find("sshd", variable: "FITWATCH_SSHD")
    let user = String(cString: getpwuid(getuid()).pointee.pw_name)
    let port: Int
    let sshCommand: String
    private let sshd: String
    /// Where its keys and config live (the client key's path names this server's clients).
    let directory: String
    private var listener: pid_t?

    /// - Parameter directory: a new folder for this server (created).
    init?(directory: String) {
        guard let sshd = LoopbackSSH.sshd, let keygen = Executable.find("ssh-keygen") else { return nil }
        self.sshd = sshd
        self.directory = directory
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        for name in ["host_key", "client_key"] {
            guard LoopbackSSH.run([keygen, "-q", "-t", "ed25519", "-N", "", "-f", "\(directory)/\(name)"]) else { return nil }
        }
        try? FileManager.default.copyItem(atPath: "\(directory)/client_key.pub", toPath: "\(directory)/authorized_keys")
        guard let port = Loopback.freePort() else { return nil }
        self.port = port
        let config = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(directory)/host_key
            AuthorizedKeysFile \(directory)/authorized_keys
            StrictModes no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            MaxStartups 100
            PidFile \(directory)/sshd.pid
            LogLevel ERROR
            """
        sshCommand = "ssh -p \(port) -i \(directory)/client_key -o IdentitiesOnly=yes -o StrictHostKeyChecking=no"
            + " -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
        guard (try? config.write(toFile: "\(directory)/sshd_config", atomically: true, encoding: .utf8)) != nil,
              restart() else { return nil }
        // A login works (keys, config), not only the port.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if LoopbackSSH.run(["/bin/sh", "-c", sshCommand + " -o BatchMode=yes \(user)@127.0.0.1 true"]) { return }
            usleep(100_000)
        }
        kill()
        return nil
    }

    /// Start the listener (again) on its port and wait until it accepts connections.
    @discardableResult
    func restart() -> Bool {
        guard listener == nil,
              let pid = LoopbackSSH.spawn([sshd, "-D", "-e", "-f", "\(directory)/sshd_config"]) else { return false }
        listener = pid
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Loopback.accepts(port: port) { return true }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { listener = nil; return false }
            usleep(10_000)
        }
        return false
    }

    /// End the listener and every session under it (killing only the listener leaves the live
    /// sessions, and their connections, running).
    func kill() {
        guard let listener else { return }
        for pid in [listener] + Loopback.descendants(of: listener) { _ = Glibc.kill(pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(listener, &status, 0) < 0 && errno == EINTR {}
        self.listener = nil
    }

    func stop() { kill() }

    private static func spawn(_ arguments: [String]) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd in [Int32(0), 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_RDWR, 0) }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, arguments[0], &actions, nil, argv, environ) == 0 else { return nil }
        return pid
    }

    private static func run(_ arguments: [String]) -> Bool {
        guard let pid = spawn(arguments) else { return false }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status == 0
    }
}
