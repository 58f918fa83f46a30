import Foundation

/// Exponential moving average exactly as TensorBoard's scalar dashboard smooths
/// (`vz_line_chart2/line-chart.ts`, "classic" smoothing): `last = last*w + (1-w)*x`, divided by
/// the debias weight `1 - w^k` where k counts the finite values so far, so early points are
/// not pulled towards the zero the average starts from. Non-finite values pass through
/// unchanged and are not accumulated; a constant series is returned as it is (TensorBoard
/// skips smoothing it, since rounding would otherwise make a flat line wobble).
public enum Smoothing {
    /// The smoothed series for `weight`, clamped to 0...0.999, the range of TensorBoard's
    /// slider (at exactly 1 the average never moves off its starting 0). 0 returns `values`.
    public static func ema(_ values: [Double], weight: Double) -> [Double] {
        guard !values.isEmpty else { return [] }
        let w = min(max(weight.isNaN ? 0 : weight, 0), 0.999)
        guard w > 0 else { return values }
        if values.allSatisfy({ $0 == values[0] }) { return values }
        var last = 0.0
        // w^k for the k finite values so far, kept as a running product rather than a pow()
        // per point (the same number to within an ulp, at a fraction of the cost).
        var weightPower = 1.0
        return values.map { value in
            guard value.isFinite else { return value }
            last = last * w + (1 - w) * value
            // Below 2^-53, 1 - w^k rounds to 1 anyway; stopping at 0 also keeps the product
            // out of subnormal numbers, where it would never reach 0 (0.9 x the smallest
            // subnormal rounds back to it) and every multiply costs ~100x.
            weightPower = weightPower < 0x1p-54 ? 0 : weightPower * w
            return last / (1 - weightPower)
        }
    }
}
