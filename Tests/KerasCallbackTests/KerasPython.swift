import Foundation
import TestSupport

/// A Python interpreter with a Keras the tests can run `fitwatch_callback.py` under, or the
/// reason there is none (the tests then report themselves skipped with it).
struct KerasPython: Sendable {
    /// `keras3` (Keras 3, jax backend) or `tf_keras` (tf-keras 2.x on TensorFlow).
    let flavour: String
    /// The interpreter, when one was found.
    let executable: String?
    /// Why there is none, or which one was picked.
    let reason: String

    var isAvailable: Bool { executable != nil }

    /// Keras 3 + jax: `$FITWATCH_KERAS_PYTHON`, then `.venv/bin/python` in the package root
    /// once `.ci/setup.d/keras-venv.sh` has checked it (`.venv/.fitwatch-keras-ok`).
    static let keras3 = locate(
        flavour: "keras3", variable: "FITWATCH_KERAS_PYTHON",
        candidates: [
            (Fixtures.packageRoot.appendingPathComponent(".venv/bin/python").path,
             Fixtures.packageRoot.appendingPathComponent(".venv/.fitwatch-keras-ok").path),
        ],
        hint: "run .ci/setup.d/keras-venv.sh (creates .venv with keras and jax from PyPI) or set FITWATCH_KERAS_PYTHON")

    /// tf-keras 2.x (optional in CI): `$FITWATCH_TFKERAS_PYTHON`.
    static let tfKeras = locate(
        flavour: "tf_keras", variable: "FITWATCH_TFKERAS_PYTHON",
        candidates: [],
        hint: "set FITWATCH_TFKERAS_PYTHON to a python with tensorflow and tf_keras")

    private static func locate(flavour: String, variable: String, candidates: [(python: String, ready: String)],
                               hint: String) -> KerasPython {
        let files = FileManager.default
        if let chosen = ProcessInfo.processInfo.environment[variable], !chosen.isEmpty {
            if files.isExecutableFile(atPath: chosen) {
                return KerasPython(flavour: flavour, executable: chosen, reason: "\(variable)=\(chosen)")
            }
            return KerasPython(flavour: flavour, executable: nil, reason: "\(variable)=\(chosen) is not an executable")
        }
        var tried: [String] = []
        for candidate in candidates {
            if files.isExecutableFile(atPath: candidate.python), files.fileExists(atPath: candidate.ready) {
                return KerasPython(flavour: flavour, executable: candidate.python, reason: candidate.python)
            }
            tried.append("\(candidate.python) (needs \(candidate.ready))")
        }
        return KerasPython(flavour: flavour, executable: nil,
                           reason: "no \(flavour) python: tried \(tried.joined(separator: ", ")); \(hint)")
    }

    /// Why a Python run failed.
    struct RunError: Error, CustomStringConvertible, Sendable {
        let description: String
    }

    /// The environment every run gets: the jax backend on CPU, the callback on the path,
    /// TensorFlow's start-up chatter off, no `__pycache__` written into the repo.
    func environment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["KERAS_BACKEND"] = flavour == "keras3" ? "jax" : "tensorflow"
        environment["JAX_PLATFORMS"] = "cpu"
        environment["CUDA_VISIBLE_DEVICES"] = ""
        environment["TF_CPP_MIN_LOG_LEVEL"] = "3"
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        environment["PYTHONPATH"] = Fixtures.packageRoot.appendingPathComponent("integrations/keras").path
        return environment
    }

    /// Start `script` (in Tests/Fixtures/fitwatch) with `arguments`; stderr goes to `stderr`.
    func start(script: String, arguments: [String], stderr: URL) throws -> Process {
        guard let executable else { throw RunError(description: reason) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [Fixtures.url("fitwatch/\(script)").path] + arguments
        process.environment = environment()
        guard FileManager.default.createFile(atPath: stderr.path, contents: nil) else {
            throw RunError(description: "cannot create \(stderr.path)")
        }
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = try FileHandle(forWritingTo: stderr)
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        return process
    }

    /// Wait for `process` at most `seconds`; kill it and throw when it takes longer.
    static func wait(for process: Process, seconds: Double, stderr: URL) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            if Date() > deadline {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw RunError(description: "python ran longer than \(Int(seconds)) s and was killed; stderr: \(tail(of: stderr))")
            }
            usleep(20_000)
        }
    }

    /// The last lines of a log, for failure messages.
    static func tail(of url: URL, lines: Int = 12) -> String {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// A fresh temporary directory `fitwatch-<label>-<pid>-<random>`. The scenario streams
    /// are shared until the test process exits, so nothing removes them then: instead the
    /// directories of earlier test processes that are no longer running are removed here.
    static func temporaryDirectory(_ label: String) throws -> URL {
        let files = FileManager.default
        let parent = files.temporaryDirectory
        let prefix = "fitwatch-\(label)-"
        for name in (try? files.contentsOfDirectory(atPath: parent.path)) ?? [] where name.hasPrefix(prefix) {
            let pid = name.dropFirst(prefix.count).prefix { $0.isNumber }
            if let pid = Int32(pid), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                try? files.removeItem(at: parent.appendingPathComponent(name))
            }
        }
        let url = parent.appendingPathComponent("\(prefix)\(getpid())-\(UUID().uuidString.prefix(8))")
        try files.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
