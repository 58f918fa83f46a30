/// A theme that cannot be loaded. Its description is one line: `file:line: key 'k': what`.
public struct ThemeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or built-in name) being read.
    public var source: String
    /// The 1-based line, when the problem is on one.
    public var line: Int?
    /// The key at fault (`styles.text`), when one is.
    public var key: String?
    /// What is wrong, and what was expected.
    public var message: String

    /// A theme error; `message` must be a single line.
    public init(source: String, line: Int?, key: String?, message: String) {
        self.source = source
        self.line = line
        self.key = key
        self.message = message
    }

    /// `themes/mine.toml:12: key 'styles.text': unknown colour 'blu' (...)`.
    public var description: String {
        var text = "theme \(source)"
        if let line { text += ":\(line)" }
        text += ": "
        if let key { text += "key '\(key)': " }
        return text + message
    }
}
