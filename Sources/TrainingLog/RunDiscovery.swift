/// The rules that turn a listing of files (a local directory walk, a glob, a remote `find`)
/// into runs: which file is a run, which event files make one TensorBoard run (a `train/` and
/// `validation/` pair is one run), what a run is called, and how many are followed. Pure:
/// paths in, runs out, so the local and the remote side decide the same way.
public enum RunDiscovery {
    /// One run found under a root.
    public struct Run: Sendable, Equatable {
        /// A log file (Keras output, CSVLogger, callback stream) or a TensorBoard run folder.
        public var kind: DirectoryRun.Kind
        /// The log file, or the TensorBoard run folder, as listed (root-joined).
        public var path: String
        /// The path relative to the root given (`b/train.log`, `lr=0.01,bs=32`).
        public var name: String
        /// A TensorBoard run's event files by group (training first); empty for a log.
        public var groups: [DirectoryRun.Group]

        public init(kind: DirectoryRun.Kind, path: String, name: String, groups: [DirectoryRun.Group] = []) {
            self.kind = kind
            self.path = path
            self.name = name
            self.groups = groups
        }

        /// The group (metric prefix) an event file of this run belongs to.
        public func prefix(ofEventFile file: String) -> String? {
            groups.first { $0.files.contains(file) }?.prefix
        }
    }

    /// How far and how many: a bound on the walk and on what is followed.
    public struct Limits: Sendable, Equatable {
        /// Folder levels below the root looked into: `runs/<sweep>/<name>/train/events…` is 4.
        public var maxDepth: Int
        /// Runs followed at most per root; the rest are named in a note.
        public var maxRuns: Int

        public init(maxDepth: Int = 4, maxRuns: Int = 2000) {
            self.maxDepth = maxDepth
            self.maxRuns = maxRuns
        }
    }

    /// What a listing made: the runs (sorted by name) and what was left out.
    public struct Result: Sendable, Equatable {
        public var runs: [Run]
        /// Runs beyond `maxRuns`, not followed.
        public var dropped: Int
        /// The walk met folders deeper than `maxDepth` and did not look inside.
        public var tooDeep: Bool

        public init(runs: [Run], dropped: Int = 0, tooDeep: Bool = false) {
            self.runs = runs
            self.dropped = dropped
            self.tooDeep = tooDeep
        }
    }

    /// The file name of a run: a log (`*.log`, `*.txt`, `*.out`, `*.csv`, `*.jsonl`) or a
    /// TensorBoard event file. Hidden files are never runs.
    public static func isRunFile(_ name: String) -> Bool {
        guard !name.hasPrefix(".") else { return false }
        return DirectoryRun.isEventFile(name) || DirectoryRun.logExtensions.contains(fileExtension(name))
    }

    /// `train.LOG` -> `log`; `` when there is no dot (or only a leading one).
    static func fileExtension(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...]).lowercased()
    }

    /// The folder part of a path (`a/b/c` -> `a/b`, `c` -> `.`, `/c` -> `/`).
    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func lastComponent(_ path: String) -> Substring {
        guard let slash = path.lastIndex(of: "/") else { return path[...] }
        return path[path.index(after: slash)...]
    }

    /// `runs/` and `runs` are the same folder; `./x` is `x`.
    public static func normalized(_ path: String) -> String {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        while path.hasPrefix("./"), path.count > 2 { path.removeFirst(2) }
        return path
    }

    /// The TensorBoard run an event file belongs to and its group: `R/train/events…` and
    /// `R/events…` are R's training scalars, `R/validation/events…` its validation ones
    /// (`val_`). Never above `root`: an event file directly in the root is the root's run.
    public static func tensorBoardRun(ofEventFile file: String, root: String) -> (folder: String, prefix: String) {
        let folder = parent(file)
        if normalized(folder) == normalized(root) { return (folder, "") }
        switch lastComponent(folder) {
        case "train": return (parent(folder), "")
        case "validation": return (parent(folder), "val_")
        default: return (folder, "")
        }
    }

    /// `path` relative to `root` (`runs/` + `runs/b/train.log` -> `b/train.log`); the root
    /// itself is named as given.
    public static func relativeName(_ path: String, root: String) -> String {
        let base = normalized(root), full = normalized(path)
        if full == base { return root }
        if base == "." { return full }
        let prefix = base == "/" ? "/" : base + "/"
        return full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : full
    }

    /// The runs among `files` (paths under `root`, as listed): each log file is a run, event
    /// files are grouped into TensorBoard runs. Sorted by name; past `limits.maxRuns` the
    /// rest are counted in `dropped`. Hidden files and folders (below the root) are skipped.
    /// A file in `explicit` (matched by a glob the user gave) is a run whatever its name.
    public static func runs(files: [String], root: String, explicit: Set<String> = [], limits: Limits = Limits(),
                            tooDeep: Bool = false) -> Result {
        var runs: [Run] = []
        var tensorBoard: [String: [String: [String]]] = [:]  // folder -> prefix -> files
        for file in files {
            let name = relativeName(file, root: root)
            if name != root, name.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            let base = String(lastComponent(file))
            guard isRunFile(base) || explicit.contains(file) else { continue }
            if DirectoryRun.isEventFile(base) {
                let (folder, prefix) = tensorBoardRun(ofEventFile: file, root: root)
                tensorBoard[folder, default: [:]][prefix, default: []].append(file)
            } else {
                runs.append(Run(kind: .log, path: file, name: name))
            }
        }
        for (folder, byPrefix) in tensorBoard {
            let groups = ["", "val_"].compactMap { prefix in
                byPrefix[prefix].map { DirectoryRun.Group(prefix: prefix, files: $0.sorted()) }
            }
            runs.append(Run(kind: .tensorBoard, path: folder, name: relativeName(folder, root: root), groups: groups))
        }
        runs.sort { $0.name < $1.name || ($0.name == $1.name && $0.path < $1.path) }
        let dropped = max(0, runs.count - limits.maxRuns)
        if dropped > 0 { runs.removeLast(dropped) }
        return Result(runs: runs, dropped: dropped, tooDeep: tooDeep)
    }

    /// The one line said when a bound was reached, or nil.
    public static func note(_ result: Result, root: String, limits: Limits) -> String? {
        var parts: [String] = []
        if result.dropped > 0 {
            parts.append("\(result.runs.count + result.dropped) runs found, following the first \(limits.maxRuns) by name")
        }
        if result.tooDeep {
            parts.append("not looking deeper than \(limits.maxDepth) folders (name a deeper folder to see its runs)")
        }
        return parts.isEmpty ? nil : "\(root): " + parts.joined(separator: "; ")
    }

    /// A run's name on screen and in `--jsonl`: with its host in front when runs of several
    /// hosts are shown together (`gpu1:b/train.log`).
    public static func displayName(_ name: String, host: String?, severalHosts: Bool) -> String {
        guard let host, severalHosts else { return name }
        return "\(host):\(name)"
    }

    /// What goes in front of the names of a local root's runs: nothing when it is the only
    /// directory or glob given, else the root itself (`a/` + `b/train.log`), so that runs of two
    /// roots never share a name. The screen, `--jsonl`, `export` and `check` all name runs so.
    public static func rootPrefix(_ source: String, localRoots: Int) -> String {
        guard localRoots > 1 else { return "" }
        return normalized(isGlob(source) ? PathGlob(source).root : source) + "/"
    }

    /// Whether a source argument is a glob pattern (`runs/*/train.log`).
    public static func isGlob(_ text: String) -> Bool {
        text.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }
}

/// A shell-style glob over paths (`runs/*/train.log`, `slurm-*.out`): `*`, `?` and `[...]`
/// (`[!...]` negated) within one path component; a leading `.` is matched only literally.
public struct PathGlob: Sendable, Equatable {
    /// The pattern as given.
    public let pattern: String
    /// The folder before the first component with a wildcard: the walk starts there and run
    /// names are relative to it (`runs/*/train.log` -> `runs`).
    public let root: String
    /// The components after the root.
    let components: [Substring]

    public init(_ pattern: String) {
        self.pattern = pattern
        let absolute = pattern.hasPrefix("/")
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: true)
        let firstWild = parts.firstIndex { RunDiscovery.isGlob(String($0)) } ?? parts.count
        let fixed = parts[..<firstWild].joined(separator: "/")
        root = absolute ? "/" + fixed : (fixed.isEmpty ? "." : fixed)
        components = Array(parts[firstWild...])
    }

    /// Folder levels below the root the pattern reaches.
    public var depth: Int { components.count }

    /// Whether `path` (root-joined, as listed) matches the whole pattern.
    public func matches(_ path: String) -> Bool {
        let relative = RunDiscovery.relativeName(path, root: root)
        let parts = relative.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == components.count else { return false }
        return zip(parts, components).allSatisfy { PathGlob.match(Array($0.0.utf8)[...], Array($0.1.utf8)[...]) }
    }

    /// Whether `path` is a prefix (a folder on the way) of some match.
    public func mayContain(_ folder: String) -> Bool {
        let relative = RunDiscovery.relativeName(folder, root: root)
        if RunDiscovery.normalized(folder) == RunDiscovery.normalized(root) { return true }
        let parts = relative.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count < components.count else { return false }
        return zip(parts, components).allSatisfy { PathGlob.match(Array($0.0.utf8)[...], Array($0.1.utf8)[...]) }
    }

    /// One component against one pattern component.
    static func match(_ name: ArraySlice<UInt8>, _ pattern: ArraySlice<UInt8>) -> Bool {
        if name.first == UInt8(ascii: "."), pattern.first != UInt8(ascii: ".") { return false }
        return matchFrom(name, pattern)
    }

    private static func matchFrom(_ name: ArraySlice<UInt8>, _ pattern: ArraySlice<UInt8>) -> Bool {
        var n = name, p = pattern
        while let head = p.first {
            switch head {
            case UInt8(ascii: "*"):
                p = p.dropFirst()
                if p.isEmpty { return true }
                var rest = n
                while true {
                    if matchFrom(rest, p) { return true }
                    guard !rest.isEmpty else { return false }
                    rest = rest.dropFirst()
                }
            case UInt8(ascii: "?"):
                guard !n.isEmpty else { return false }
                n = n.dropFirst(); p = p.dropFirst()
            case UInt8(ascii: "["):
                guard let close = p.dropFirst(2).firstIndex(of: UInt8(ascii: "]")), let c = n.first else {
                    // No closing bracket: a literal `[`.
                    guard n.first == head else { return false }
                    n = n.dropFirst(); p = p.dropFirst()
                    continue
                }
                var set = p[(p.startIndex + 1)..<close]
                let negated = set.first == UInt8(ascii: "!") || set.first == UInt8(ascii: "^")
                if negated { set = set.dropFirst() }
                var found = false
                var items = set
                while let first = items.first {
                    items = items.dropFirst()
                    if items.count >= 2, items.first == UInt8(ascii: "-") {
                        let last = items[items.startIndex + 1]
                        if first <= c && c <= last { found = true }
                        items = items.dropFirst(2)
                    } else if first == c {
                        found = true
                    }
                }
                guard found != negated else { return false }
                n = n.dropFirst(); p = p[(close + 1)...]
            default:
                guard n.first == head else { return false }
                n = n.dropFirst(); p = p.dropFirst()
            }
        }
        return n.isEmpty
    }
}
