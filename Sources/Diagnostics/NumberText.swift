import Foundation
import KerasModel

/// Numbers in evidence, printed the way Keras prints them so users can find them in their
/// log: `%.4f`, or `%.4e` when the magnitude is under 1e-3 (keras/src/utils/progbar.py
/// `Progbar.update`; tf_keras/src/utils/generic_utils.py `Progbar.update`).
enum NumberText {
    static func keras(_ value: Double) -> String { KerasNumber.format(value) }

    /// A share as a percentage with one decimal: `99.9%`.
    static func percent(_ fraction: Double) -> String { String(format: "%.1f%%", fraction * 100) }

    /// A plain short number for weights and ratios: `0.2`, `1`, `714`.
    static func short(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(format: "%.3g", value)
    }
}
