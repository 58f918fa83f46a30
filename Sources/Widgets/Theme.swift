import Foundation
import TerminalCore

/// The styles widgets draw with, by meaning (`ThemeKey`). `Theme.dark` is built in; the
/// other shipped themes and user files load with `Theme.load(nameOrPath:)`.
public struct Theme: Sendable, Equatable {
    /// The theme's name (`dark`, or the file's `name`).
    public var name: String
    /// One style per key; every key is present.
    public private(set) var styles: [ThemeKey: Style]

    /// A theme from a complete set of styles; keys missing from `styles` get the plain style.
    public init(name: String, styles: [ThemeKey: Style]) {
        self.name = name
        var complete: [ThemeKey: Style] = [:]
        for key in ThemeKey.allCases { complete[key] = styles[key] ?? .plain }
        self.styles = complete
    }

    /// The style of `key`.
    public subscript(_ key: ThemeKey) -> Style {
        get { styles[key] ?? .plain }
        set { styles[key] = newValue }
    }

    /// The names `load(nameOrPath:)` resolves without a file, in the order `--help` lists them.
    public static let builtinNames = BuiltinThemeText.all.map(\.name)

    /// The built-in default: parsed from text compiled into the binary, so it needs no file.
    public static let dark: Theme = builtin("dark")

    /// Attributes only, no colour: what `monochrome` and NO_COLOR look like. Also the fallback
    /// should a built-in text ever fail to parse (a test makes sure none does).
    public static let attributesOnly: Theme = {
        var styles: [ThemeKey: Style] = [:]
        for key in ThemeKey.allCases { styles[key] = Style(attributes: key.monochromeAttributes) }
        return Theme(name: "attributes-only", styles: styles)
    }()

    private static func builtin(_ name: String) -> Theme {
        guard let entry = BuiltinThemeText.all.first(where: { $0.name == name }),
              let theme = try? ThemeParser.parse(entry.text, source: "\(name).toml", builtinBase: nil)
        else { return attributesOnly }
        return theme
    }

    /// A built-in theme by name (`dark`, `light`, `solarized-dark`, `high-contrast`,
    /// `monochrome`), else the theme file at that path. Errors are one line naming the file,
    /// the line and the key.
    public static func load(nameOrPath: String) throws -> Theme {
        if let entry = BuiltinThemeText.all.first(where: { $0.name == nameOrPath }) {
            return try ThemeParser.parse(entry.text, source: "\(entry.name).toml", builtinBase: nil)
        }
        guard FileManager.default.fileExists(atPath: nameOrPath) else {
            throw ThemeError(source: nameOrPath, line: nil, key: nil,
                             message: "no such theme: not a built-in theme (\(builtinNames.joined(separator: ", "))) and no such file")
        }
        let text: String
        do {
            text = try String(contentsOfFile: nameOrPath, encoding: .utf8)
        } catch {
            throw ThemeError(source: nameOrPath, line: nil, key: nil, message: "cannot read the file as UTF-8 text")
        }
        return try ThemeParser.parse(text, source: nameOrPath, builtinBase: { name in
            guard let entry = BuiltinThemeText.all.first(where: { $0.name == name }) else { return nil }
            return ThemeParser.rawStyles(of: entry.text, source: "\(entry.name).toml")
        })
    }

    /// This theme as a terminal with `capability` can show it: each style becomes the
    /// nearest one available (`ColorPalette.degrade`: truecolor -> 256 -> 16 -> 8, never text
    /// in its own background's colour); `.none` drops colour and keeps attributes, adding each
    /// key's `monochromeAttributes` so meaning survives (NO_COLOR). So does a key whose own
    /// background falls on the screen's background colour (a selection bar on 8 colours).
    public func degraded(to capability: ColorCapability) -> Theme {
        var copy = self
        let screen = self[.background].background
        let degradedScreen = ColorPalette.degrade(screen, to: capability)
        for (key, style) in styles {
            if capability == .none {
                copy.styles[key] = Style(attributes: style.attributes.union(key.monochromeAttributes))
            } else {
                var degraded = ColorPalette.degrade(style, to: capability)
                if key != .background, style.background != screen, style.background != .default,
                   degraded.background == degradedScreen {
                    degraded.attributes.formUnion(key.monochromeAttributes)
                }
                copy.styles[key] = degraded
            }
        }
        return copy
    }
}
