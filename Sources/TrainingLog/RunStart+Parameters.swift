import Foundation

extension RunStart {
    /// A hyper-parameter's number as the table shows and filters it: at most 6 significant
    /// digits, so a float32 learning rate (`0.0010000000474974513`) reads `0.001` as written.
    public static func text(_ value: Double) -> String {
        guard value.isFinite, value != 0 else { return value.isNaN ? "nan" : value == 0 ? "0" : value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let digits = 6 - Int(floor(log10(abs(value))))
        let scale = pow(10.0, Double(digits - 1))
        let rounded = (value * scale).rounded() / scale
        return "\(rounded)"
    }
}
