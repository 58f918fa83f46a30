/// The matrix products a dense network needs, in one cache-blocked, SIMD kernel.
///
/// Everything reduces to `C (+)= op(A) · B` with `B` row-major and contiguous, where `op(A)`
/// is `A` or `Aᵀ` (read through strides): the inner loop then streams along a row of `B`
/// and a row of `C` with `SIMD8<Float>` multiply-adds. `A · Bᵀ` (the input gradient
/// `dY · Wᵀ`) first transposes the small weight matrix into a scratch buffer, because a
/// strided `B` would defeat the vector loads. No BLAS: the matrices here are tiny (5x13 on
/// Boston, 32x128 on digits), where a library call's overhead outweighs its kernel.
public enum MatrixMultiply {
    /// Rows of `C` computed together: four rows share every load of `B`.
    static let rowBlock = 4
    /// Depth tile: 256 rows of a 128-wide `B` (128 KiB) stay in L2 while `A`'s rows stream.
    static let depthBlock = 256

    /// `C = A · B` (or `C += A · B` when `accumulate`). `C` is reshaped to `A.rows x B.cols`.
    public static func multiply(_ a: Matrix, _ b: Matrix, into c: inout Matrix, accumulate: Bool = false) {
        precondition(a.cols == b.rows, "multiply: \(a.rows)x\(a.cols) · \(b.rows)x\(b.cols)")
        if !accumulate { c.reshape(rows: a.rows, cols: b.cols); c.zero() }
        a.storage.withUnsafeBufferPointer { ap in
            b.storage.withUnsafeBufferPointer { bp in
                c.storage.withUnsafeMutableBufferPointer { cp in
                    kernel(m: a.rows, n: b.cols, k: a.cols, a: ap.baseAddress!, rowStride: a.cols, depthStride: 1,
                           b: bp.baseAddress!, c: cp.baseAddress!)
                }
            }
        }
    }

    /// `C = Aᵀ · B` (or `+=`): the weight gradient `Xᵀ · dY`. `C` is `A.cols x B.cols`.
    public static func multiplyTransposedA(_ a: Matrix, _ b: Matrix, into c: inout Matrix, accumulate: Bool = false) {
        precondition(a.rows == b.rows, "multiplyTransposedA: (\(a.rows)x\(a.cols))ᵀ · \(b.rows)x\(b.cols)")
        if !accumulate { c.reshape(rows: a.cols, cols: b.cols); c.zero() }
        a.storage.withUnsafeBufferPointer { ap in
            b.storage.withUnsafeBufferPointer { bp in
                c.storage.withUnsafeMutableBufferPointer { cp in
                    kernel(m: a.cols, n: b.cols, k: a.rows, a: ap.baseAddress!, rowStride: 1, depthStride: a.cols,
                           b: bp.baseAddress!, c: cp.baseAddress!)
                }
            }
        }
    }

    /// `C = A · Bᵀ` (or `+=`): the input gradient `dY · Wᵀ`. `scratch` holds `Bᵀ` between calls.
    public static func multiplyTransposedB(_ a: Matrix, _ b: Matrix, into c: inout Matrix, scratch: inout Matrix,
                                           accumulate: Bool = false) {
        precondition(a.cols == b.cols, "multiplyTransposedB: \(a.rows)x\(a.cols) · (\(b.rows)x\(b.cols))ᵀ")
        transpose(b, into: &scratch)
        multiply(a, scratch, into: &c, accumulate: accumulate)
    }

    /// `T = Mᵀ`.
    public static func transpose(_ m: Matrix, into t: inout Matrix) {
        t.reshape(rows: m.cols, cols: m.rows)
        let rows = m.rows, cols = m.cols
        m.storage.withUnsafeBufferPointer { src in
            t.storage.withUnsafeMutableBufferPointer { dst in
                for r in 0..<rows {
                    for c in 0..<cols { dst[c * rows + r] = src[r * cols + c] }
                }
            }
        }
    }

    /// `C[m x n] += A[m x k] · B[k x n]`, `A[i, p]` at `a[i * rowStride + p * depthStride]`.
    @inline(__always)
    static func kernel(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, rowStride: Int, depthStride: Int,
                       b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
        let vectorEnd = n - n % 8
        var p0 = 0
        while p0 < k {
            let p1 = min(k, p0 + depthBlock)
            var i = 0
            while i + rowBlock <= m {
                let c0 = c + i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n
                let a0 = a + i * rowStride, a1 = a0 + rowStride, a2 = a1 + rowStride, a3 = a2 + rowStride
                var j = 0
                while j < vectorEnd {
                    var s0 = UnsafeRawPointer(c0 + j).loadUnaligned(as: SIMD8<Float>.self)
                    var s1 = UnsafeRawPointer(c1 + j).loadUnaligned(as: SIMD8<Float>.self)
                    var s2 = UnsafeRawPointer(c2 + j).loadUnaligned(as: SIMD8<Float>.self)
                    var s3 = UnsafeRawPointer(c3 + j).loadUnaligned(as: SIMD8<Float>.self)
                    for p in p0..<p1 {
                        let bv = UnsafeRawPointer(b + p * n + j).loadUnaligned(as: SIMD8<Float>.self)
                        let q = p * depthStride
                        s0 += a0[q] * bv
                        s1 += a1[q] * bv
                        s2 += a2[q] * bv
                        s3 += a3[q] * bv
                    }
                    UnsafeMutableRawPointer(c0 + j).storeBytes(of: s0, as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(c1 + j).storeBytes(of: s1, as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(c2 + j).storeBytes(of: s2, as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(c3 + j).storeBytes(of: s3, as: SIMD8<Float>.self)
                    j += 8
                }
                if vectorEnd < n {
                    for p in p0..<p1 {
                        let q = p * depthStride
                        let x0 = a0[q], x1 = a1[q], x2 = a2[q], x3 = a3[q]
                        let brow = b + p * n
                        for jj in vectorEnd..<n {
                            let bv = brow[jj]
                            c0[jj] += x0 * bv
                            c1[jj] += x1 * bv
                            c2[jj] += x2 * bv
                            c3[jj] += x3 * bv
                        }
                    }
                }
                i += rowBlock
            }
            while i < m {
                let crow = c + i * n
                let arow = a + i * rowStride
                var j = 0
                while j < vectorEnd {
                    var s = UnsafeRawPointer(crow + j).loadUnaligned(as: SIMD8<Float>.self)
                    for p in p0..<p1 {
                        s += arow[p * depthStride] * UnsafeRawPointer(b + p * n + j).loadUnaligned(as: SIMD8<Float>.self)
                    }
                    UnsafeMutableRawPointer(crow + j).storeBytes(of: s, as: SIMD8<Float>.self)
                    j += 8
                }
                if vectorEnd < n {
                    for p in p0..<p1 {
                        let x = arow[p * depthStride]
                        let brow = b + p * n
                        for jj in vectorEnd..<n { crow[jj] += x * brow[jj] }
                    }
                }
                i += 1
            }
            p0 = p1
        }
    }
}
