import Foundation

/// What a directory means wherever fitwatch reads one (`fitwatch DIR`, `replay`, `export`,
/// `check`): the most recently written run under it, at most `maxDepth` levels down. A run is
/// a log file (`*.log`, `*.txt`, `*.out`, `*.csv`, `*.jsonl`) or a TensorBoard run: a folder
/// whose event files sit in it or in its `train/` and `validation/` folders, read together.
/// A TensorBoard run is as new as its newest event file; ties go to the later path.
public struct DirectoryRun: Sendable, Equatable {
    /// The kind of run found.
    public enum Kind: Sendable, Equatable {
        case log, tensorBoard
    }

    /// The event files of one group of a TensorBoard run, read with one metric-name prefix.
    public struct Group: Sendable, Equatable {
        /// `""` for `train/` and event files directly in the run folder, `"val_"` for `validation/`.
        public var prefix: String
        /// The event files, sorted by name (the order TensorBoard wrote them).
        public var files: [String]

        public init(prefix: String, files: [String]) {
            self.prefix = prefix
            self.files = files
        }
    }

    /// A log file or a TensorBoard run.
    public var kind: Kind
    /// The log file, or the TensorBoard run folder.
    public var path: String
    /// A TensorBoard run's event files by group (training first); empty for a log.
    public var groups: [Group]

    /// File extensions that hold a training log.
    public static let logExtensions: Set<String> = ["log", "txt", "out", "csv", "jsonl"]
    /// How deep to look: `runs/<name>/train/events...` is three levels.
    public static let maxDepth = 3
    /// The rule, for messages and help.
    public static let rule = "the newest *.log, *.txt, *.out, *.csv or *.jsonl file or TensorBoard run, up to 3 levels down"

    /// Whether `name` is a TensorBoard event file.
    public static func isEventFile(_ name: String) -> Bool { name.hasPrefix("events.out.tfevents") }

    /// The newest run under `directory`, or nil when it holds none.
    public static func newest(in directory: String) -> DirectoryRun? {
        let manager = FileManager.default
        var best: (kind: Kind, path: String, date: Date)?
        var runDates: [String: Date] = [:]
        func consider(_ kind: Kind, _ path: String, _ date: Date) {
            if best == nil || date > best!.date || (date == best!.date && path > best!.path) { best = (kind, path, date) }
        }
        func visit(_ folder: String, depth: Int) {
            guard depth <= maxDepth, let names = try? manager.contentsOfDirectory(atPath: folder) else { return }
            for name in names.sorted() where !name.hasPrefix(".") {
                // String joins, not NSString path APIs, which trap on one-character names.
                let path = join(folder, name)
                guard let attributes = try? manager.attributesOfItem(atPath: path) else { continue }
                if attributes[.type] as? FileAttributeType == .typeDirectory {
                    visit(path, depth: depth + 1)
                    continue
                }
                guard let date = attributes[.modificationDate] as? Date else { continue }
                if isEventFile(name) {
                    // The run folder, but never above the directory asked about.
                    let root = depth == 0 ? folder : runFolder(ofEventFileIn: folder)
                    runDates[root] = max(runDates[root] ?? .distantPast, date)
                } else if logExtensions.contains(URL(fileURLWithPath: name).pathExtension.lowercased()) {
                    consider(.log, path, date)
                }
            }
        }
        visit(directory, depth: 0)
        for (root, date) in runDates { consider(.tensorBoard, root, date) }
        guard let best else { return nil }
        return DirectoryRun(kind: best.kind, path: best.path, groups: best.kind == .tensorBoard ? groups(ofRun: best.path) : [])
    }

    /// The run folder an event file in `folder` belongs to: the parent of `train/` or
    /// `validation/`, else the folder itself.
    static func runFolder(ofEventFileIn folder: String) -> String {
        let trimmed = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        guard let slash = trimmed.lastIndex(of: "/") else {
            return trimmed == "train" || trimmed == "validation" ? "." : trimmed
        }
        let last = trimmed[trimmed.index(after: slash)...]
        guard last == "train" || last == "validation" else { return trimmed }
        let parent = String(trimmed[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    /// The event files of the TensorBoard run in `folder`, as they are now (a followed run
    /// asks again to find files that appeared since).
    public static func groups(ofRun folder: String) -> [Group] {
        let train = eventFiles(in: join(folder, "train")) + eventFiles(in: folder)
        let validation = eventFiles(in: join(folder, "validation"))
        return [Group(prefix: "", files: train), Group(prefix: "val_", files: validation)].filter { !$0.files.isEmpty }
    }

    private static func eventFiles(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter(isEventFile).sorted().map { join(folder, $0) }
    }

    private static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// `path` as the user reads it under `directory`: `runs/` + `b/train.log` is `b/train.log`;
    /// a TensorBoard run says so (`fit/1 (TensorBoard: train, validation)`).
    public func shown(under directory: String) -> String {
        var base = directory.hasSuffix("/") ? directory : directory + "/"
        if base == "./" { base = "" }
        var relative = !base.isEmpty && path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
        if relative.isEmpty || path == directory { relative = "." }
        guard kind == .tensorBoard else { return relative }
        let parts = groups.map { $0.prefix.isEmpty ? "train" : "validation" }
        return "\(relative) (TensorBoard: \(parts.joined(separator: ", ")))"
    }
}
