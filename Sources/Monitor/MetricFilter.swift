/// The metric filter (`/`): a regular expression, matched case-insensitively anywhere in a
/// metric family's name or in its training or validation key (`val_` matches every family
/// with a validation twin). Kept generic: it filters metric families only, by text.
public struct MetricFilter {
    /// The expression as typed.
    public let pattern: String
    private let regex: Regex<AnyRegexOutput>

    /// The filter for `pattern`; nil when it is not a valid expression (`validate` says why).
    public init?(pattern: String) {
        guard case .success(let regex) = Self.compile(pattern) else { return nil }
        self.pattern = pattern
        self.regex = regex
    }

    /// Why `pattern` is not a valid expression, in a few words; nil when it is valid.
    public static func validate(_ pattern: String) -> String? {
        if case .failure(let reason) = compile(pattern) { return reason.text }
        return nil
    }

    private struct Reason: Error { var text: String }

    private static func compile(_ pattern: String) -> Result<Regex<AnyRegexOutput>, Reason> {
        do {
            return .success(try Regex(pattern).ignoresCase())
        } catch {
            // The parser's message (`expected ')'`), first line only: it goes in the status line.
            let text = String(describing: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "invalid"
            return .failure(Reason(text: text))
        }
    }

    /// Whether `text` contains a match.
    public func matches(_ text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }

    /// Whether the family's name or either of its keys contains a match.
    public func matches(_ family: MetricFamily) -> Bool {
        matches(family.name) || family.train.map(matches) == true || family.validation.map(matches) == true
    }

    /// The families that match, in order.
    public func filter(_ families: [MetricFamily]) -> [MetricFamily] {
        families.filter { matches($0) }
    }
}
