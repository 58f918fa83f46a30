/// How often a run whose history moved is diagnosed: one rule for the screen and for headless
/// output. The rules walk a run's whole history, so a sweep pays runs × history for every
/// pass: 500 followed runs diagnosed on every new epoch took most of a core. Up to
/// `fullPaceRuns` runs, and the run in focus on the screen, are diagnosed every `base`
/// seconds; with more, the others every quarter second per `fullPaceRuns` runs (500 runs:
/// 6.25 s), at most `longest`. Their findings lag by that much; a run that ends is
/// diagnosed at once whatever the pace (its last word).
public enum DiagnosisPace {
    /// How many runs are diagnosed at the pace their callers ask for.
    public static let fullPaceRuns = 20
    /// The longest a run's findings wait for a new epoch to be looked at.
    public static let longest = 10.0

    /// Seconds between two diagnoses of a run, when `runs` are followed: `base` (the screen's
    /// 0.25 s, headless output's 0: every batch of new facts) for a run in focus or a few runs.
    public static func interval(base: Double, runs: Int, focused: Bool) -> Double {
        guard !focused, runs > fullPaceRuns else { return base }
        return min(longest, max(base, 0.25 * Double(runs) / Double(fullPaceRuns)))
    }
}
