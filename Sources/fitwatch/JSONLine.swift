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

    /// `"source":…` spliced in as the first member of a JSON object.
    static func withSource(_ source: String, object: String) -> String {
        guard object.hasPrefix("{") else { return object }
        let rest = object.dropFirst().drop(while: { $0 == " " })
        return "{\"source\":\(string(source))" + (rest.hasPrefix("}") ? "" : ",") + rest
    }

    /// The export schema's epoch object.
    static func epoch(_ record: EpochRecord) -> String {
        // TEMPORARY until `ExportJSON.epoch` (issue 2) is in main.
        var members = ["\"epoch\":\(record.epoch)"]
        if let of = record.of { members.append("\"of\":\(of)") }
        if let seconds = record.seconds { members.append("\"seconds\":\(number(seconds))") }
        let metrics = record.metrics.map { "\(string($0.key)):\(number($0.value))" }.joined(separator: ",")
        members.append("\"metrics\":{\(metrics)}")
        members.append("\"complete\":\(record.complete)")
        return "{" + members.joined(separator: ",") + "}"
    }

    /// A JSON number; NaN and infinities (not JSON) as null.
    static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : "null"
    }

    /// `0.0463`, `3.2000e-04`, `nan`: the way Keras prints, so lines compare with the log.
    static func kerasNumber(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value != 0 && abs(value) < 1e-3 { return String(format: "%.4e", value) }
        return String(format: "%.4f", value)
    }
}
