import Foundation
import Monitor

/// Where the monitor's `PersistedState` lives between starts: one file per source set under
/// `$XDG_STATE_HOME/fitwatch/` (`~/.local/state/fitwatch/` when unset), named by a hash of
/// the normalised source arguments. Reading never fails the start: a missing file is the
/// defaults, an unreadable or corrupt one is ignored with a note printed after the screen
/// closes. Writing is atomic (a temporary file in the same directory, then rename).
struct StateStore {
    /// The state file of this source set.
    let url: URL

    /// The store for `sources` (each feed's id: a path as typed, `stdin`, a host, a command).
    init?(sources: [String], environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let directory = Self.directory(environment: environment) else { return nil }
        url = directory.appendingPathComponent(PersistedState.fileName(sources: sources.map(Self.normalised)))
    }

    /// `$XDG_STATE_HOME/fitwatch`, or `$HOME/.local/state/fitwatch`; the XDG spec says a
    /// relative `XDG_STATE_HOME` is invalid and to be ignored.
    static func directory(environment: [String: String]) -> URL? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return URL(fileURLWithPath: state).appendingPathComponent("fitwatch")
        }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        return URL(fileURLWithPath: home).appendingPathComponent(".local/state/fitwatch")
    }

    /// A source argument as the same source however it was typed: an existing local path
    /// made absolute with `.`, `..` and symlinks resolved; anything else (stdin, ssh, a
    /// command, the demo) as it is.
    static func normalised(_ source: String) -> String {
        guard !source.isEmpty, FileManager.default.fileExists(atPath: source) else { return source }
        return URL(fileURLWithPath: source).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// What reading gave: the saved state (nil when there is none yet) or why it was not used.
    enum Loaded {
        case none
        case state(PersistedState)
        case ignored(String)
    }

    func load() -> Loaded {
        guard FileManager.default.fileExists(atPath: url.path) else { return .none }
        guard let data = try? Data(contentsOf: url) else { return .ignored("fitwatch: state file \(url.path) is unreadable; started with defaults") }
        guard let text = String(data: data, encoding: .utf8) else {
            return .ignored("fitwatch: state file \(url.path) is not UTF-8 text; started with defaults")
        }
        do {
            return .state(try PersistedState(decoding: text))
        } catch {
            return .ignored("fitwatch: state file \(url.path): \(error.description); started with defaults")
        }
    }

    /// Write `state`; returns why it could not (one line), nil when it was saved.
    func save(_ state: PersistedState) -> String? {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(state.encoded().utf8).write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                return "fitwatch: could not save the screen state to \(url.path): \(reason)"
            }
            return nil
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            return "fitwatch: could not save the screen state to \(url.path): \(error.localizedDescription)"
        }
    }
}
