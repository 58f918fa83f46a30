import Testing
import TerminalCore
@testable import CursesBackend

@Test func noColorTurnsEveryColourOff() {
    let capability = ColorMapper.capability(colors: 256, hasColors: true, noColor: true)
    #expect(capability == .none)
    #expect(ColorMapper(capability: capability, colors: 256).number(for: .rgb(255, 0, 0)) == nil)
}

@Test func capabilityFollowsTheColoursTheTerminalReports() {
    #expect(ColorMapper.capability(colors: 16_777_216, hasColors: true, noColor: false) == .truecolor)
    #expect(ColorMapper.capability(colors: 256, hasColors: true, noColor: false) == .palette256)
    #expect(ColorMapper.capability(colors: 16, hasColors: true, noColor: false) == .ansi16)
    #expect(ColorMapper.capability(colors: 8, hasColors: true, noColor: false) == .ansi8)
    #expect(ColorMapper.capability(colors: 2, hasColors: true, noColor: false) == .none)
}

@Test func truecolorDegradesToTheNearestPaletteEntry() {
    let palette = ColorMapper(capability: .palette256, colors: 256)
    #expect(palette.number(for: .rgb(0, 0, 0)) == 16)
    #expect(palette.number(for: .rgb(255, 255, 255)) == 231)
    #expect(palette.number(for: .rgb(128, 128, 128)) == 244)
    #expect(palette.number(for: .rgb(215, 95, 0)) == 166)
    #expect(palette.number(for: .default) == -1)
}

@Test func paletteDegradesToSixteenAndEightColours() {
    let sixteen = ColorMapper(capability: .ansi16, colors: 16)
    #expect(sixteen.number(for: .rgb(250, 10, 10)) == 9)
    #expect(sixteen.number(for: .indexed(196)) == 9)
    let eight = ColorMapper(capability: .ansi8, colors: 8)
    #expect(eight.number(for: .ansi(9)) == 1)
    // Grey is white on eight colours, never black (black on a dark theme's black background).
    #expect(eight.number(for: .ansi(8)) == 7)
    #expect(eight.number(for: .rgb(0x56, 0x5F, 0x89)) == 7)
}

@Test func terminalsThatCannotAddressTheCursorAreNamed() {
    #expect(CursesTerminal.unusableReason(environment: ["TERM": "dumb"]) == "TERM=dumb cannot move the cursor")
    #expect(CursesTerminal.unusableReason(environment: ["TERM": "no-such-terminal-x"]) == "TERM=no-such-terminal-x is not in the terminfo database")
    #expect(CursesTerminal.unusableReason(environment: [:]) == "TERM is not set")
    #expect(CursesTerminal.unusableReason(environment: ["TERM": "xterm"]) == nil)
}

@Test func truecolorTerminalsGetPackedRGB() {
    let direct = ColorMapper(capability: .truecolor, colors: 16_777_216)
    #expect(direct.number(for: .rgb(0x12, 0x34, 0x56)) == 0x123456)
    #expect(direct.number(for: .ansi(1)) == 0xCD0000)
}
