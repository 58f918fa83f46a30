import Foundation
import TestSupport

/// Runs the built `fitwatch` binary for the sources' end-to-end tests, with a deadline.
struct FeedsCLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// stdout's lines parsed as JSON objects (`--jsonl`).
        var objects: [[String: Any]] {
            stdout.split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
            }
        }
        /// The `runs` of a `{"runs":[…]}` document on stdout (`export`, `check --json`).
        var runs: [[String: Any]] {
            ((try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any])?["runs"] as? [[String: Any]] ?? []
        }
    }

    /// The binary next to the test bundle (`swift build` puts both in the same folder).
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fitwatch")
    }

    /// Run fitwatch; `whileRunning` gets the process once it started (to send signals), and a
    /// process that follows forever is ended with SIGTERM once its stdout so far passes
    /// `stopWhen`. Killed after `timeout` seconds so a hang fails the test instead of stalling
    /// the suite.
    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                    timeout: Double = 30, whileRunning: ((Process) -> Void)? = nil,
                    stopWhen: ((String) -> Bool)? = nil) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fitwatch-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Files, not pipes: nothing can block on a full pipe while the test waits.
        let out = directory.appendingPathComponent("out"), err = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        if let stdin {
            let input = directory.appendingPathComponent("in")
            try Data(stdin.utf8).write(to: input)
            process.standardInput = try FileHandle(forReadingFrom: input)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        whileRunning?(process)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            if let stopWhen, stopWhen((try? String(contentsOf: out, encoding: .utf8)) ?? "") {
                kill(process.processIdentifier, SIGTERM)
                process.waitUntilExit()
                break
            }
            usleep(10_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw CLIFailure("fitwatch \(arguments.joined(separator: " ")) did not end within \(timeout) s")
        }
        return Result(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Wait until `path` holds `text` (the wrapped command says it is ready), with a deadline.
    static func waitFor(_ text: String, in path: String, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let content = try? String(contentsOfFile: path, encoding: .utf8), content.contains(text) { return true }
            usleep(20_000)
        }
        return false
    }

    struct CLIFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
