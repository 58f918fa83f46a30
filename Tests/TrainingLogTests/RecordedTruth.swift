import Foundation
import TestSupport
import TrainingLog

/// Truth written by fitwatch's own recordings (`Tests/Fixtures/keras-logs/record/`): per `fit`
/// call, the logs Keras handed to callbacks at each epoch end (what History stores).
struct RecordedTruth {
    struct Fit {
        var epochs: [Int]
        var history: [String: [Double]]
    }

    var fits: [Fit]
    var evaluate: [String: Double]?
    var status: String

    static func load(_ relative: String) throws -> RecordedTruth {
        let root = try ExactJSON.parse(Fixtures.data(relative)) as! [String: Any]
        if let fits = root["fits"] as? [[String: Any]] {
            return RecordedTruth(
                fits: fits.map { fit in
                    Fit(epochs: fit["epochs"] as? [Int] ?? [],
                        history: (fit["history"] as? [String: [Any]] ?? [:]).mapValues { $0.map(number) })
                },
                evaluate: (root["evaluate"] as? [String: Any])?.mapValues(number),
                status: root["status"] as? String ?? "")
        }
        // Reproduced legacy Progbar output: one fit, the values the Progbar printed.
        let printed = (root["printed_final"] as? [String: [Any]] ?? [:]).mapValues { $0.map(number) }
        let count = root["epochs_run"] as? Int ?? 0
        return RecordedTruth(fits: [Fit(epochs: Array(1...max(count, 1)).prefix(count).map { $0 }, history: printed)],
                             evaluate: nil, status: "finished")
    }

    private static func number(_ any: Any) -> Double {
        if let value = any as? Double { return value }
        if let value = any as? Int { return Double(value) }
        switch (any as? String)?.lowercased() {
        case "nan"?: return .nan
        case "infinity"?, "inf"?: return .infinity
        case "-infinity"?, "-inf"?: return -.infinity
        default: return .nan
        }
    }
}
