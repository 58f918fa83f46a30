import Foundation

/// What travels over a host's one ssh connection. fitwatch asks, the remote POSIX shell loop
/// answers on stdout:
///
/// - `l` (list): `L`, then per root `R <index> <d|f|g|m>` (a directory, a file, a glob,
///   missing) followed by `wc -c` lines (`<size> <path>`; `<n> total` when several), then `E`.
/// - `r <id> <offset> <length> <path>` (read): `D <id> <offset> <length>`, exactly `length`
///   bytes (zero-padded if the file shrank meanwhile), then `K <id>` when the file still held
///   them, else `X <id>` (truncated: the bytes are dropped and the file is read again from 0).
///
/// Nothing is installed remotely: the loop is `sh`, `find`, `wc`, `tail`, `head` and `cat`.
/// It reads its commands from stdin, so it ends when the connection or fitwatch does.
enum RemoteProtocol {
    /// The remote script: constant; the depth and the roots travel as positional parameters,
    /// each quoted once for the remote login shell, so no character of a path is interpreted
    /// (a glob root is expanded, with field splitting off, and nothing else).
    static let script: String = {
        let names = "\\( -name '*.log' -o -name '*.txt' -o -name '*.out' -o -name '*.csv' -o -name '*.jsonl' -o -name 'events.out.tfevents*' \\)"
        let find = "find \"$f\" -maxdepth \"$d\" -type f \(names) -exec wc -c -- {} + 2>/dev/null"
        return [
            "d=$1; shift",
            "g() { o=$IFS; IFS=; set -- $1; IFS=$o; k=$#; for f in \"$@\"; do if [ -f \"$f\" ]; then set -- \"$@\" \"$f\"; elif [ -d \"$f\" ]; then \(find); fi; done; shift $k; [ $# -gt 0 ] && wc -c -- \"$@\" 2>/dev/null; }",
            "echo \(SSHTarget.readyMarker) >&2",
            "while IFS= read -r c; do case $c in",
            "l) echo L; i=0; for f in \"$@\"; do if [ -d \"$f\" ]; then echo \"R $i d\"; \(find); elif [ -f \"$f\" ]; then echo \"R $i f\"; wc -c -- \"$f\" 2>/dev/null; else case $f in *[*?[]*) echo \"R $i g\"; g \"$f\";; *) echo \"R $i m\";; esac; fi; i=$((i+1)); done; echo E;;",
            "r\\ *) a=${c#r }; n=${a%% *}; a=${a#* }; o=${a%% *}; a=${a#* }; z=${a%% *}; p=${a#* }; echo \"D $n $o $z\"; { tail -c \"+$((o+1))\" -- \"$p\" 2>/dev/null | head -c \"$z\"; cat /dev/zero; } | head -c \"$z\"; s=$(wc -c < \"$p\" 2>/dev/null); if [ $((s+0)) -ge $((o+z)) ]; then echo \"K $n\"; else echo \"X $n\"; fi;;",
            "esac; done",
        ].joined(separator: "\n")
    }()

    /// The remote command line: `exec sh -c SCRIPT fitwatch DEPTH ROOT...`.
    static func command(depth: Int, roots: [String]) -> String {
        (["exec sh -c", SSHTarget.shellQuoted(script), "fitwatch", String(depth)] + roots.map(SSHTarget.shellQuoted))
            .joined(separator: " ")
    }

    /// A read request; nil for a path the line protocol cannot carry (a newline in it).
    static func read(id: Int, offset: UInt64, length: Int, path: String) -> String? {
        guard !path.contains("\n") else { return nil }
        return "r \(id) \(offset) \(length) \(path)\n"
    }

    /// How a root turned out on the remote side.
    enum RootKind: Character, Equatable {
        case directory = "d", file = "f", glob = "g", missing = "m"
    }

    /// One thing the remote side said.
    enum Frame: Equatable {
        case listStart
        case root(index: Int, kind: RootKind)
        case file(size: UInt64, path: String)
        case listEnd
        case data(id: Int, offset: UInt64, bytes: [UInt8])
        case dataEnd(id: Int, intact: Bool)
        /// A line that is none of these (a remote shell's noise): ignored, kept for errors.
        case other(String)
    }

    /// Bytes in, frames out, whatever the chunking.
    struct Parser {
        private var line: [UInt8] = []
        private var body: (id: Int, offset: UInt64, remaining: Int, bytes: [UInt8])?

        mutating func feed(_ chunk: some Collection<UInt8>) -> [Frame] {
            var frames: [Frame] = []
            var rest = Array(chunk)[...]
            while !rest.isEmpty {
                if var current = body {
                    let take = min(current.remaining, rest.count)
                    current.bytes += rest.prefix(take)
                    current.remaining -= take
                    rest = rest.dropFirst(take)
                    if current.remaining == 0 {
                        frames.append(.data(id: current.id, offset: current.offset, bytes: current.bytes))
                        body = nil
                    } else {
                        body = current
                    }
                    continue
                }
                guard let newline = rest.firstIndex(of: 10) else {
                    line += rest
                    rest = rest[rest.endIndex...]
                    break
                }
                line += rest[..<newline]
                rest = rest[(newline + 1)...]
                let text = String(decoding: line, as: UTF8.self)
                line = []
                if let frame = Self.parse(text) {
                    if case .data(let id, let offset, let bytes) = frame, bytes.isEmpty, let length = Self.length(text) {
                        if length == 0 {
                            frames.append(frame)
                        } else {
                            body = (id, offset, length, [])
                        }
                    } else {
                        frames.append(frame)
                    }
                }
            }
            return frames
        }

        private static func length(_ text: String) -> Int? {
            let parts = text.split(separator: " ")
            return parts.count == 4 ? Int(parts[3]) : nil
        }

        static func parse(_ text: String) -> Frame? {
            if text == "L" { return .listStart }
            if text == "E" { return .listEnd }
            let parts = text.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
            switch parts.first.map(String.init) ?? "" {
            case "R" where parts.count == 3:
                if let index = Int(parts[1]), let character = parts[2].first, parts[2].count == 1,
                   let kind = RootKind(rawValue: character) {
                    return .root(index: index, kind: kind)
                }
            case "D" where parts.count == 4:
                if let id = Int(parts[1]), let offset = UInt64(parts[2]), Int(parts[3]) != nil {
                    return .data(id: id, offset: offset, bytes: [])
                }
            case "K" where parts.count == 2, "X" where parts.count == 2:
                if let id = Int(parts[1]) { return .dataEnd(id: id, intact: parts[0] == "K") }
            default: break
            }
            // `wc -c`: optional leading blanks, the size, one blank, the path verbatim.
            let trimmed = text.drop { $0 == " " || $0 == "\t" }
            if let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }), let size = UInt64(trimmed[..<space]) {
                let path = String(trimmed[trimmed.index(after: space)...])
                if path == "total" || path.isEmpty { return nil }
                return .file(size: size, path: path)
            }
            return text.isEmpty ? nil : .other(text)
        }
    }
}
