import Foundation
import Testing
import TestSupport

/// The chart's scale and cursor keys on the real binary in tmux: a replay of the Keras Boston
/// log (loss 4156 and val_loss 12138 at epoch 1, then tens to hundreds).
@Suite struct ChartKeysEndToEndTests {
    @Test func robustScaleFullRangeIncludeZeroAndTheValueCursor() throws {
        let log = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path
        let session = try TmuxSession(arguments: ["replay", "--instant", log], width: 120, height: 40)
        defer { session.kill() }
        // By default the first epochs are off the top, and the title says so.
        let robust = session.waitFor { $0.contains("epoch 100/100") && $0.contains("clipped ▲") }
        #expect(robust.ok, "no clipped axis:\n\(robust.screen)")
        #expect(!robust.screen.contains("12138┤"), "\(robust.screen)")
        // r: the full range, topped by epoch 1's validation loss.
        session.send("r")
        let full = session.waitFor { $0.contains("full range") && $0.contains("12138┤") }
        #expect(full.ok, "\(full.screen)")
        #expect(!full.screen.contains("clipped"))
        // z: 0 on the axis.
        session.send("z")
        let zero = session.waitFor { $0.contains("incl. 0") && $0.range(of: #"│\s*0┤"#, options: .regularExpression) != nil }
        #expect(zero.ok, "\(zero.screen)")
        // v: the cursor at epoch 100; ← moves it to 99; Esc hides it.
        session.send("v")
        let cursor = session.waitFor { $0.contains("│ epoch 100  loss ") && $0.contains("val_loss ") }
        #expect(cursor.ok, "\(cursor.screen)")
        session.send("Left")
        let moved = session.waitFor { $0.contains("│ epoch 99  loss ") && $0.contains("@99") }
        #expect(moved.ok, "\(moved.screen)")
        session.send("Escape")
        let hidden = session.waitFor { !$0.contains("│ epoch 99  loss ") && $0.contains("v cursor") }
        #expect(hidden.ok, "\(hidden.screen)")
        session.send("q")
        #expect(session.waitFor { $0.contains("EXIT=") }.ok)
    }
}
