/// A dense row-major Float32 matrix: a batch of rows (samples) by columns (features).
///
/// Storage may be larger than `rows * cols`: layers reuse one buffer across batches of
/// different sizes (the last batch of an epoch is usually short) instead of allocating per
/// step, which at Boston's 5-row batches would cost more than the arithmetic.
public struct Matrix: Sendable {
    /// Number of rows (the batch axis).
    public private(set) var rows: Int
    /// Number of columns (the feature axis, Keras's last axis).
    public private(set) var cols: Int
    /// Row-major values; only the first `rows * cols` are meaningful.
    public var storage: [Float]

    /// A zero-filled matrix.
    public init(rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
        storage = [Float](repeating: 0, count: rows * cols)
    }

    /// A matrix over `values` (row-major, exactly `rows * cols` of them).
    public init(rows: Int, cols: Int, values: [Float]) {
        precondition(values.count == rows * cols, "Matrix: \(values.count) values for \(rows)x\(cols)")
        self.rows = rows
        self.cols = cols
        storage = values
    }

    /// Rows of equal length, as in a test table.
    public init(_ rowValues: [[Float]]) {
        let cols = rowValues.first?.count ?? 0
        self.init(rows: rowValues.count, cols: cols, values: rowValues.flatMap { $0 })
    }

    /// Number of meaningful values.
    public var count: Int { rows * cols }

    /// The meaningful values, row-major.
    public var values: [Float] { Array(storage[0..<count]) }

    /// Element access.
    public subscript(row: Int, col: Int) -> Float {
        get { storage[row * cols + col] }
        set { storage[row * cols + col] = newValue }
    }

    /// Change the shape, keeping the buffer when it is large enough. Contents are unspecified.
    public mutating func reshape(rows newRows: Int, cols newCols: Int) {
        rows = newRows
        cols = newCols
        if storage.count < newRows * newCols {
            storage = [Float](repeating: 0, count: newRows * newCols)
        }
    }

    /// Set every meaningful value to zero.
    public mutating func zero() {
        let n = count
        storage.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.update(repeating: 0, count: n)
        }
    }

    /// Copy rows `indices` of `source` into self (reshaped to `indices.count` rows).
    public mutating func gather(rows indices: some Collection<Int>, of source: Matrix) {
        reshape(rows: indices.count, cols: source.cols)
        let width = source.cols
        storage.withUnsafeMutableBufferPointer { out in
            source.storage.withUnsafeBufferPointer { src in
                for (r, index) in indices.enumerated() {
                    (out.baseAddress! + r * width).update(from: src.baseAddress! + index * width, count: width)
                }
            }
        }
    }

    /// Rows `range` of self as a new matrix.
    public func slice(rows range: Range<Int>) -> Matrix {
        Matrix(rows: range.count, cols: cols, values: Array(storage[(range.lowerBound * cols)..<(range.upperBound * cols)]))
    }
}

extension Matrix: Equatable {
    /// Equal shapes and equal meaningful values (spare capacity is ignored).
    public static func == (lhs: Matrix, rhs: Matrix) -> Bool {
        lhs.rows == rhs.rows && lhs.cols == rhs.cols && lhs.storage[0..<lhs.count] == rhs.storage[0..<rhs.count]
    }
}
