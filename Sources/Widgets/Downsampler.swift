/// Shrinks a series to fewer points without lying: spikes, non-finite values and the last
/// value survive, because a chart that hides a loss spike or a NaN misleads.
public enum Downsampler {
    /// At most `count` values of `values` in order. The last value is always the last
    /// element; the rest are buckets of equal size, each represented by its first non-finite
    /// value if it has one, else by the value farthest from the bucket's mean (its spike).
    public static func reduce(_ values: [Double], to count: Int) -> [Double] {
        guard count > 0 else { return [] }
        guard values.count > count else { return values }
        guard count > 1 else { return [values[values.count - 1]] }
        let body = values.count - 1
        let buckets = count - 1
        var result: [Double] = []
        result.reserveCapacity(count)
        for bucket in 0..<buckets {
            let start = bucket * body / buckets
            let end = max(start + 1, (bucket + 1) * body / buckets)
            result.append(representative(values[start..<end]))
        }
        result.append(values[values.count - 1])
        return result
    }

    private static func representative(_ slice: ArraySlice<Double>) -> Double {
        if let odd = slice.first(where: { !$0.isFinite }) { return odd }
        let mean = slice.reduce(0, +) / Double(slice.count)
        return slice.max { abs($0 - mean) < abs($1 - mean) } ?? mean
    }
}
