import Diagnostics
import TrainingLog

/// The findings headless output reports for a run.
enum HeadlessFindings {
    static func findings(for history: RunHistory) -> [Finding] {
        // TEMPORARY: wired to `Diagnostics.findings(history:model:flavour:)` once the
        // diagnostics work (issue 4) is in main.
        []
    }
}
