import Foundation
import TrainingLog
#if canImport(Glibc)
import Glibc
#endif

/// A walk of a local directory or glob, bounded by depth, listing the files the discovery
/// rules (`RunDiscovery`) decide about and the folders to watch. readdir with the entry's
/// type, so 500 runs cost a few hundred syscalls, not a stat each.
public struct LocalListing: Sendable, Equatable {
    /// Candidate files, root-joined.
    public var files: [String] = []
    /// Files a glob matched (runs whatever their name).
    public var explicit: Set<String> = []
    /// Every folder looked into (the root first).
    public var folders: [String] = []
    /// Folders deeper than the limit were not looked into.
    public var tooDeep = false

    /// List `root` (a directory), or the matches of `glob` (walked from its root).
    public static func list(root: String, glob: PathGlob? = nil, limits: RunDiscovery.Limits = .init()) -> LocalListing {
        var listing = LocalListing()
        if let glob {
            listing.walkGlob(glob.root, glob: glob, depth: 0, limits: limits)
        } else {
            listing.walk(root, depth: 0, limits: limits)
        }
        return listing
    }

    /// The runs of a listing under `root`.
    public func runs(root: String, limits: RunDiscovery.Limits = .init()) -> RunDiscovery.Result {
        RunDiscovery.runs(files: files, root: root, explicit: explicit, limits: limits, tooDeep: tooDeep)
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The entries of a folder: name and whether it is a folder (nil: neither a folder nor
    /// a regular file).
    static func entries(_ folder: String) -> [(name: String, isFolder: Bool)] {
        guard let handle = opendir(folder) else { return [] }
        defer { closedir(handle) }
        var result: [(String, Bool)] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." || name.hasPrefix(".") { continue }
            var type = Int32(entry.pointee.d_type)
            if type == Int32(DT_UNKNOWN) || type == Int32(DT_LNK) {
                var status = stat()
                guard stat(join(folder, name), &status) == 0 else { continue }
                type = (status.st_mode & S_IFMT) == S_IFDIR ? Int32(DT_DIR) : ((status.st_mode & S_IFMT) == S_IFREG ? Int32(DT_REG) : 0)
            }
            if type == Int32(DT_DIR) { result.append((name, true)) } else if type == Int32(DT_REG) { result.append((name, false)) }
        }
        return result.sorted { $0.0 < $1.0 }
    }

    private mutating func walk(_ folder: String, depth: Int, limits: RunDiscovery.Limits) {
        folders.append(folder)
        for (name, isFolder) in LocalListing.entries(folder) {
            let path = LocalListing.join(folder, name)
            if isFolder {
                if depth + 1 > limits.maxDepth { tooDeep = true; continue }
                walk(path, depth: depth + 1, limits: limits)
            } else if RunDiscovery.isRunFile(name) {
                files.append(path)
            }
        }
    }

    private mutating func walkGlob(_ folder: String, glob: PathGlob, depth: Int, limits: RunDiscovery.Limits) {
        folders.append(folder)
        for (name, isFolder) in LocalListing.entries(folder) {
            let path = LocalListing.join(folder, name)
            if glob.matches(path) {
                if isFolder {
                    walk(path, depth: 0, limits: limits)
                } else {
                    files.append(path)
                    explicit.insert(path)
                }
            } else if isFolder, glob.mayContain(path) {
                walkGlob(path, glob: glob, depth: depth + 1, limits: limits)
            }
        }
    }
}
