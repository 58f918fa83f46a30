import Foundation

/// A remote log: `user@host:/path`, `host:path`, `user@[::1]:/path` or
/// `ssh://user@host:port/path`, and the
/// command that follows it on the remote side.
public struct SSHTarget: Sendable, Equatable {
    public var user: String?
    public var host: String
    public var port: Int?
    public var path: String

    public init(user: String? = nil, host: String, port: Int? = nil, path: String) {
        self.user = user
        self.host = host
        self.port = port
        self.path = path
    }

    /// Parse a source argument; nil when it is not remote. `scp`-style needs a `:` before any
    /// `/` (so `./a:b.log` and `/tmp/x:y` stay local), like scp itself.
    public static func parse(_ argument: String) throws -> SSHTarget? {
        if argument.hasPrefix("ssh://") {
            let rest = argument.dropFirst("ssh://".count)
            guard let slash = rest.firstIndex(of: "/") else {
                throw FeedFactory.BadSource("fitwatch: \(argument): an ssh:// source needs a path (ssh://user@host:port/path)")
            }
            var authority = String(rest[..<slash])
            let path = String(rest[slash...])
            var user: String?
            if let at = authority.lastIndex(of: "@") {
                user = String(authority[..<at])
                authority = String(authority[authority.index(after: at)...])
            }
            var port: Int?
            if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
                guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                    throw FeedFactory.BadSource("fitwatch: \(argument): the port must be a number from 1 to 65535")
                }
                port = number
                authority = String(authority[..<colon])
            }
            if authority.hasPrefix("["), authority.hasSuffix("]") { authority = String(authority.dropFirst().dropLast()) }
            guard !authority.isEmpty else { throw FeedFactory.BadSource("fitwatch: \(argument): no host") }
            return SSHTarget(user: user?.isEmpty == false ? user : nil, host: authority, port: port,
                             path: path.removingPercentEscapes())
        }
        // The first `:` outside brackets ends the host (`me@[::1]:/runs/x.log` for IPv6, as
        // scp writes it); a `/` before it makes the argument a local path.
        var colon: String.Index?
        var depth = 0
        for index in argument.indices {
            switch argument[index] {
            case "[": depth += 1
            case "]": depth = max(0, depth - 1)
            case "/" where depth == 0: return nil
            case ":" where depth == 0: colon = index
            default: break
            }
            if colon != nil { break }
        }
        guard let colon else { return nil }
        var authority = String(argument[..<colon])
        let path = String(argument[argument.index(after: colon)...])
        guard !authority.isEmpty else { return nil }
        var user: String?
        if let at = authority.lastIndex(of: "@") {
            user = String(authority[..<at])
            authority = String(authority[authority.index(after: at)...])
        }
        if authority.hasPrefix("["), authority.hasSuffix("]") { authority = String(authority.dropFirst().dropLast()) }
        guard !authority.isEmpty else { throw FeedFactory.BadSource("fitwatch: \(argument): no host") }
        guard !path.isEmpty else { throw FeedFactory.BadSource("fitwatch: \(argument): no remote path after ':'") }
        return SSHTarget(user: user, host: authority, port: nil, path: path)
    }

    /// `user@host` (or `host`) as ssh takes it.
    public var destination: String { user.map { "\($0)@\(host)" } ?? host }

    /// How the source is named on screen: the argument's form (an IPv6 host in brackets).
    public var displayName: String {
        let shown = host.contains(":") ? "[\(host)]" : host
        let named = user.map { "\($0)@\(shown)" } ?? shown
        return port.map { "ssh://\(named):\($0)\(path)" } ?? "\(named):\(path)"
    }

    /// Exit codes the remote script uses for a missing or unreadable file (sysexits' NOINPUT
    /// and NOPERM), so they are told apart from ssh's own 255.
    static let missingFileStatus: Int32 = 66
    static let unreadableFileStatus: Int32 = 77
    /// Printed on stderr once the remote side runs: the connection is live.
    static let readyMarker = "fitwatch-remote-ready"

    /// The remote command: checks the file, says it is ready, then follows it from byte
    /// `offset` with `tail -F` while reading stdin; when the connection drops or fitwatch ends,
    /// stdin ends and the tail is killed, so nothing stays behind on the remote machine.
    /// The script is constant; the path travels as a positional parameter quoted once for the
    /// remote login shell, so no character in it is ever interpreted.
    public func remoteCommand(offset: UInt64) -> String {
        let script = [
            "p=\"$1\"",
            "[ -e \"$p\" ] || { echo \"fitwatch: no such file: $p\" >&2; exit \(Self.missingFileStatus); }",
            "[ -r \"$p\" ] || { echo \"fitwatch: permission denied: $p\" >&2; exit \(Self.unreadableFileStatus); }",
            "echo \(Self.readyMarker) >&2",
            "tail -c \"+$2\" -F -- \"$p\" & t=$!",
            "cat >/dev/null",
            "kill \"$t\" 2>/dev/null",
        ].joined(separator: "; ")
        return "exec sh -c \(SSHTarget.shellQuoted(script)) fitwatch \(SSHTarget.shellQuoted(path)) \(offset + 1)"
    }

    /// Single-quote for a POSIX shell: `it's` -> `'it'\''s'`.
    public static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension String {
    /// `%20` -> space, for paths in `ssh://` URLs; invalid escapes stay as written.
    fileprivate func removingPercentEscapes() -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
