import Foundation
import KerasModel
import TrainingLog

/// Whether a multi-output run's printed total is the weighted sum of its printed per-output
/// losses: `loss == Σ weight_i × <output_i>_loss` at every epoch, training and validation.
///
/// Keras 3.x (keras/src/trainers/compile_utils.py `CompileLoss.call`: "Record *unweighted*
/// individual losses", then multiplies by `loss_weight` and sums; keras/src/trainers/trainer.py
/// `compute_loss` adds `model.losses`, the regularisation penalties, to the total only),
/// tf-keras 2.x (tf_keras/src/engine/compile_utils.py `LossesContainer.__call__`: the same, plus
/// `regularization_losses`) and Keras 2.2.4 (keras/engine/training.py `compile`:
/// `total_loss += loss_weight * output_loss`, then `total_loss += loss` for `self.losses`) all
/// print the per-output losses unweighted and the total weighted, with regularisation in the
/// total alone.
public struct LossCheck: Sendable, Equatable {
    /// One output's part of the total.
    public struct Term: Sendable, Equatable {
        /// The output name (`out1`).
        public var output: String
        /// The loss weight used (from the compile config, or inferred from the numbers).
        public var weight: Double
        /// The output's printed loss at the last checked epoch.
        public var loss: Double
        /// `weight × loss` as a share of the weighted sum at that epoch.
        public var share: Double
        /// The smallest such share over every printed training epoch (a head that dominated
        /// only once another head had learned its task has a small one).
        public var leastShare: Double
    }

    /// The terms, in output order.
    public var terms: [Term]
    /// True when the weights come from an exact compile config; false when fitted to the numbers.
    public var weightsKnown: Bool
    /// Epochs (training and validation rows) compared.
    public var rowsChecked: Int
    /// The first epoch where the total differs from the weighted sum beyond printing precision.
    public var firstMismatchEpoch: Int?
    /// At that epoch: printed total and weighted sum, and which split (`""` or `"val_"`).
    public var mismatch: (split: String, total: Double, weightedSum: Double)?
    /// True when every row matched.
    public var holds: Bool { firstMismatchEpoch == nil }

    /// Field by field (the mismatch tuple compared by its parts).
    public static func == (lhs: LossCheck, rhs: LossCheck) -> Bool {
        lhs.terms == rhs.terms && lhs.weightsKnown == rhs.weightsKnown && lhs.rowsChecked == rhs.rowsChecked
            && lhs.firstMismatchEpoch == rhs.firstMismatchEpoch && lhs.mismatch?.split == rhs.mismatch?.split
            && lhs.mismatch?.total == rhs.mismatch?.total && lhs.mismatch?.weightedSum == rhs.mismatch?.weightedSum
    }

    /// Check a run; nil unless it printed a total and at least two per-output losses.
    public static func check(history: RunHistory, model: ModelGraph?) -> LossCheck? {
        check(RunFacts(history: history, model: model, flavour: nil))
    }

    static func check(_ facts: RunFacts) -> LossCheck? {
        let outputs = facts.outputs.filter { facts.has("\($0)_loss") }
        guard outputs.count >= 2, facts.has("loss"), !facts.epochs.isEmpty else { return nil }
        let rows = printedRows(facts, outputs: outputs)
        var weights: [Double]
        var known = false
        if facts.knowsCompileConfig, let model = facts.model {
            weights = outputs.map { name in model.outputs.first { $0.name == name }?.lossWeight ?? 1.0 }
            known = true
        } else if let fitted = fitWeights(rows, outputs: outputs) {
            weights = fitted
        } else {
            weights = outputs.map { _ in 1.0 }
        }
        var firstMismatch: Int?
        var mismatch: (String, Double, Double)?
        for row in rows {
            let sum = zip(weights, row.parts).map(*).reduce(0, +)
            if !matches(total: row.total, sum: sum, weights: weights), firstMismatch.map({ row.epoch < $0 }) ?? true {
                firstMismatch = row.epoch
                mismatch = (row.split, row.total, sum)
            }
        }
        guard !rows.isEmpty, let last = facts.epochs.last else { return nil }
        let lastValues = outputs.map { last.metrics["\($0)_loss"] ?? .nan }
        let weighted = zip(weights, lastValues).map(*)
        let sum = weighted.reduce(0, +)
        var leastShares = outputs.map { _ in Double.infinity }
        for row in rows where row.split.isEmpty {
            let terms = zip(weights, row.parts).map(*)
            let total = terms.reduce(0, +)
            guard total > 0 else { continue }
            for index in terms.indices { leastShares[index] = min(leastShares[index], terms[index] / total) }
        }
        let terms = outputs.indices.map { index in
            Term(output: outputs[index], weight: weights[index], loss: lastValues[index],
                 share: sum > 0 ? weighted[index] / sum : .nan,
                 leastShare: leastShares[index].isFinite ? leastShares[index] : .nan)
        }
        return LossCheck(terms: terms, weightsKnown: known, rowsChecked: rows.count, firstMismatchEpoch: firstMismatch,
                         mismatch: mismatch.map { (split: $0.0, total: $0.1, weightedSum: $0.2) })
    }

    /// One epoch's printed total and per-output losses, training (`split` "") or validation.
    struct PrintedRow {
        var split: String
        var epoch: Int
        var total: Double
        var parts: [Double]
    }

    /// Every epoch whose total and per-output losses are all finite: training rows, then
    /// validation rows.
    static func printedRows(_ facts: RunFacts, outputs: [String]) -> [PrintedRow] {
        var rows: [PrintedRow] = []
        for split in ["", "val_"] {
            let totals = facts.values(split + "loss")
            let parts = outputs.map { facts.values("\(split)\($0)_loss") }
            for row in totals.indices {
                let values = parts.map { $0[row] }
                guard totals[row].isFinite, values.allSatisfy(\.isFinite) else { continue }
                rows.append(PrintedRow(split: split, epoch: facts.epochs.epoch(at: row), total: totals[row], parts: values))
            }
        }
        return rows
    }

    /// Printed values are rounded to 4 decimals: allow that per term plus a relative margin.
    static func matches(total: Double, sum: Double, weights: [Double]) -> Bool {
        let rounding = Thresholds.absoluteRounding * (1 + weights.map(abs).reduce(0, +))
        return abs(total - sum) <= rounding + Thresholds.totalLossTolerance * abs(total)
    }

    /// Least-squares weights w minimising Σ (loss - Σ w_i L_i)² over every printed row, kept only
    /// when they reproduce every row within printing precision and are all positive (otherwise
    /// the total holds something else, such as a regularisation penalty).
    static func fitWeights(_ printed: [PrintedRow], outputs: [String]) -> [Double]? {
        let rows = printed.map(\.parts), totals = printed.map(\.total)
        guard rows.count >= outputs.count + 1, let solution = leastSquares(rows: rows, totals: totals) else { return nil }
        // Users write weights like 0.2 or 1.0: round to 3 significant digits so the evidence reads as written.
        let weights = solution.map { value -> Double in
            guard value != 0, value.isFinite else { return value }
            let scale = pow10(2 - Int(floor(log10(abs(value)))))
            return (value * scale).rounded() / scale
        }
        guard weights.allSatisfy({ $0 > 0 && $0.isFinite }),
              zip(rows, totals).allSatisfy({ row, total in
                  matches(total: total, sum: zip(weights, row).map(*).reduce(0, +), weights: weights)
              }) else { return nil }
        return weights
    }

    private static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(exponent) { result *= 10 }
        return exponent >= 0 ? result : 1 / result
    }

    /// The `w` minimising Σ (total - Σ w_i row_i)²: the normal equations (XᵀX) w = Xᵀy, solved
    /// by Gauss-Jordan elimination with partial pivoting; nil when they are singular. Every row
    /// holds one value per weight. (The graph panel's weight fit uses it too.)
    public static func leastSquares(rows: [[Double]], totals: [Double]) -> [Double]? {
        guard let k = rows.first?.count, k > 0 else { return nil }
        var matrix = Array(repeating: Array(repeating: 0.0, count: k + 1), count: k)
        for (row, total) in zip(rows, totals) {
            for i in 0..<k {
                for j in 0..<k { matrix[i][j] += row[i] * row[j] }
                matrix[i][k] += row[i] * total
            }
        }
        return solve(matrix)
    }

    /// Gauss-Jordan elimination with partial pivoting on an augmented k x (k+1) matrix.
    static func solve(_ input: [[Double]]) -> [Double]? {
        var m = input
        let k = m.count
        for column in 0..<k {
            guard let pivot = (column..<k).max(by: { abs(m[$0][column]) < abs(m[$1][column]) }),
                  abs(m[pivot][column]) > 1e-12 else { return nil }
            m.swapAt(column, pivot)
            for row in 0..<k where row != column {
                let factor = m[row][column] / m[column][column]
                for j in column...k { m[row][j] -= factor * m[column][j] }
            }
        }
        return (0..<k).map { m[$0][k] / m[$0][$0] }
    }
}
