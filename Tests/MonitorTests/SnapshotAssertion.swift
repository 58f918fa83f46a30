import Foundation
import Testing
import TestSupport

/// Whole-screen text snapshots under Tests/MonitorTests/Snapshots. Set
/// `FITWATCH_RECORD_SNAPSHOTS=1` to (re)write them; a missing snapshot is written and the
/// test fails once, so a new screen is always looked at before it is committed.
enum SnapshotAssertion {
    static var directory: URL { Fixtures.packageRoot.appendingPathComponent("Tests/MonitorTests/Snapshots") }
    static var recording: Bool { ProcessInfo.processInfo.environment["FITWATCH_RECORD_SNAPSHOTS"] == "1" }

    /// Compare `lines` with the snapshot `name`; on a mismatch report the first differing row.
    static func check(_ lines: [String], named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = directory.appendingPathComponent(name + ".txt")
        // Trailing spaces are kept: a cell that should be blank but is not must show up.
        let text = lines.map { $0 + "|" }.joined(separator: "\n") + "\n"
        if recording || !FileManager.default.fileExists(atPath: url.path) {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? text.write(to: url, atomically: true, encoding: .utf8)
            if !recording { Issue.record("recorded new snapshot \(name).txt: check it and commit it", sourceLocation: sourceLocation) }
            return
        }
        let expected = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        guard expected != text else { return }
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = text.split(separator: "\n", omittingEmptySubsequences: false)
        let row = zip(old, new).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(old.count, new.count)
        let was = row < old.count ? String(old[row]) : "(none)"
        let now = row < new.count ? String(new[row]) : "(none)"
        Issue.record("""
            snapshot \(name) differs at row \(row) (FITWATCH_RECORD_SNAPSHOTS=1 re-records):
            expected: \(was)
            actual:   \(now)
            whole screen:
            \(text)
            """, sourceLocation: sourceLocation)
    }
}
