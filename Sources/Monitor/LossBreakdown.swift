import Diagnostics
import KerasModel
import TrainingLog

/// How the total loss is made of the outputs' losses: Keras minimises
/// `loss = Σ weight_i · output_i_loss` (plus any regularisation). From the model's compile
/// config when known; otherwise outputs come from the metric names and the weights are
/// fitted to the logged totals.
public struct LossBreakdown: Sendable, Equatable {
    /// One output's part of the total.
    public struct Part: Sendable, Equatable {
        /// The output's name (`out1`).
        public var output: String
        /// The metric key of its loss (`out1_loss`; `loss` for a single-output model).
        public var key: String
        /// The loss function, when the model is known.
        public var loss: LossSpec?
        /// The loss weight.
        public var weight: Double?
        /// True when `weight` was fitted to the log rather than read from the config.
        public var weightFitted: Bool
        /// The latest training value of this output's loss.
        public var current: Double?
        /// `weight · current / total`: how much of the total this output makes (of the
        /// weighted sum when no total was logged); nil when either is unknown, not finite, or
        /// the total is not positive (a share of a negative total means nothing).
        public var share: Double?
    }

    /// Every output's part, in output order.
    public var outputs: [Part]
    /// The latest total loss as logged (`loss`, regularisation included).
    public var total: Double?
    /// `Σ weight · current` when every output's weight and finite value are known.
    public var weightedSum: Double?

    /// The breakdown of `run` as `state` shows it (the `--model` override included).
    public init(state: MonitorState, run: RunState) {
        self.init(history: run.history, model: state.model(of: run))
    }

    /// The breakdown of `history` under `model` (nil: outputs from the metric names).
    public init(history: RunHistory, model: ModelGraph?) {
        let last = history.epochs.last?.metrics ?? history.lastProgress?.metrics ?? [:]
        let total = last["loss"]
        var parts: [Part] = []
        if let model, !model.outputs.isEmpty {
            let single = model.outputs.count == 1
            let keys = model.outputs.map { single ? "loss" : $0.name + "_loss" }
            // A printed summary or a tf-keras model.to_json() names the outputs but not the
            // compile config: the weights then come from the log, not from OutputSpec's
            // default of 1.0.
            let known = model.knowsCompileConfig
            let fitted = known || single ? nil : LossBreakdown.fitWeights(history: history, keys: keys)
            for (spec, key) in zip(model.outputs, keys) {
                let index = parts.count
                let weight = known || single ? spec.lossWeight : fitted?[index]
                parts.append(Part(output: spec.name, key: key, loss: known ? spec.loss : nil,
                                  weight: weight, weightFitted: fitted != nil, current: last[key], share: nil))
            }
        } else {
            let bases = history.metricNames.filter { !$0.hasPrefix("val_") }
            let names = PrintedMetric.outputNames(in: bases)
            if names.isEmpty {
                parts = [Part(output: "output", key: "loss", loss: nil, weight: 1, weightFitted: false,
                              current: last["loss"], share: nil)]
            } else {
                let weights = LossBreakdown.fitWeights(history: history, keys: names.map { $0 + "_loss" })
                for (index, name) in names.enumerated() {
                    parts.append(Part(output: name, key: name + "_loss", loss: nil, weight: weights?[index],
                                      weightFitted: weights != nil, current: last[name + "_loss"], share: nil))
                }
            }
        }
        self.init(parts: parts, total: total)
    }

    /// The breakdown of `parts` (their `share`s ignored) under the logged `total`: the one
    /// place the weighted sum and the shares are computed.
    init(parts: [Part], total: Double?) {
        self.total = total
        let weighted = parts.map { part -> Double? in
            guard let weight = part.weight, let value = part.current, value.isFinite else { return nil }
            return value * weight
        }
        weightedSum = weighted.isEmpty || weighted.contains(nil) ? nil : weighted.reduce(0) { $0 + $1! }
        var parts = parts
        for index in parts.indices { parts[index].share = nil }
        if let whole = total ?? weightedSum, whole.isFinite, whole > 0 {
            for index in parts.indices {
                if let part = weighted[index] { parts[index].share = part / whole }
            }
        }
        outputs = parts
    }

    /// Least-squares weights `w` with `loss ≈ Σ w_i · key_i` over the finished epochs, or nil
    /// when there are fewer clean epochs than outputs or the system is singular. Rounded to
    /// 3 significant digits: the logged values are float32 averages, more digits would be noise.
    static func fitWeights(history: RunHistory, keys: [String]) -> [Double]? {
        // From the history's columns, not a record per epoch: the graph panel asks every frame.
        let totals = history.epochs.values(of: "loss")
        let columns = keys.map { history.epochs.values(of: $0) }
        var rows: [([Double], Double)] = []
        for (row, total) in totals.enumerated() where total.isFinite {
            let xs = columns.map { $0[row] }
            if xs.allSatisfy(\.isFinite) { rows.append((xs, total)) }
        }
        guard !keys.isEmpty, rows.count >= keys.count,
              let solution = LossCheck.leastSquares(rows: rows.map(\.0), totals: rows.map(\.1)) else { return nil }
        return solution.map { roundSignificant($0, digits: 3) }
    }

    static func roundSignificant(_ value: Double, digits: Int) -> Double {
        guard value.isFinite, value != 0 else { return value }
        let magnitude = (abs(value)).log10Floor
        let scale = pow10(digits - 1 - magnitude)
        return (value * scale).rounded() / scale
    }

    private static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        if exponent >= 0 { for _ in 0..<exponent { result *= 10 } } else { for _ in 0..<(-exponent) { result /= 10 } }
        return result
    }
}

extension Double {
    /// ⌊log10(self)⌋ for a positive finite value, without Foundation.
    fileprivate var log10Floor: Int {
        var exponent = 0
        var value = self
        while value >= 10 { value /= 10; exponent += 1 }
        while value < 1 { value *= 10; exponent -= 1 }
        return exponent
    }
}
