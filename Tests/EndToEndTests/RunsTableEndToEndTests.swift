import Foundation
import Testing
import TestSupport

/// The runs table on the real binary in tmux: six recorded Keras logs laid out as a sweep
/// (`sweep/lr=…,bs=…/train.log`) and followed as `fitwatch sweep/*/train.log` would.
@Suite struct RunsTableEndToEndTests {
    /// The sweep's logs, in command-line order: (directory, fixture).
    static let runs = [
        ("lr=0.1,bs=32", "k3_s1_seed_regression_accuracy.pipe.log"),
        ("lr=0.01,bs=32", "k3_verbose2.pipe.log"),
        ("lr=0.001,bs=64", "k3_callbacks.pipe.log"),
        ("lr=0.1,bs=64", "k3_nan.pipe.log"),
        ("lr=0.01,bs=64", "k3tf_valfreq_lr.pipe.log"),
        ("lr=0.001,bs=32", "k3jax_acc_regression.pipe.log"),
    ]

    /// A temporary sweep directory; returns the logs' paths in `runs` order.
    static func sweep() throws -> (root: URL, paths: [String]) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fw-sweep-\(UUID().uuidString.prefix(8))")
        var paths: [String] = []
        for (directory, fixture) in runs {
            let folder = root.appendingPathComponent("sweep/\(directory)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let log = folder.appendingPathComponent("train.log")
            try Fixtures.data("keras-logs/\(fixture)").write(to: log)
            paths.append(log.path)
        }
        return (root, paths)
    }

    /// The table's run rows, top first: `#` and the name columns of each.
    static func rows(_ screen: String) -> [String] {
        screen.split(separator: "\n").compactMap { line in
            guard let match = line.firstMatch(of: #/│[▶ ][• ] +(\d+) (lr=[0-9.]+,bs=\d+)/#) else { return nil }
            return "\(match.1) \(match.2)"
        }
    }

    @Test func sortFilterSelectOverlayOpenAndComeBack() throws {
        let (root, paths) = try Self.sweep()
        defer { try? FileManager.default.removeItem(at: root) }
        let session = try TmuxSession(arguments: paths, width: 100, height: 30)
        defer { session.kill() }
        // Six runs do not fit the run bar at 100 columns: it says so.
        let bar = session.waitFor { $0.contains("more, t: table") && $0.contains("1 \(paths[0])") }
        #expect(bar.ok, "\(bar.screen)")

        // t: every run, in command-line order, the shared path parts said once.
        session.send("t")
        let table = session.waitFor { Self.rows($0).count == 6 && $0.contains("6 runs:") }
        #expect(table.ok, "\(table.screen)")
        #expect(Self.rows(table.screen) == Self.runs.enumerated().map { "\($0.offset + 1) \($0.element.0)" })
        #expect(table.screen.contains("sweep/…/train.log"))
        #expect(table.screen.contains("interrupted") && table.screen.contains("lr") && table.screen.contains("bs"))

        // > twice: sorted by name, natural order, the heading marks it.
        session.send(">", ">")
        let byName = session.waitFor { $0.contains("run▼") && Self.rows($0).first == "6 lr=0.001,bs=32" }
        #expect(byName.ok, "\(byName.screen)")
        #expect(Self.rows(byName.screen).map { $0.split(separator: " ")[1] } == ["lr=0.001,bs=32", "lr=0.001,bs=64", "lr=0.01,bs=32",
                                                                                 "lr=0.01,bs=64", "lr=0.1,bs=32", "lr=0.1,bs=64"])
        // Again: reversed.
        session.send(">")
        let reversed = session.waitFor { $0.contains("run▲") && Self.rows($0).first == "4 lr=0.1,bs=64" }
        #expect(reversed.ok, "\(reversed.screen)")

        // / filters as it is typed: bs=6 already leaves the three bs=64 runs.
        session.send("/", "b", "s", "=", "6")
        let filtered = session.waitFor { Self.rows($0).count == 3 && $0.contains("/bs=6: 3 of 6") && $0.contains("filter /bs=6_") }
        #expect(filtered.ok, "\(filtered.screen)")
        #expect(Self.rows(filtered.screen).allSatisfy { $0.hasSuffix("bs=64") })
        session.send("Enter")

        // space selects, ↓ moves: two runs overlay under the table, with a legend (run 4, killed
        // before any validation, has no val_loss: its row says `-` and it draws no line).
        session.send("Down", "Space", "Down", "Space")
        let overlay = session.waitFor { $0.contains("2 selected runs") && $0.contains("• 5 ") && $0.contains("• 3 ") }
        #expect(overlay.ok, "\(overlay.screen)")

        // Enter opens the run under the cursor in the single-run screen, not the overlay; Esc comes back.
        session.send("Enter")
        let opened = session.waitFor { $0.contains(" fitwatch  \(paths[2])") && $0.contains("Esc runs table") && !$0.contains("· 2 selected runs") }
        #expect(opened.ok, "\(opened.screen)")
        session.send("Escape")
        let back = session.waitFor { $0.contains("2 selected") && Self.rows($0).count == 3 }
        #expect(back.ok, "\(back.screen)")

        // Esc clears the filter, then the selection; t closes the table.
        session.send("Escape")
        let all = session.waitFor { Self.rows($0).count == 6 && $0.contains("2 selected") }
        #expect(all.ok, "\(all.screen)")
        session.send("Escape", "t")
        let closed = session.waitFor { $0.contains("more, t: table") && !$0.contains("selected") }
        #expect(closed.ok, "\(closed.screen)")
        session.send("q")
        #expect(session.waitFor { $0.contains("EXIT=0") }.ok)
    }

    @Test func warningsGroupTheSameFindingAcrossRuns() throws {
        let (root, paths) = try Self.sweep()
        defer { try? FileManager.default.removeItem(at: root) }
        let session = try TmuxSession(arguments: paths, width: 100, height: 30)
        defer { session.kill() }
        session.send("w")
        // 'accuracy' on a regression in two runs (Boston and the jax regression): one group.
        let grouped = session.waitFor { $0.contains("accuracy-on-regression:") && $0.contains("2 runs") && $0.contains("Warnings · 6 runs") }
        #expect(grouped.ok, "\(grouped.screen)")
        #expect(grouped.screen.contains("1 \(paths[0]), 6 \(paths[5])") || grouped.screen.contains("1 \(paths[0]), +1 more"))
        session.send("q")
        #expect(session.waitFor { $0.contains("EXIT=0") }.ok)
    }
}
