import Foundation

/// Numbers the way Keras's progress bar prints them, so what fitwatch shows can be found in
/// the user's log: `%.4f` when `|v| > 1e-3`, else `%.4e` (an exact zero prints `0.0000e+00`);
/// `nan`, `inf`, `-inf` (keras/src/utils/progbar.py `Progbar.update`;
/// tf_keras/src/utils/generic_utils.py `Progbar.update`).
public enum KerasNumber {
    /// `0.0463`, `3.2000e-04`, `0.0000e+00`, `nan`.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return abs(value) > 1e-3 ? String(format: "%.4f", value) : String(format: "%.4e", value)
    }
}
