import Foundation

/// fitwatch on a terminal of its own: a detached tmux server (its own socket) running the
/// binary, for the benchmarks that measure the real screen's CPU and memory.
struct ScreenProcess {
    let pid: pid_t
    private let socket: String

    /// Starts `binary arguments` on a `width`x`height` terminal and waits for its pid. Nil,
    /// having printed `label: skipped (why)`, when tmux or the binary did not start.
    static func start(_ label: String, binary: String, arguments: [String], width: Int, height: Int,
                      scratch: String) -> ScreenProcess? {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("\(label): skipped (no \(binary))")
            return nil
        }
        let socket = "fitwatch-bench-\(getpid())-\(label.filter(\.isLetter))"
        let pidFile = scratch + "/pid"
        let command = "echo $$ > \(pidFile); LANG=C.UTF-8 exec \(([binary] + arguments).joined(separator: " "))"
        guard system("tmux -L \(socket) -f /dev/null new-session -d -x \(width) -y \(height) '\(command)' >/dev/null 2>&1 </dev/null") == 0 else {
            print("\(label): skipped (tmux did not start)")
            return nil
        }
        for _ in 0..<100 {
            usleep(50_000)
            if let pid = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap({ pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
                return ScreenProcess(pid: pid, socket: socket)
            }
        }
        print("\(label): skipped (no fitwatch pid)")
        _ = system("tmux -L \(socket) kill-server >/dev/null 2>&1")
        return nil
    }

    func stop() {
        _ = system("tmux -L \(socket) kill-server >/dev/null 2>&1")
    }
}

/// `tail -F -n 0` of `paths`, its output to /dev/null: the baseline a follower's CPU is
/// measured against.
struct TailBaseline {
    let pid: pid_t

    init(following paths: [String]) {
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = ["tail", "-q", "-F", "-n", "0"] + paths
        let cArguments = arguments.map { strdup($0) } + [nil]
        _ = posix_spawnp(&pid, "tail", &actions, nil, cArguments, environ)
        cArguments.forEach { free($0) }
        posix_spawn_file_actions_destroy(&actions)
        self.pid = pid
    }

    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
