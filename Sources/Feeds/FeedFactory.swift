/// Turns a command-line source argument into a feed: a path, a directory, `-`,
/// `user@host:/path`, `ssh://user@host:port/path`. Owned by the sources work (issue 6).
public enum FeedFactory {
    /// A one-line error naming what and where.
    public struct BadSource: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    public static func make(argument: String, format: String?) throws -> any Feed {
        throw BadSource("fitwatch: cannot follow \(argument): sources are not built yet")
    }
}
