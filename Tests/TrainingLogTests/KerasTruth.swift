import Foundation
import TestSupport
import TrainingLog

/// A recorded Keras run: the log bytes and what the training process itself reported
/// (`History.history`, `evaluate()`), from `<name>.truth.json`.
struct KerasTruth {
    /// Per metric, one value per epoch (NaN where Keras wrote NaN).
    var history: [String: [Double]]
    var epochsRun: Int
    var evaluate: [String: Double]?
    /// Whether the values were printed by Keras's verbose=2 branch (`avg > 1e-3`, no `abs`).
    var verbose2: Bool

    /// The shared fixtures: four scenarios, each captured through a pipe and a pty.
    static let sharedNames = [
        "k3_s1_seed_regression_accuracy", "k3_s4_multi_output_functional",
        "tfk_s2_bce_on_multiclass", "tfk_s9_long_run_300_epochs",
    ]

    /// Loads the truth of `<name>` for capture `mode` (`pipe` / `tty`), or the top level when
    /// the file has no per-mode records (fixtures recorded for fitwatch).
    static func load(_ name: String, mode: String?) throws -> KerasTruth {
        let data = try Fixtures.data("keras-logs/\(name).truth.json")
        let root = try ExactJSON.parse(data) as! [String: Any]
        var record = root
        if let mode, let runs = root["runs"] as? [String: Any], let run = runs[mode] as? [String: Any] {
            record = run
        }
        var history: [String: [Double]] = [:]
        for (key, values) in record["history"] as? [String: [Any]] ?? [:] {
            history[key] = values.map(number)
        }
        let epochs = record["epochs_run"] as? Int ?? history.values.first?.count ?? 0
        var evaluate: [String: Double]?
        if let values = record["evaluate"] as? [String: Any] {
            evaluate = values.mapValues(number)
        }
        let verbose = record["fit_verbose"] ?? (root["fit"] as? [String: Any])?["verbose"]
        return KerasTruth(history: history, epochsRun: epochs, evaluate: evaluate,
                          verbose2: (verbose as? Int) == 2)
    }

    private static func number(_ any: Any) -> Double {
        if let value = any as? Double { return value }
        if let value = any as? Int { return Double(value) }
        switch any as? String {
        case "NaN"?, "nan"?: return .nan
        case "Infinity"?, "inf"?: return .infinity
        case "-Infinity"?, "-inf"?: return -.infinity
        default: return .nan
        }
    }

    /// `value` as Keras prints it and as a reader of the printed text gets it back:
    /// `%.4f` when `|v| > 1e-3`, else `%.4e` (verbose=2 tests `v > 1e-3`, without `abs`).
    static func printed(_ value: Double, verbose2: Bool = false) -> Double {
        guard value.isFinite else { return value }
        let fixed = verbose2 ? value > 1e-3 : abs(value) > 1e-3
        let text = String(format: fixed ? "%.4f" : "%.4e", value)
        return Double(text)!
    }

    /// True when `parsed` is what Keras printed for `truth`.
    static func same(_ parsed: Double, _ truth: Double, verbose2: Bool = false) -> Bool {
        if truth.isNaN { return parsed.isNaN }
        return parsed == printed(truth, verbose2: verbose2)
    }
}

/// Reads a fixture through the auto-detecting reader, whole.
func readFixture(_ relative: String) throws -> [TrainingEvent] {
    try LogLoader.events(at: Fixtures.url(relative).path, format: nil)
}

/// The epochs a stream of events settles on (a later final line for an epoch replaces an earlier one).
func settledEpochs(_ events: [TrainingEvent]) -> [[EpochRecord]] {
    RunSegment.segments(from: events).map(\.epochs)
}
