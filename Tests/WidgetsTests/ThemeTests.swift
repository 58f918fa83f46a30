import Foundation
import Testing
import TerminalCore
import TestSupport
@testable import Widgets

private let shippedNames = ["dark", "light", "solarized-dark", "high-contrast", "monochrome"]

private func temporaryTheme(_ text: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("fitwatch-theme-\(UUID().uuidString).toml")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

private func themeError(_ text: String) throws -> (ThemeError, String) {
    let path = try temporaryTheme(text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    do {
        _ = try Theme.load(nameOrPath: path)
    } catch let error as ThemeError {
        return (error, path)
    }
    Issue.record("loading \(path) did not fail")
    return (ThemeError(source: path, line: nil, key: nil, message: ""), path)
}

@Test func everyShippedThemeParsesAndDefinesEveryKey() throws {
    #expect(Theme.builtinNames == shippedNames)
    for name in shippedNames {
        let theme = try Theme.load(nameOrPath: name)
        #expect(theme.name == name)
        #expect(theme.styles.count == ThemeKey.allCases.count)
    }
}

@Test func shippedThemeFilesEqualTheTextEmbeddedInTheBinary() throws {
    // The binary must work from any directory, so it carries the theme text; run
    // `sh themes/embed.sh` after editing a theme file.
    for (name, text) in BuiltinThemeText.all {
        let file = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("themes/\(name).toml"), encoding: .utf8)
        #expect(file == text, "themes/\(name).toml differs from BuiltinThemeText; run sh themes/embed.sh")
    }
}

@Test func everyKeyInEveryShippedFileHasAComment() throws {
    for (name, text) in BuiltinThemeText.all {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (index, line) in lines.enumerated() where line.contains(" = ") && !line.hasPrefix("#") {
            #expect(index > 0 && lines[index - 1].hasPrefix("#"), "\(name).toml line \(index + 1) has no comment: \(line)")
        }
    }
}

@Test func darkIsBuiltInAndTheDefault() throws {
    #expect(Theme.dark == (try Theme.load(nameOrPath: "dark")))
    #expect(Theme.dark[.background].background == .rgb(0x1A, 0x1B, 0x26))
    // "default" colours resolve to the background's, so text sits on the theme's background.
    #expect(Theme.dark[.text] == Style(foreground: .rgb(0xC0, 0xCA, 0xF5), background: .rgb(0x1A, 0x1B, 0x26)))
}

@Test func monochromeUsesAttributesOnly() throws {
    let theme = try Theme.load(nameOrPath: "monochrome")
    for key in ThemeKey.allCases {
        #expect(theme[key].foreground == .default && theme[key].background == .default, "\(key.rawValue)")
    }
    #expect(theme[.selection].attributes.contains(.reverse))
    #expect(theme[.highlightPath].attributes.contains(.bold))
}

@Test func badColourNamesTheFileLineAndKey() throws {
    let (error, path) = try themeError("""
        name = "mine"
        [styles]
        # Ordinary text.
        text = { fg = "blu" }
        """)
    #expect(error.line == 4)
    #expect(error.key == "styles.text.fg")
    #expect(error.description.hasPrefix("theme \(path):4: key 'styles.text.fg': unknown colour"))
    #expect(!error.description.contains("\n"))
}

@Test func unknownKeyNamesTheFileLineAndKey() throws {
    let (error, path) = try themeError("""
        [styles]
        text = { fg = "red" }

        txet = { fg = "red" }
        """)
    #expect(error.description.hasPrefix("theme \(path):4: key 'styles.txet': unknown key"))
}

@Test func tomlSyntaxErrorNamesTheLine() throws {
    let (error, path) = try themeError("""
        name = "mine"
        [styles]
        text = { fg = "red"
        """)
    #expect(error.line == 3)
    #expect(error.description.hasPrefix("theme \(path):3: not valid TOML"))
    #expect(!error.description.contains("\n"))
}

@Test func badAttributeAndFieldAreNamed() throws {
    let (attribute, _) = try themeError("[styles]\ntitle = { attrs = [\"blink\"] }\n")
    #expect(attribute.line == 2 && attribute.key == "styles.title.attrs")
    let (field, _) = try themeError("[styles]\ntitle = { colour = \"red\" }\n")
    #expect(field.line == 2 && field.key == "styles.title.colour")
}

@Test func missingThemeIsAClearError() {
    #expect(throws: ThemeError.self) { try Theme.load(nameOrPath: "/nonexistent/neon.toml") }
    do {
        _ = try Theme.load(nameOrPath: "neon")
    } catch {
        #expect("\(error)".contains("neon") && "\(error)".contains("dark, light"))
    }
}

@Test func userFileTakesOmittedKeysFromItsBase() throws {
    let path = try temporaryTheme("""
        name = "mine"
        base = "light"
        [styles]
        val_line = { fg = 196 }
        """)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let theme = try Theme.load(nameOrPath: path)
    let light = try Theme.load(nameOrPath: "light")
    #expect(theme.name == "mine")
    #expect(theme[.valLine].foreground == .indexed(196))
    #expect(theme[.valLine].background == light[.background].background)
    #expect(theme[.trainLine] == light[.trainLine])
}

@Test func degradingTo256PicksNearestPaletteEntries() {
    let theme = Theme(name: "t", styles: [.text: Style(foreground: .rgb(255, 0, 0), background: .rgb(0x1A, 0x1B, 0x26))])
    let degraded = theme.degraded(to: .palette256)
    // Pure red is cube corner (5,0,0) = 16 + 5*36; #1a1b26 is closest to grey 234 (28,28,28).
    #expect(degraded[.text].foreground == .indexed(196))
    #expect(degraded[.text].background == .indexed(234))
}

@Test func degradingTo16PicksNearestANSIColours() {
    let theme = Theme(name: "t", styles: [.text: Style(foreground: .rgb(250, 10, 10), background: .indexed(21)),
                                          .title: Style(foreground: .indexed(3)),
                                          .warning: Style(foreground: .rgb(250, 10, 10), background: .indexed(196))])
    let degraded = theme.degraded(to: .ansi16)
    #expect(degraded[.text].foreground == .ansi(9))
    #expect(degraded[.text].background == .ansi(4))
    #expect(degraded[.title].foreground == .ansi(3))
    // Two reds that fall on the same ANSI red would be invisible text: it turns black.
    #expect(degraded[.warning] == Style(foreground: .ansi(0), background: .ansi(9)))
}

@Test func degradingToNoneKeepsMeaningInAttributes() {
    let degraded = Theme.dark.degraded(to: .none)
    for key in ThemeKey.allCases {
        #expect(degraded[key].foreground == .default && degraded[key].background == .default)
    }
    #expect(degraded[.selection].attributes.contains(.reverse))
    #expect(degraded[.highlightPath].attributes.isSuperset(of: [.bold, .reverse]))
    #expect(degraded[.title].attributes.contains(.bold))
}

@Test func degradingEveryShippedThemeLeavesOnlyColoursTheTerminalHas() throws {
    for name in shippedNames {
        let theme = try Theme.load(nameOrPath: name)
        for style in theme.degraded(to: .palette256).styles.values {
            for color in [style.foreground, style.background] {
                if case .rgb = color { Issue.record("\(name): rgb left after degrading to 256") }
            }
        }
        for style in theme.degraded(to: .ansi16).styles.values {
            for color in [style.foreground, style.background] {
                switch color {
                case .default, .ansi: break
                default: Issue.record("\(name): \(color) left after degrading to 16")
                }
            }
        }
    }
}

@Test func shippedFileLoadedByPathEqualsTheBuiltInTheme() throws {
    let path = Fixtures.packageRoot.appendingPathComponent("themes/solarized-dark.toml").path
    #expect(try Theme.load(nameOrPath: path) == Theme.load(nameOrPath: "solarized-dark"))
}

/// TERM=xterm has eight colours: every shipped theme stays readable there. No key is drawn
/// in its own background's colour (the dark theme's borders, axis labels and column headers
/// were black on black), grey text becomes dim white, and a selection bar whose colour falls
/// on the screen's background keeps its reverse video.
@Test func eightColourThemesDrawNoTextInItsBackgroundColour() throws {
    for name in shippedNames {
        let theme = try Theme.load(nameOrPath: name).degraded(to: .ansi8)
        let screen = theme[.background].background
        for (key, style) in theme.styles {
            let background = style.background == .default ? screen : style.background
            #expect(style.foreground == .default || style.foreground != background,
                    "\(name) \(key): \(style.foreground) on \(background)")
            if case .ansi(let index) = style.foreground { #expect(index < 8, "\(name) \(key): \(style.foreground)") }
        }
    }
    let dark = try Theme.load(nameOrPath: "dark").degraded(to: .ansi8)
    #expect(dark[.dimText] == Style(foreground: .ansi(7), background: .ansi(0), attributes: .dim))
    #expect(dark[.selection].attributes.contains(.reverse))
}

/// Text drawn over a bar keeps its own colour unless that is the bar's: the dark theme's
/// warning count (yellow) on the header flashing yellow would vanish, so it takes the bar's
/// text colour.
@Test func textOverABarOfItsOwnColourTakesTheBarsTextColour() throws {
    let dark = try Theme.load(nameOrPath: "dark")
    let flashed = over(dark[.warning], dark[.flash])
    #expect(dark[.warning].foreground == dark[.flash].background)
    #expect(flashed.foreground == dark[.flash].foreground)
    #expect(flashed.background == dark[.flash].background)
    #expect(over(dark[.error], dark[.flash]).foreground == dark[.error].foreground)
}

/// A line inside a multi-line string that looks like a table header (even one toml++ could
/// not parse as a header) is text: the check that keeps toml++ from aborting must not refuse it.
@Test(arguments: ["description = \"\"\"\n[+x]\n\"\"\"", "description = '''\n[\n'''", "description = \"\"\"a\n  [`y]  \"\"\""])
func headerLikeLinesInsideMultiLineStringsAreText(text: String) throws {
    let path = try temporaryTheme("name = \"quoted\"\n\(text)\n[styles]\ntitle = { fg = \"red\" }\n")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let theme = try Theme.load(nameOrPath: path)
    #expect(theme.name == "quoted")
    #expect(theme[.title].foreground == .ansi(1))
}
