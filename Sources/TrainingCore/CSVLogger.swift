import TrainingLog

/// Keras 3's `CSVLogger`: a header `epoch,<keys sorted>` at the first epoch's end, then one
/// row per epoch (0-based epoch), floats as Python's `repr`, rows ended with `\r\n`
/// (Python's csv excel dialect).
public final class CSVLogger: TrainingCallback {
    private let write: (String) -> Void
    private let separator: String
    private var keys: [String]?

    /// A logger sending rows to `write`.
    public init(separator: String = ",", write: @escaping (String) -> Void) {
        self.separator = separator
        self.write = write
    }

    /// Reset state for a new `fit`.
    public func trainBegan(_ trainer: Trainer) { keys = nil }

    /// An epoch finished.
    public func epochEnded(_ epoch: Int, logs: inout MetricValues, trainer: Trainer) {
        if keys == nil {
            let sorted = logs.keys.sorted()
            keys = sorted
            write((["epoch"] + sorted).joined(separator: separator) + "\r\n")
        }
        let row = [String(epoch)] + keys!.map { key in logs[key].map(Self.pythonRepr) ?? "NA" }
        write(row.joined(separator: separator) + "\r\n")
    }

    /// Python's `repr(float)`: shortest round-trip digits, `nan`, `inf`, exponent form below
    /// 1e-4 and from 1e16 on (`1e-05`, `1e+16`).
    public static func pythonRepr(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        let magnitude = abs(value)
        var text = "\(value)"
        if magnitude != 0 && (magnitude < 1e-4 || magnitude >= 1e16) {
            // Swift and Python agree on the digits; make the exponent form Python's (`1e-05`, `1.5e+16`).
            if !text.contains("e") { text = String(format: "%.17g", value) }
        } else if text.contains("e") {
            // Swift switches to exponent form earlier than Python for large values.
            text = String(format: "%.1f", value)
        }
        return text
    }
}
