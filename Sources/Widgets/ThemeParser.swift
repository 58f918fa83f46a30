import Foundation
import TOMLPreflight
import TerminalCore
import TOMLKit

/// Reads theme files.
///
/// Why TOML: a theme is a flat list of semantic keys, each with a comment (btop's habit),
/// and TOML gives exactly that with comments, inline tables for `{ fg, bg, attrs }` and
/// strict syntax errors with line numbers, through TOMLKit, which the package already
/// depends on. JSON has no comments; YAML's implicit typing (`no`, `0x1f`) invites surprises;
/// a home-grown `key=value` format would need its own grammar documented.
///
/// The file:
/// ```
/// name = "dark"             # shown in the status line
/// base = "dark"             # optional: a built-in theme supplying keys this file omits
/// [styles]
/// text = { fg = "#c0caf5", bg = "default", attrs = ["bold"] }
/// ```
/// Colours: `"default"`, `"#rrggbb"`, an ANSI name (`"red"`, `"bright-blue"`), or an integer
/// 0-255 (xterm palette). A `"default"` colour means the theme's own: the foreground and
/// background of the `background` key, so every panel sits on the theme's background.
/// Attributes: `bold`, `dim`, `underline`, `reverse`, `italic`.
enum ThemeParser {
    static let ansiNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
    static let attributeNames: [String: Attributes] = [
        "bold": .bold, "dim": .dim, "underline": .underline, "reverse": .reverse, "italic": .italic,
    ]

    /// Parse `text` read from `source`. `baseStyles` returns a built-in theme's unresolved
    /// styles for `base`; when nil (the shipped themes themselves) every key is required.
    static func parse(_ text: String, source: String,
                      builtinBase: ((String) -> [ThemeKey: Style]?)?) throws -> Theme {
        let document = try rawDocument(text, source: source)
        var styles: [ThemeKey: Style] = [:]
        if let builtinBase {
            let baseName = document.base ?? "dark"
            guard let base = builtinBase(baseName) else {
                throw ThemeError(source: source, line: lineOf(key: "base", table: nil, in: text), key: "base",
                                 message: "unknown built-in theme '\(baseName)'")
            }
            styles = base
        } else if let missing = ThemeKey.allCases.first(where: { document.styles[$0] == nil }) {
            throw ThemeError(source: source, line: nil, key: "styles.\(missing.rawValue)",
                             message: "missing (a shipped theme defines every key)")
        }
        styles.merge(document.styles) { _, new in new }
        return Theme(name: document.name ?? source, styles: resolveDefaults(styles))
    }

    /// A parsed file before `default` colours are resolved and a base is merged in.
    struct RawDocument {
        var name: String?
        var base: String?
        var styles: [ThemeKey: Style]
    }

    /// The unresolved styles of a built-in theme's text (what a user file's `base` names).
    static func rawStyles(of text: String, source: String) -> [ThemeKey: Style]? {
        try? rawDocument(text, source: source).styles
    }

    static func rawDocument(_ text: String, source: String) throws -> RawDocument {
        let table: TOMLTable
        if let problem = TOMLPreflight.problem(in: text) {
            throw ThemeError(source: source, line: problem.line, key: nil, message: "not valid TOML: " + problem.message)
        }
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ThemeError(source: source, line: error.source.begin.line, key: nil,
                             message: "not valid TOML: " + error.description.replacingOccurrences(of: "\n", with: " "))
        }
        var document = RawDocument(styles: [:])
        for (key, value) in table {
            // Only an error needs the line (finding it reads the text again: per key, that was
            // most of loading a theme).
            let line = { lineOf(key: key, table: nil, in: text) }
            switch key {
            case "name", "base", "description":
                guard let string = value.string else {
                    throw ThemeError(source: source, line: line(), key: key, message: "expected a string")
                }
                if key == "name" { document.name = string }
                if key == "base" { document.base = string }
            case "styles":
                guard let styles = value.table else {
                    throw ThemeError(source: source, line: line(), key: key, message: "expected a [styles] table")
                }
                document.styles = try parseStyles(styles, text: text, source: source)
            default:
                throw ThemeError(source: source, line: line(), key: key,
                                 message: "unknown key (expected name, description, base or [styles])")
            }
        }
        return document
    }

    private static func parseStyles(_ table: TOMLTable, text: String, source: String) throws -> [ThemeKey: Style] {
        var styles: [ThemeKey: Style] = [:]
        for (name, value) in table {
            let line = { lineOf(key: name, table: "styles", in: text) }
            let qualified = "styles.\(name)"
            guard let key = ThemeKey(rawValue: name) else {
                throw ThemeError(source: source, line: line(), key: qualified,
                                 message: "unknown key (known: \(ThemeKey.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let fields = value.table else {
                throw ThemeError(source: source, line: line(), key: qualified,
                                 message: "expected an inline table such as { fg = \"#c0caf5\", attrs = [\"bold\"] }")
            }
            var style = Style()
            for (field, fieldValue) in fields {
                switch field {
                case "fg", "bg":
                    guard let color = color(fieldValue) else {
                        throw ThemeError(source: source, line: line(), key: "\(qualified).\(field)",
                                         message: "unknown colour \(fieldValue.debugDescription) (expected \"default\", \"#rrggbb\", an ANSI name such as \"bright-blue\", or 0-255)")
                    }
                    if field == "fg" { style.foreground = color } else { style.background = color }
                case "attrs":
                    guard let array = fieldValue.array else {
                        throw ThemeError(source: source, line: line(), key: "\(qualified).attrs",
                                         message: "expected a list such as [\"bold\", \"underline\"]")
                    }
                    for element in array {
                        guard let name = element.string, let attribute = attributeNames[name] else {
                            throw ThemeError(source: source, line: line(), key: "\(qualified).attrs",
                                             message: "unknown attribute \(element.debugDescription) (expected bold, dim, underline, reverse, italic)")
                        }
                        style.attributes.insert(attribute)
                    }
                default:
                    throw ThemeError(source: source, line: line(), key: "\(qualified).\(field)",
                                     message: "unknown field (expected fg, bg, attrs)")
                }
            }
            styles[key] = style
        }
        return styles
    }

    private static func color(_ value: TOMLValueConvertible) -> Color? {
        if let index = value.int {
            return (0...255).contains(index) ? .indexed(UInt8(index)) : nil
        }
        guard let text = value.string?.lowercased() else { return nil }
        if text == "default" { return .default }
        if text.hasPrefix("#"), text.count == 7, let rgb = UInt32(text.dropFirst(), radix: 16) {
            return .rgb(UInt8(rgb >> 16 & 0xFF), UInt8(rgb >> 8 & 0xFF), UInt8(rgb & 0xFF))
        }
        let bright = text.hasPrefix("bright-")
        let base = bright ? String(text.dropFirst("bright-".count)) : text
        if let index = ansiNames.firstIndex(of: base) { return .ansi(UInt8(index + (bright ? 8 : 0))) }
        if text == "gray" || text == "grey" { return .ansi(8) }
        return nil
    }

    /// `default` colours become the `background` key's foreground and background.
    static func resolveDefaults(_ styles: [ThemeKey: Style]) -> [ThemeKey: Style] {
        let base = styles[.background] ?? .plain
        return styles.mapValues { style in
            var resolved = style
            if resolved.foreground == .default { resolved.foreground = base.foreground }
            if resolved.background == .default { resolved.background = base.background }
            return resolved
        }
    }

    /// The 1-based line where `key` is assigned inside `[table]` (top level when nil): TOMLKit
    /// reports lines only for syntax errors, and keys are unique within a table, so the first
    /// assignment found is the one at fault.
    static func lineOf(key: String, table: String?, in text: String) -> Int? {
        var current: String? = nil
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                current = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] \t"))
                continue
            }
            guard current == table, line.hasPrefix(key) else { continue }
            let rest = line.dropFirst(key.count).drop(while: { $0 == " " || $0 == "\t" })
            if rest.hasPrefix("=") { return index + 1 }
        }
        return nil
    }
}
