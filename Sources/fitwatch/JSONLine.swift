import Foundation
import TrainingLog

/// Small JSON pieces for `--jsonl`: strings, numbers as Keras prints them, and the export
/// schema's epoch object with `"source"` added.
enum JSONLine {
    /// A JSON string literal.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `0.0463`, `3.2000e-04`, `nan`: the way Keras prints, so lines compare with the log.
    static func kerasNumber(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value != 0 && abs(value) < 1e-3 { return String(format: "%.4e", value) }
        return String(format: "%.4f", value)
    }
}
