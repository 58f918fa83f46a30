import Foundation
import Synchronization

/// A metric value in at most 4 significant digits, the way `%.4g` prints it but with a
/// compact exponent (`1.235e4`, `3.2e-5`): `0.0463`, `3.73`, `687.1`, `nan`, `inf`, `-inf`.
/// Four digits match what Keras prints (`%.4f` for typical losses) without wasting columns.
public func formatMetric(_ value: Double) -> String {
    formatMetric(value, significantDigits: 4)
}

/// `value` with `significantDigits` significant digits, `%g` style with a compact exponent.
public func formatMetric(_ value: Double, significantDigits: Int) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    if value == 0 { return "0" }
    let precision = max(1, min(17, significantDigits))
    let key = FormattedMetrics.Key(bits: value.bitPattern, precision: precision)
    if let text = FormattedMetrics.shared.text(for: key) { return text }
    let text = compactExponent(cFormatG(value, precision: precision))
    FormattedMetrics.shared.store(text, for: key)
    return text
}

/// The last few thousand labels `formatMetric` wrote: a frame redraws the same axis labels and
/// values as the frame before, and formatting a double costs far more than finding it here.
private final class FormattedMetrics: Sendable {
    static let shared = FormattedMetrics()

    struct Key: Hashable {
        var bits: UInt64
        var precision: Int
    }

    private let texts = Mutex<[Key: String]>([:])

    func text(for key: Key) -> String? { texts.withLock { $0[key] } }

    func store(_ text: String, for key: Key) {
        texts.withLock { texts in
            if texts.count >= 4096 { texts.removeAll(keepingCapacity: true) }
            texts[key] = text
        }
    }
}

/// `%g` output with its exponent made compact: "1.235e+04" -> "1.235e4", "3.2e-05" -> "3.2e-5".
private func compactExponent(_ text: String) -> String {
    guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
    // "1.235e+04" -> "1.235e4", "3.2e-05" -> "3.2e-5".
    let mantissa = text[..<e]
    var exponent = text[text.index(after: e)...]
    var sign = ""
    if exponent.first == "+" { exponent = exponent.dropFirst() } else if exponent.first == "-" {
        sign = "-"
        exponent = exponent.dropFirst()
    }
    let digits = exponent.drop(while: { $0 == "0" })
    return "\(mantissa)e\(sign)\(digits.isEmpty ? "0" : digits)"
}

/// `%.<precision>g` of `value` through the C library's formatter (what `String(format:)` calls
/// in the end, without Foundation's format-string machinery: a chart frame formats hundreds of
/// labels). Precision is at most 17, so 32 bytes always hold the result.
private func cFormatG(_ value: Double, precision: Int) -> String {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { buffer in
        let written = withVaList([Int32(precision), value]) { vsnprintf(buffer.baseAddress!, 32, "%.*g", $0) }
        guard written > 0 else { return String(format: "%.\(precision)g", value) }
        return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: min(Int(written), 31)).bindMemory(to: UInt8.self), as: UTF8.self)
    }
}

/// `value` in at most `width` columns, dropping significant digits (4 down to 1) until it
/// fits; axis labels use this. Returns the 1-digit form when nothing shorter exists.
public func formatMetric(_ value: Double, maxWidth width: Int) -> String {
    var digits = 4
    var text = formatMetric(value, significantDigits: digits)
    while text.count > width, digits > 1 {
        digits -= 1
        text = formatMetric(value, significantDigits: digits)
    }
    return text
}

/// A duration as a clock: `5:02` under an hour, `1:05:02` from an hour, `2d 03:04:05` from a
/// day; `--:--` for an unknown (nil, NaN, negative or infinite) duration.
public func formatDuration(_ seconds: Double?) -> String {
    guard let seconds, seconds.isFinite, seconds >= 0 else { return "--:--" }
    let total = Int(seconds.rounded(.down))
    let days = total / 86_400, hours = total / 3600 % 24, minutes = total / 60 % 60, secs = total % 60
    if days > 0 { return String(format: "%dd %02d:%02d:%02d", days, hours, minutes, secs) }
    if hours > 0 { return String(format: "%d:%02d:%02d", hours, minutes, secs) }
    return String(format: "%d:%02d", minutes, secs)
}

/// A time since the run's start as a short axis label: `4.2s` and `42s` under a minute,
/// `1:05` under an hour, `2h10m` under four days, then `5d03h`; `?` when unknown.
public func formatAxisDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    if seconds < 10 { return String(format: "%.1fs", seconds) }
    let total = Int(seconds.rounded(.down))
    if total < 60 { return "\(total)s" }
    if total < 3600 { return String(format: "%d:%02d", total / 60, total % 60) }
    if total < 96 * 3600 { return String(format: "%dh%02dm", total / 3600, total / 60 % 60) }
    return String(format: "%dd%02dh", total / 86_400, total / 3600 % 24)
}

/// A wall-clock time (seconds since 1970, UTC) as the time of day at `utcOffset` seconds
/// east of UTC: `14:32`, or `14:32:05` with `seconds`; `?` when not finite.
public func formatTimeOfDay(_ time: Double, utcOffset: Int, seconds: Bool = false) -> String {
    guard time.isFinite, abs(time) < 1e15 else { return "?" }
    let local = Int((time + Double(utcOffset)).rounded(.down))
    let day = ((local % 86_400) + 86_400) % 86_400
    let (hours, minutes, secs) = (day / 3600, day / 60 % 60, day % 60)
    return seconds ? String(format: "%02d:%02d:%02d", hours, minutes, secs) : String(format: "%02d:%02d", hours, minutes)
}
