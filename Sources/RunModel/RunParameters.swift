import TrainingLog

/// A run's hyper-parameters, from what the run states: `key=value` pieces in its name (its
/// directory and file names, `lr=0.01,bs=32`), the callback's header or a run spec
/// (`RunStart.parameters`), and the compiled model's optimizer. Pure; the runs table shows
/// them as columns, sorts and filters by them.
public enum RunParameters {
    /// One stated hyper-parameter.
    public struct Parameter: Sendable, Equatable, CustomStringConvertible {
        public var key: String
        public var value: String
        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
        /// `lr=0.01`.
        public var description: String { "\(key)=\(value)" }
    }

    /// Spellings of the common hyper-parameters folded into the short keys of `RunStart.Key`,
    /// so a name's `learning_rate=0.01` and a header's learning rate share one column.
    static let aliases: [String: String] = [
        "lr": RunStart.Key.learningRate, "learning_rate": RunStart.Key.learningRate,
        "learningrate": RunStart.Key.learningRate,
        "bs": RunStart.Key.batchSize, "batch_size": RunStart.Key.batchSize, "batchsize": RunStart.Key.batchSize,
        "batch": RunStart.Key.batchSize,
        "opt": RunStart.Key.optimizer, "optimizer": RunStart.Key.optimizer, "optim": RunStart.Key.optimizer,
        "epochs": RunStart.Key.epochs,
    ]

    /// Keys a lone `key-value` piece may use (`lr-0.01`); any other key needs a second piece
    /// of the same form beside it (`depth-4_width-128`), so `resnet-50` stays a name.
    static let knownKeys: Set<String> = Set(aliases.keys).union(["wd", "weight_decay", "dropout", "seed", "momentum",
                                                                   "depth", "width", "layers", "units", "warmup"])

    /// File endings dropped before the last path component is read (`lr=0.1.log`).
    static let extensions = [".log", ".txt", ".out", ".err", ".csv", ".jsonl", ".json"]

    /// The parameters a run's name states, in the order written; a later component (the file
    /// below its directory) overrides an earlier one's value for the same key. A `host:` in
    /// front is ignored. Conservative: a piece that does not read cleanly states nothing.
    ///
    /// - `lr=0.01,bs=32`, `lr=0.01_bs=32`, `opt=adam;wd=1e-4`: `key=value` pieces.
    /// - `lr-0.01_bs-32`: `key-number` pieces, when every `_`-piece of the component has that
    ///   form and there are two of them, or the one there names a known hyper-parameter.
    public static func fromName(_ name: String) -> [Parameter] {
        var path = Substring(name)
        if let colon = name.firstIndex(of: ":"), !name[..<colon].contains("/") { path = name[name.index(after: colon)...] }
        var components = path.split(separator: "/").map(String.init)
        if var last = components.popLast() {
            for ending in extensions where last.lowercased().hasSuffix(ending) && last.count > ending.count {
                last.removeLast(ending.count)
                break
            }
            components.append(last)
        }
        var result: [Parameter] = []
        for component in components {
            let found = component.contains("=") ? keyValuePieces(component) : keyDashNumberPieces(component)
            for parameter in found {
                if let index = result.firstIndex(where: { $0.key == parameter.key }) { result[index] = parameter }
                else { result.append(parameter) }
            }
        }
        return result
    }

    /// Every parameter a run states: the name's, then the source's exact ones (header, spec),
    /// then the compiled optimizer and learning rate. Where the name and the source state the
    /// same key, the name's text is kept when it is the same number (`1e-4` as written), the
    /// source's otherwise (it is what ran).
    public static func of(run: Run) -> [Parameter] {
        var result = fromName(run.source.rawValue)
        var stated = run.history.parameters
        if let optimizer = run.modelChoice.model?.optimizer {
            if stated[RunStart.Key.optimizer] == nil, !optimizer.name.isEmpty { stated[RunStart.Key.optimizer] = optimizer.name }
            if stated[RunStart.Key.learningRate] == nil, let rate = optimizer.learningRate { stated[RunStart.Key.learningRate] = RunStart.text(rate) }
        }
        for key in stated.keys.sorted() {
            guard let value = stated[key] else { continue }
            if let index = result.firstIndex(where: { $0.key == key }) {
                if !sameValue(result[index].value, value) { result[index].value = value }
            } else {
                result.append(Parameter(key, value))
            }
        }
        return result
    }

    /// Whether two texts state the same value: equal ignoring case, or the same number.
    static func sameValue(_ a: String, _ b: String) -> Bool {
        if a.lowercased() == b.lowercased() { return true }
        guard let x = Double(a), let y = Double(b) else { return false }
        return x == y || abs(x - y) <= 1e-6 * max(abs(x), abs(y))
    }

    /// A key as the table names it: lower case, common spellings folded (`learning_rate` -> `lr`).
    static func canonical(_ key: String) -> String {
        let lower = key.lowercased()
        return aliases[lower] ?? lower
    }

    /// A key: a letter, then letters, digits, `_` or `.`.
    static func isKey(_ text: Substring) -> Bool {
        guard let first = text.first, first.isASCII, first.isLetter else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }
    }

    /// A value: non-empty, no separators or `=`.
    static func isValue(_ text: Substring) -> Bool {
        !text.isEmpty && !text.contains { "=,;/ ".contains($0) }
    }

    /// `lr=0.01,bs=32` / `lr=0.01_bs=32` / `exp_lr=0.1`: pieces split at `,` `;` and spaces;
    /// inside a piece with several `=`, each value ends at the first `_` or `-` after which a
    /// key starts (`1e-4_bs` is `1e-4` then `bs`). A piece that does not read wholly is skipped.
    static func keyValuePieces(_ component: String) -> [Parameter] {
        var result: [Parameter] = []
        for piece in component.split(whereSeparator: { ",; ".contains($0) }) where piece.contains("=") {
            let parts = piece.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count >= 2, isKey(parts[0]) else { continue }
            var key = parts[0]
            var found: [Parameter] = []
            var clean = true
            for index in 1..<parts.count {
                let part = parts[index]
                if index == parts.count - 1 {
                    guard isValue(part) else { clean = false; break }
                    found.append(Parameter(canonical(String(key)), String(part)))
                    break
                }
                // `value_nextkey`: split at the first separator that leaves a key after it.
                var split: (Substring, Substring)?
                for cut in part.indices where part[cut] == "_" || part[cut] == "-" {
                    let value = part[..<cut], next = part[part.index(after: cut)...]
                    if isValue(value), isKey(next) { split = (value, next); break }
                }
                guard let (value, next) = split else { clean = false; break }
                found.append(Parameter(canonical(String(key)), String(value)))
                key = next
            }
            if clean { result += found }
        }
        return result
    }

    /// `lr-0.01_bs-32`: every `_`-piece a key, `-`, and a number.
    static func keyDashNumberPieces(_ component: String) -> [Parameter] {
        let pieces = component.split(separator: "_")
        var found: [Parameter] = []
        for piece in pieces {
            guard let dash = piece.firstIndex(of: "-") else { return [] }
            let key = piece[..<dash], value = piece[piece.index(after: dash)...]
            guard isKey(key), !key.contains("."), Double(value) != nil,
                  let first = value.first, first.isNumber || first == "." || first == "-" else { return [] }
            found.append(Parameter(canonical(String(key)), String(value)))
        }
        if found.count == 1, !knownKeys.contains(found[0].key) && !knownKeys.contains(String(pieces[0].prefix { $0 != "-" }).lowercased()) {
            return []
        }
        return found
    }
}
