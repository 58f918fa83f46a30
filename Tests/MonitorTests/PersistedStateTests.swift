import Testing
import TerminalCore
@testable import Monitor

/// What is kept between two starts on the same sources: encoded, decoded, applied.
@Suite struct PersistedStateTests {
    @Test func aStateRoundTripsThroughItsText() throws {
        var state = try GridTests.twoHeads(size: Size(width: 100, height: 30))
        for key in ["s", "s", "r", "z", "x", "x", "a", "l"] { _ = state.update(.key(.character(Character(key)))) }
        let saved = PersistedState(state: state, theme: "solarized-dark")
        let text = saved.encoded()
        #expect(text.hasPrefix("fitwatch-state 1\n"))
        let decoded = try PersistedState(decoding: text)
        #expect(decoded == saved)
        var fresh = try GridTests.twoHeads(size: Size(width: 100, height: 30))
        decoded.apply(to: &fresh)
        #expect(fresh.chart.smoothing == 0.8 && !fresh.chart.robust && fresh.chart.includeZero)
        #expect(fresh.chart.xAxis == .relativeTime && fresh.mode == .grid && fresh.focus == .main)
        #expect(fresh.gridLog == ["loss"] && decoded.theme == "solarized-dark")
        // The restored screen is the one that was left.
        #expect(MonitorView.render(fresh).lines == MonitorView.render(state).lines)
    }

    @Test func aChartOpenedFromTheGridIsSavedAsTheGrid() throws {
        var state = try GridTests.twoHeads(size: Size(width: 100, height: 30))
        _ = state.update(.key(.character("a")))
        _ = state.update(.key(.enter))
        #expect(PersistedState(state: state, theme: nil).view == .grid)
    }

    @Test(arguments: [
        "",
        "{\"theme\": \"dark\"}",
        "fitwatch-state 2\nsmoothing = 0.6\n",
        "fitwatch-state 1\nsmoothing = 0.5\n",
        "fitwatch-state 1\nrobust = yes\n",
        "fitwatch-state 1\nx_axis = minutes\n",
        "fitwatch-state 1\nview = table\n",
        "fitwatch-state 1\nsmoothing 0.6\n",
        "fitwatch-state 1\ncolour = red\n",
        "fitwatch-state 1\n\u{0}\u{1}\u{2}",
    ])
    func aCorruptStateIsRejectedWithAReason(text: String) {
        #expect(throws: PersistedState.DecodingError.self) { try PersistedState(decoding: text) }
        do {
            _ = try PersistedState(decoding: text)
        } catch {
            #expect(!error.description.isEmpty)
        }
    }

    @Test func theFileNameIsAStableHashOfTheSources() {
        let name = PersistedState.fileName(sources: ["/runs/a.log", "/runs/b.log"])
        #expect(name == PersistedState.fileName(sources: ["/runs/b.log", "/runs/a.log"]))
        #expect(name != PersistedState.fileName(sources: ["/runs/a.log"]))
        #expect(PersistedState.fileName(sources: ["ab"]) != PersistedState.fileName(sources: ["a", "b"]))
        #expect(name.count == 16 + ".state".count && name.hasSuffix(".state"))
        // Stable across runs and builds: FNV-1a, not Swift's seeded Hasher.
        #expect(PersistedState.fileName(sources: []) == "cbf29ce484222325.state")
    }
}
