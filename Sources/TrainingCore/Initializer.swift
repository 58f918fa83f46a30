/// Keras 3 weight initialisers (keras/src/initializers), by the names `Dense` accepts.
public enum Initializer: String, Sendable, Equatable, CaseIterable {
    /// `U(-l, l)`, `l = sqrt(6 / (fan_in + fan_out))`: Dense's default kernel initialiser.
    case glorotUniform = "glorot_uniform"
    /// Truncated normal, stddev `sqrt(2 / (fan_in + fan_out)) / 0.8796…`.
    case glorotNormal = "glorot_normal"
    /// Truncated normal, stddev `sqrt(2 / fan_in) / 0.8796…`.
    case heNormal = "he_normal"
    /// `U(-l, l)`, `l = sqrt(6 / fan_in)`.
    case heUniform = "he_uniform"
    /// Truncated normal, stddev `sqrt(1 / fan_in) / 0.8796…`.
    case lecunNormal = "lecun_normal"
    /// Keras 3 `RandomNormal()`: mean 0, stddev 0.05 (the string `'normal'` / `'random_normal'`).
    case normal = "random_normal"
    /// Keras 3 `RandomUniform()`: `U(-0.05, 0.05)`.
    case uniform = "random_uniform"
    case zeros
    case ones

    /// 0.87962566103423978 is the stddev of a unit normal truncated to [-2, 2]: Keras's
    /// VarianceScaling divides by it so the truncated draw has the intended variance.
    static let truncatedCorrection: Float = 0.879_625_66

    /// Parse a Keras initialiser name (`glorot_uniform`, `GlorotUniform`, `he_normal`, `normal`, `zeros`).
    public init?(keras name: String) {
        let key = name.lowercased().filter { $0 != "_" }
        switch key {
        case "glorotuniform": self = .glorotUniform
        case "glorotnormal": self = .glorotNormal
        case "henormal": self = .heNormal
        case "heuniform": self = .heUniform
        case "lecunnormal": self = .lecunNormal
        case "normal", "randomnormal": self = .normal
        case "uniform", "randomuniform": self = .uniform
        case "zeros", "zero": self = .zeros
        case "ones", "one": self = .ones
        default: return nil
        }
    }

    /// `count` values for a kernel with these fans.
    public func values(count: Int, fanIn: Int, fanOut: Int, random: inout SeededRandom) -> [Float] {
        let fi = Float(max(1, fanIn)), fo = Float(max(1, fanOut))
        switch self {
        case .zeros: return [Float](repeating: 0, count: count)
        case .ones: return [Float](repeating: 1, count: count)
        case .glorotUniform:
            let limit = (6 / (fi + fo)).squareRoot()
            return (0..<count).map { _ in random.uniform(-limit, limit) }
        case .heUniform:
            let limit = (6 / fi).squareRoot()
            return (0..<count).map { _ in random.uniform(-limit, limit) }
        case .glorotNormal, .heNormal, .lecunNormal:
            let variance: Float = self == .glorotNormal ? 2 / (fi + fo) : (self == .heNormal ? 2 / fi : 1 / fi)
            let stddev = variance.squareRoot() / Self.truncatedCorrection
            return (0..<count).map { _ in random.truncatedNormal() * stddev }
        case .normal: return (0..<count).map { _ in random.normal() * 0.05 }
        case .uniform: return (0..<count).map { _ in random.uniform(-0.05, 0.05) }
        }
    }
}
