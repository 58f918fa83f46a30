import Foundation

/// The tools the tests and benchmarks run (tmux, sshd, ssh, ssh-keygen, script…), found the
/// way a shell finds them rather than at a path of one machine: an environment variable that
/// names the file (`FITWATCH_SSHD=/opt/ssh/sbin/sshd`), else the directories of `PATH`, else
/// their `sbin` siblings (`/usr/bin` → `/usr/sbin`: sshd lives there and is not on a user's
/// PATH).
public enum Executable {
    /// The tool's absolute path, or nil when it is not installed.
    public static func find(_ name: String, variable: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let manager = FileManager.default
        if let variable, let path = environment[variable], !path.isEmpty {
            return manager.isExecutableFile(atPath: path) ? path : nil
        }
        let directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init).filter { $0.hasPrefix("/") }
        let sbin = directories.compactMap { directory -> String? in
            guard directory.hasSuffix("/bin") else { return nil }
            return String(directory.dropLast(3)) + "sbin"
        }
        for directory in directories + sbin where manager.isExecutableFile(atPath: directory + "/" + name) {
            return directory + "/" + name
        }
        return nil
    }
}
