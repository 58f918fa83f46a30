/// The loss functions fitwatch knows, by their canonical Keras names.
public enum LossKind: String, Sendable, Equatable, Codable, CaseIterable, Hashable {
    case meanSquaredError = "mean_squared_error"
    case meanAbsoluteError = "mean_absolute_error"
    case meanAbsolutePercentageError = "mean_absolute_percentage_error"
    case meanSquaredLogarithmicError = "mean_squared_logarithmic_error"
    case huber = "huber"
    case logCosh = "log_cosh"
    case binaryCrossentropy = "binary_crossentropy"
    case categoricalCrossentropy = "categorical_crossentropy"
    case sparseCategoricalCrossentropy = "sparse_categorical_crossentropy"
    case binaryFocalCrossentropy = "binary_focal_crossentropy"
    case categoricalFocalCrossentropy = "categorical_focal_crossentropy"
    case kullbackLeiblerDivergence = "kl_divergence"
    case poisson = "poisson"
    case hinge = "hinge"
    case squaredHinge = "squared_hinge"
    case categoricalHinge = "categorical_hinge"
    case cosineSimilarity = "cosine_similarity"

    /// Parse any spelling Keras accepts: aliases (`mse`, `mae`, `mape`, `msle`, `kld`,
    /// `logcosh`), class names (`MeanSquaredError`, `BinaryCrossentropy`) and snake case.
    public init?(keras name: String) {
        let key = String(name.lowercased().filter { $0 != "_" })
        switch key {
        case "mse", "meansquarederror": self = .meanSquaredError
        case "mae", "meanabsoluteerror": self = .meanAbsoluteError
        case "mape", "meanabsolutepercentageerror": self = .meanAbsolutePercentageError
        case "msle", "meansquaredlogarithmicerror": self = .meanSquaredLogarithmicError
        case "huber", "huberloss": self = .huber
        case "logcosh", "logcoshloss": self = .logCosh
        case "binarycrossentropy", "bce": self = .binaryCrossentropy
        case "categoricalcrossentropy", "cce": self = .categoricalCrossentropy
        case "sparsecategoricalcrossentropy": self = .sparseCategoricalCrossentropy
        case "binaryfocalcrossentropy": self = .binaryFocalCrossentropy
        case "categoricalfocalcrossentropy": self = .categoricalFocalCrossentropy
        case "kld", "kldivergence", "kullbackleiblerdivergence": self = .kullbackLeiblerDivergence
        case "poisson": self = .poisson
        case "hinge": self = .hinge
        case "squaredhinge": self = .squaredHinge
        case "categoricalhinge": self = .categoricalHinge
        case "cosinesimilarity": self = .cosineSimilarity
        default: return nil
        }
    }

    /// Losses that treat the target as a real number: "accuracy" means nothing for them.
    public var isRegression: Bool {
        switch self {
        case .meanSquaredError, .meanAbsoluteError, .meanAbsolutePercentageError,
             .meanSquaredLogarithmicError, .huber, .logCosh, .poisson, .cosineSimilarity:
            return true
        default:
            return false
        }
    }

    /// Cross-entropy losses that accept `from_logits`.
    public var acceptsLogits: Bool {
        switch self {
        case .binaryCrossentropy, .categoricalCrossentropy, .sparseCategoricalCrossentropy,
             .binaryFocalCrossentropy, .categoricalFocalCrossentropy:
            return true
        default:
            return false
        }
    }
}
