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
        /// A local glob pattern no file is named by (`runs/*/train.log`).
        case glob(String)
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
        if RunDiscovery.isGlob(argument) { return .glob(argument) }
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
        case .directory(let path), .glob(let path):
            return DiscoveryFeed(root: path, makeReader: makeReader)
        case .remote(let target):
            return SSHHostFeed(host: target, roots: [.init(path: target.path)], makeReader: makeReader)
        }
    }

    /// The feeds for a whole command line: each local file, directory or glob its own feed;
    /// every remote argument of one host (user, host and port alike) in ONE `SSHHostFeed`, so
    /// one ssh process per host however many files. Runs are named by their path relative to
    /// the root given, with the host in front when several hosts are shown (local counting as
    /// one) and the root in front when one host has several directories or globs.
    public static func makeAll(arguments: [String], format: String?,
                               sshOptions: SSHFeed.Options = .init()) throws -> [any Feed] {
        let forced = try self.format(format)
        let makeReader = readerMaker(format: forced)
        let kinds = try arguments.map { try kind(of: $0) }
        struct HostKey: Hashable { var user: String?; var host: String; var port: Int? }
        var hostOrder: [HostKey] = []
        var rootsOfHost: [HostKey: [String]] = [:]
        var hasLocal = false
        var localRoots = 0
        for kind in kinds {
            switch kind {
            case .remote(let target):
                let key = HostKey(user: target.user, host: target.host, port: target.port)
                if rootsOfHost[key] == nil { hostOrder.append(key) }
                rootsOfHost[key, default: []].append(target.path)
            case .directory, .glob:
                hasLocal = true
                localRoots += 1
            default:
                hasLocal = true
            }
        }
        let severalHosts = hostOrder.count + (hasLocal ? 1 : 0) > 1
        var feeds: [any Feed] = []
        var hostFeeds: [HostKey: SSHHostFeed] = [:]
        for kind in kinds {
            switch kind {
            case .standardInput:
                feeds.append(DescriptorFeed.standardInput(makeReader: makeReader))
            case .file(let path):
                feeds.append(FileFeed(path: path, makeReader: makeReader))
            case .directory(let path), .glob(let path):
                feeds.append(DiscoveryFeed(root: path, namePrefix: RunDiscovery.rootPrefix(path, localRoots: localRoots), makeReader: makeReader))
            case .remote(let target):
                let key = HostKey(user: target.user, host: target.host, port: target.port)
                guard hostFeeds[key] == nil else { continue }
                var shown = target
                shown.path = ""
                let hostName = String(shown.displayName.dropLast())
                let roots = rootsOfHost[key] ?? []
                let discovering = roots.filter { $0.hasSuffix("/") || RunDiscovery.isGlob($0) }.count
                let feed = SSHHostFeed(host: target, roots: roots.map { root in
                    var prefix = RunDiscovery.displayName("", host: hostName, severalHosts: severalHosts)
                    if discovering > 1 { prefix += RunDiscovery.normalized(root) + "/" }
                    return SSHHostFeed.Root(path: root, namePrefix: prefix)
                }, options: sshOptions, makeReader: makeReader)
                hostFeeds[key] = feed
                feeds.append(feed)
            }
        }
        return feeds
    }
}
