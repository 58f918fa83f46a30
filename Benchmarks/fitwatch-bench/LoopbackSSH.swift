import Foundation

/// A throwaway sshd on 127.0.0.1 for the ssh latency benchmark (keys in a temp dir,
/// `StrictModes no`); nil when sshd is missing or does not start. Children are started with
/// posix_spawn: Foundation's `Process.waitUntilExit` hangs here while another `Process`
/// (the sshd) is still running.
final class LoopbackSSH {
    let user = String(cString: getpwuid(getuid()).pointee.pw_name)
    let sshCommand: String
    private let listener: pid_t
    private let directory: String

    init?(directory parent: String) {
        let sshd = "/usr/sbin/sshd"
        guard FileManager.default.isExecutableFile(atPath: sshd) else { return nil }
        directory = parent + "/sshd"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        for name in ["host_key", "client_key"] {
            guard LoopbackSSH.run(["/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", "\(directory)/\(name)"]) else { return nil }
        }
        try? FileManager.default.copyItem(atPath: "\(directory)/client_key.pub", toPath: "\(directory)/authorized_keys")
        // 20,000 + pid spread: a fixed port could collide with the test suite's servers.
        let port = 20_000 + Int(getpid() % 20_000)
        let config = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(directory)/host_key
            AuthorizedKeysFile \(directory)/authorized_keys
            StrictModes no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            PidFile \(directory)/sshd.pid
            LogLevel ERROR
            """
        guard (try? config.write(toFile: "\(directory)/sshd_config", atomically: true, encoding: .utf8)) != nil,
              let pid = LoopbackSSH.spawn([sshd, "-D", "-e", "-f", "\(directory)/sshd_config"]) else { return nil }
        listener = pid
        sshCommand = "ssh -p \(port) -i \(directory)/client_key -o IdentitiesOnly=yes -o StrictHostKeyChecking=no"
            + " -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if LoopbackSSH.run(["/bin/sh", "-c", sshCommand + " -o BatchMode=yes \(user)@127.0.0.1 true"]) { return }
            usleep(100_000)
        }
        stop()
        return nil
    }

    /// End the listener and any session still under it.
    func stop() {
        _ = LoopbackSSH.run(["/usr/bin/pkill", "-KILL", "-P", String(listener)])
        kill(listener, SIGKILL)
        var status: Int32 = 0
        waitpid(listener, &status, 0)
    }

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
