import Foundation
import TrainingLog

/// Turns a command-line source argument into a feed: a path, a directory, `-`,
/// `user@host:/path`, `ssh://user@host:port/path`.
public enum FeedFactory {
    /// A one-line error naming what and where.
    public struct BadSource: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// What kind of source an argument names.
    public enum Kind: Equatable, Sendable {
        case standardInput
        case file(String)
        case directory(String)
        case remote(SSHTarget)
    }

    /// Classify an argument. A local path that exists wins over the `host:path` reading, so
    /// `run:3.log` in the current directory is a file.
    public static func kind(of argument: String) throws -> Kind {
        if argument == "-" { return .standardInput }
        guard !argument.isEmpty else { throw BadSource("fitwatch: an empty source argument") }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory)
        if exists { return isDirectory.boolValue ? .directory(argument) : .file(argument) }
        if let target = try SSHTarget.parse(argument) { return .remote(target) }
        // A file that is not there yet: followed once it appears, like `tail -F`.
        return .file(argument)
    }

    /// A `--format` value, or nil to detect it.
    public static func format(_ name: String?) throws -> LogFormat? {
        guard let name else { return nil }
        guard let format = LogFormat(userFacing: name) else {
            let known = LogFormat.userFacing.map(\.rawValue).joined(separator: ", ")
            throw BadSource("fitwatch: unknown --format '\(name)' (known: \(known))")
        }
        return format
    }

    /// Fresh readers for a source: the format-detecting reader, or the forced format.
    public static func readerMaker(format: LogFormat?) -> ReaderMaker {
        { AutoReader(format: format) }
    }

    public static func make(argument: String, format: String?) throws -> any Feed {
        let forced = try self.format(format)
        let makeReader = readerMaker(format: forced)
        switch try kind(of: argument) {
        case .standardInput:
            return DescriptorFeed.standardInput(makeReader: makeReader)
        case .file(let path):
            return FileFeed(path: path, makeReader: makeReader)
        case .directory(let path):
            return DirectoryFeed(directory: path, makeReader: makeReader)
        case .remote(let target):
            return SSHFeed(target: target, makeReader: makeReader)
        }
    }
}
