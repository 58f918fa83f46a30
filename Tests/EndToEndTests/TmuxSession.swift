import Foundation
import TestSupport

/// One detached tmux server running the real `fitwatch` binary in a pane, driven with
/// send-keys and read with capture-pane. Each session has its own socket (`tmux -L`), so
/// tests run in parallel without seeing each other.
///
/// tmux is started through `system()` with its output sent to /dev/null: Foundation's
/// `Process` waits on pipes that the forked tmux server inherits and can hang forever.
final class TmuxSession {
    /// Why a session could not start.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let socket: String
    let directory: URL
    private var killed = false

    /// The binary `swift test` built: `.build/debug/fitwatch` under the package root.
    static var binary: URL { Fixtures.packageRoot.appendingPathComponent(".build/debug/fitwatch") }

    /// Whether tmux is installed (`.ci/run` installs it).
    static var available: Bool { Executable.find("tmux") != nil }

    /// Start `fitwatch arguments...` in a `width`x`height` pane. After fitwatch exits the pane
    /// prints `EXIT=<status>` and the terminal's `stty -a` flags, and stays open.
    /// `stdin`: a file to read standard input from instead of the terminal (keys then come
    /// from /dev/tty, as under `python train.py | fitwatch -`).
    init(arguments: [String], width: Int = 100, height: Int = 30, environment: [String: String] = [:],
         stdin: String? = nil) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw Failure(description: "\(Self.binary.path) is missing: run `swift build` first")
        }
        socket = "fw-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pidFile = directory.appendingPathComponent("pid").path
        // The screen state is saved per source set on exit: each session keeps its own (under
        // its directory), so no test writes to the home directory or starts in another's state.
        var exports = ["LANG": "C.UTF-8", "TERM": "tmux-256color", "XDG_STATE_HOME": directory.appendingPathComponent("state").path]
        exports.merge(environment) { _, new in new }
        let envText = exports.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        let command = "sh -c " + Self.quote("echo $$ > \(Self.quote(pidFile)); exec env \(envText) "
            + ([Self.binary.path] + arguments).map(Self.quote).joined(separator: " ")
            + (stdin.map { " < " + Self.quote($0) } ?? ""))
            + "; echo EXIT=$?; stty -a; sleep 600"
        let status = system("tmux -u -L \(socket) -f /dev/null new-session -d -x \(width) -y \(height) "
            + "\(Self.quote(command)) >/dev/null 2>&1 </dev/null")
        guard status == 0 else { throw Failure(description: "tmux new-session failed with status \(status)") }
        _ = try? tmux("set-option -g status off")
    }

    deinit { kill() }

    /// Stop the tmux server and everything in it.
    func kill() {
        guard !killed else { return }
        killed = true
        if let pid = fitwatchPID { Foundation.kill(pid, SIGKILL) }
        _ = system("tmux -L \(socket) kill-server >/dev/null 2>&1 </dev/null")
        try? FileManager.default.removeItem(at: directory)
    }

    /// The fitwatch process id (the pane's `sh` exec'd into it).
    var fitwatchPID: pid_t? {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("pid"), encoding: .utf8) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The pane's text now.
    func capture() -> String { (try? tmux("capture-pane -p -J")) ?? "" }

    /// The pane's text now with its colours and attributes as SGR escape sequences (`-e`).
    func captureStyled() -> String { (try? tmux("capture-pane -p -e")) ?? "" }

    /// A tmux format value (`#{alternate_on}`).
    func display(_ format: String) -> String {
        ((try? tmux("display-message -p \(Self.quote(format))")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Send keys as tmux names them (`q`, `Enter`, `Tab`, `Escape`, `Down`).
    func send(_ keys: String...) { _ = try? tmux("send-keys " + keys.map(Self.quote).joined(separator: " ")) }

    /// Resize the window (and so the pane).
    func resize(width: Int, height: Int) { _ = try? tmux("resize-window -x \(width) -y \(height)") }

    /// Poll the pane every 50 ms until `predicate` holds or `timeout` seconds pass (60: only a
    /// failure waits that long, and a loaded 2-core CI machine can take a while to start the
    /// demo); returns the last capture.
    @discardableResult
    func waitFor(timeout: Double = 60, _ predicate: (String) -> Bool) -> (ok: Bool, screen: String) {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = capture()
        while !predicate(screen) {
            if Date() > deadline { return (false, screen) }
            usleep(50_000)
            screen = capture()
        }
        return (true, screen)
    }

    /// Run a tmux command against this server and return its stdout (read with popen: the
    /// server already runs, so no forked child keeps the pipe open).
    private func tmux(_ arguments: String) throws -> String {
        guard let pipe = popen("tmux -L \(socket) \(arguments) 2>/dev/null </dev/null", "r") else {
            throw Failure(description: "popen tmux failed")
        }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, pipe)
            if count <= 0 { break }
            output.append(contentsOf: chunk[0..<count])
        }
        pclose(pipe)
        return String(decoding: output, as: UTF8.self)
    }

    /// Single-quote for sh.
    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
