import Foundation
import Widgets

/// Tick positions and labels a person reads without effort: steps of 1, 2 or 5 times a power
/// of ten on a linear axis, powers of ten on a log axis that spans a decade or more.
public enum AxisTicks {
    /// About `target` ticks between `low` and `high` (inclusive), at multiples of a 1-2-5 step;
    /// the labels show as many decimals as the step needs (`0.05`, `0.1`, `0.15`).
    public static func linear(low: Double, high: Double, target: Int = 5) -> [(value: Double, label: String)] {
        guard low.isFinite, high.isFinite, high > low else {
            return low.isFinite ? [(low, label(low, step: max(abs(low), 1)))] : []
        }
        let step = niceStep((high - low) / Double(max(1, target)))
        let first = (low / step).rounded(.up)
        let last = (high / step).rounded(.down)
        guard first <= last, last - first < 1000 else { return [] }
        return stride(from: first, through: last, by: 1).map { k in
            let value = k * step
            return (value, label(value, step: step))
        }
    }

    /// Ticks for a log axis whose ends are `low` and `high` in log10 units. Across a decade or
    /// more: powers of ten (every second or fifth when there are many); within one: linear
    /// 1-2-5 ticks of the values, placed at their logarithms. Values returned are log10.
    public static func logarithmic(low: Double, high: Double, target: Int = 5) -> [(value: Double, label: String)] {
        guard low.isFinite, high.isFinite, high > low else { return [] }
        let first = Int(low.rounded(.up)), last = Int(high.rounded(.down))
        if last - first == 1 || (last - first == 0 && high - low >= 0.7) {
            // One or two decades: 1, 2 and 5 of each, so the axis has more than two numbers.
            var ticks: [(value: Double, label: String)] = []
            for exponent in (first - 1)...(last + 1) {
                for factor in [1.0, 2.0, 5.0] {
                    let value = factor * pow(10, Double(exponent))
                    let t = log10(value)
                    if t >= low - 1e-9, t <= high + 1e-9 { ticks.append((t, label(value, step: value))) }
                }
            }
            return ticks
        }
        if last - first >= 1 {
            let every = max(1, Int((Double(last - first + 1) / Double(target)).rounded(.up)))
            return stride(from: first, through: last, by: every).map { exponent in
                (Double(exponent), powerLabel(exponent))
            }
        }
        return linear(low: pow(10, low), high: pow(10, high), target: target)
            .filter { $0.value > 0 }
            .map { (log10($0.value), $0.label) }
    }

    /// Integer ticks (epochs, steps) between `low` and `high`, at a 1-2-5 step of at least 1.
    public static func integers(low: Double, high: Double, target: Int = 6) -> [(value: Double, label: String)] {
        guard low.isFinite, high.isFinite else { return [] }
        guard high > low else { return [(low.rounded(), String(Int(low.rounded())))] }
        let step = max(1, niceStep((high - low) / Double(max(1, target))))
        let first = (low / step).rounded(.up), last = (high / step).rounded(.down)
        guard first <= last else { return [] }
        return stride(from: first, through: last, by: 1).map { k in (k * step, String(Int(k * step))) }
    }

    /// 1, 2 or 5 times a power of ten, nearest to `raw` on a log scale (d3's `tickIncrement` rule).
    static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let normal = raw / magnitude
        let factor: Double = normal >= 50.0.squareRoot() ? 10 : normal >= 10.0.squareRoot() ? 5 : normal >= 2.0.squareRoot() ? 2 : 1
        return factor * magnitude
    }

    /// `value` with the decimals `step` needs; an exponent where fixed notation gets long.
    static func label(_ value: Double, step: Double) -> String {
        if value == 0 { return "0" }
        let decimals = max(0, Int((-log10(step)).rounded(.up)))
        if abs(value) >= 1e6 || decimals > 6 {
            return formatMetric(value, significantDigits: max(2, min(6, Int(log10(abs(value) / step).rounded(.up)) + 1)))
        }
        let text = String(format: "%.\(decimals)f", value)
        return text == "-0" ? "0" : text
    }

    /// 10^exponent as a plain number where short (`0.01`, `1`, `1000`), else `1e-5`, `1e6`.
    static func powerLabel(_ exponent: Int) -> String {
        switch exponent {
        case -3 ... -1: return "0." + String(repeating: "0", count: -exponent - 1) + "1"
        case 0...5: return "1" + String(repeating: "0", count: exponent)
        default: return "1e\(exponent)"
        }
    }
}
