import Foundation
@testable import Feeds
import TestSupport

/// A throwaway sshd on 127.0.0.1 for the ssh feed tests: its own host key, an authorized
/// client key and a second, unauthorized key, all in a temp dir (`StrictModes no`).
final class SSHServer: @unchecked Sendable {
    /// sshd's absolute path (it re-executes itself by it), found on PATH or beside it.
    private static let foundSSHD = Executable.find("sshd", variable: "FITWATCH_SSHD")
    private static let foundKeygen = Executable.find("ssh-keygen")
    static let sshd = foundSSHD ?? "sshd"
    static let keygen = foundKeygen ?? "ssh-keygen"

    /// Why the ssh tests cannot run here, or nil when they can.
    static let unavailableReason: String? = {
        guard foundSSHD != nil else {
            return "no sshd on PATH or in its sbin folders, nor FITWATCH_SSHD (install openssh-server; .ci/run does)"
        }
        guard foundKeygen != nil, Executable.find("ssh") != nil else {
            return "no ssh client or ssh-keygen (install openssh-client)"
        }
        return nil
    }()

    let directory = TemporaryDirectory("fitwatch-sshd")
    let port: Int
    let user: String
    var clientKey: String { directory.file("client_key") }
    var wrongKey: String { directory.file("wrong_key") }
    private var process: ChildProcess?

    init() throws {
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        for name in ["host_key", "client_key", "wrong_key"] {
            try SSHServer.runQuietly([SSHServer.keygen, "-q", "-t", "ed25519", "-N", "", "-f", directory.file(name)])
        }
        try FileManager.default.copyItem(atPath: directory.file("client_key.pub"), toPath: directory.file("authorized_keys"))
        guard let free = Loopback.freePort() else { throw FeedFactory.BadSource("no free port") }
        port = free
        user = String(cString: getpwuid(getuid()).pointee.pw_name)
        let config = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(directory.file("host_key"))
            AuthorizedKeysFile \(directory.file("authorized_keys"))
            StrictModes no
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            UsePAM no
            PidFile \(directory.file("sshd.pid"))
            LogLevel ERROR
            """
        try config.write(toFile: directory.file("sshd_config"), atomically: true, encoding: .utf8)
        try start()
    }

    /// Start (or restart) the listener and wait until it accepts connections.
    func start() throws {
        let log = open(directory.file("sshd.log"), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        defer { close(log) }
        process = try ChildProcess(arguments: [SSHServer.sshd, "-D", "-e", "-f", directory.file("sshd_config")],
                                   stdin: .null, stdout: .descriptor(log), stderr: .descriptor(log), grouping: .newGroup)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Loopback.accepts(port: port) { return }
            if process?.exitStatus != nil { break }
            usleep(20_000)
        }
        let text = (try? String(contentsOfFile: directory.file("sshd.log"), encoding: .utf8)) ?? ""
        throw FeedFactory.BadSource("sshd did not start on port \(port): \(text)")
    }

    /// Kill the listener and every session under it: the connection drops mid-stream, as
    /// when a machine goes away (killing only the listener leaves live sessions running).
    func kill() {
        guard let process else { return }
        let pids = Loopback.descendants(of: process.pid)
        for pid in [process.pid] + pids { _ = Glibc.kill(pid, SIGKILL) }
        let deadline = Date().addingTimeInterval(5)
        while process.exitStatus == nil && Date() < deadline { usleep(10_000) }
        self.process = nil
    }

    /// The FITWATCH_SSH_COMMAND a user of this server would set.
    func sshCommand(key: String? = nil) -> String {
        "ssh -p \(port) -i \(key ?? clientKey) -o IdentitiesOnly=yes -o StrictHostKeyChecking=no"
            + " -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ServerAliveInterval=1 -o ServerAliveCountMax=2"
    }

    func options(key: String? = nil) -> SSHFeed.Options {
        var options = SSHFeed.Options(sshCommand: sshCommand(key: key))
        options.firstDelay = 0.2
        options.maxDelay = 1
        return options
    }

    deinit {
        kill()
        directory.remove()
    }

    /// Processes whose command line contains `text` (to prove nothing stayed behind).
    static func processes(containing text: String) -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { name in
            guard let pid = pid_t(name), pid != getpid(),
                  let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(text) ? pid : nil
        }
    }

    private static func runQuietly(_ arguments: [String]) throws {
        let child = try ChildProcess(arguments: arguments, stdin: .null, stdout: .null, stderr: .null, grouping: .newGroup)
        let deadline = Date().addingTimeInterval(20)
        while child.exitStatus == nil && Date() < deadline { usleep(5_000) }
        guard child.exitStatus == 0 else { throw FeedFactory.BadSource("\(arguments[0]) failed") }
    }
}
