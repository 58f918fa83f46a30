import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A whole log read from disk: what `export`, `check` and replay start from.
public struct LoadedLog: Sendable {
    /// The path as given.
    public var path: String
    /// The format detected (or forced).
    public var format: LogFormat
    /// Every event, in order.
    public var events: [TrainingEvent]
}

/// Why a log could not be read; `description` is one line naming the path and the problem.
public struct LogLoadError: Error, CustomStringConvertible, Sendable {
    /// The path as given.
    public var path: String
    /// What went wrong, e.g. `no such file or directory`.
    public var problem: String
    /// `<path>: <problem>`.
    public var description: String { "\(path): \(problem)" }
}

/// Reads whole files and directories into events.
public enum LogLoader {
    /// Reads `path`: a log file of any supported format, or a directory: the run
    /// `DirectoryRun.newest(in:)` finds under it (a log file or a TensorBoard run, whose
    /// `train/` and `validation/` event files are merged), the same rule every command uses.
    public static func events(at path: String, format: LogFormat?) throws -> [TrainingEvent] {
        try load(at: path, format: format).events
    }

    /// Like `events(at:format:)`, with the format that was used. Holds every event: `replay`
    /// needs them all; `export` and `check` use `stream`, whose memory does not grow with the log.
    public static func load(at path: String, format: LogFormat?) throws -> LoadedLog {
        var events: [TrainingEvent] = []
        let used = try stream(at: path, format: format) { events += $0 }
        return LoadedLog(path: path, format: used, events: events)
    }

    /// Bytes per read when streaming a file: 256 KiB. The buffer and one read's events stay in
    /// a core's L2 cache; 1 MiB reads parsed 3-4 % slower, 64 KiB reads (more calls) 4 % slower.
    public static let readSize = 1 << 18

    /// Reads `path` as `load` does, but hands the events to `body` a read at a time (a file is
    /// read in `readSize` pieces through one streaming reader) instead of keeping them, so
    /// reading a 1 GB log takes the memory of one read. Returns the format used. `readSize`
    /// is for benchmarks comparing read sizes.
    @discardableResult
    public static func stream(at path: String, format: LogFormat?, readSize: Int = LogLoader.readSize,
                              _ body: ([TrainingEvent]) throws -> Void) throws -> LogFormat {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LogLoadError(path: path, problem: "no such file or directory")
        }
        if isDirectory.boolValue {
            let loaded = try loadDirectory(path, format: format)
            try body(loaded.events)
            return loaded.format
        }
        func unreadable() -> LogLoadError {
            LogLoadError(path: path, problem: "cannot be read (\(String(cString: strerror(errno))))")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw unreadable() }
        defer { close(descriptor) }
        var reader = AutoReader(format: format)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: readSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, readSize)
            if count < 0 {
                if errno == EINTR { continue }
                throw unreadable()
            }
            if count == 0 { break }
            let events = reader.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]).bindMemory(to: UInt8.self))
            if !events.isEmpty { try body(events) }
        }
        let last = reader.finish()
        if !last.isEmpty { try body(last) }
        return reader.format ?? .unknown
    }

    private static func readBytes(_ path: String) throws -> [UInt8] {
        guard FileManager.default.isReadableFile(atPath: path),
              let data = FileManager.default.contents(atPath: path) else {
            throw LogLoadError(path: path, problem: "cannot be read (permission denied or not a regular file)")
        }
        return [UInt8](data)
    }

    private static func loadDirectory(_ path: String, format: LogFormat?) throws -> LoadedLog {
        guard let run = DirectoryRun.newest(in: path) else {
            throw LogLoadError(path: path, problem: "directory holds no log file or TensorBoard run (looked for \(DirectoryRun.rule))")
        }
        switch run.kind {
        case .tensorBoard:
            return LoadedLog(path: path, format: .tensorBoard, events: try tensorBoardRun(run.groups.map { ($0.prefix, $0.files) }))
        case .log:
            var loaded = try load(at: run.path, format: format)
            loaded.path = path
            return loaded
        }
    }

    /// What a source path reads: itself for a file, the run `DirectoryRun` finds for a
    /// directory (so `export` names the file or TensorBoard run it read).
    public static func resolvedSource(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
              let run = DirectoryRun.newest(in: path) else { return path }
        return run.path
    }

    /// Merges the scalars of `train/` and `validation/` event files into one epoch per step.
    private static func tensorBoardRun(_ parts: [(prefix: String, files: [String])]) throws -> [TrainingEvent] {
        var merger = TensorBoardRunMerger()
        for part in parts { merger.expect(group: part.prefix) }
        var events: [TrainingEvent] = []
        for part in parts {
            for file in part.files {
                var reader = TensorBoardReader(prefix: part.prefix)
                events += merger.add(reader.feed(try readBytes(file)) + reader.finish(), group: part.prefix)
            }
        }
        return events + merger.finish()
    }
}
