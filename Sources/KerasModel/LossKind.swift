/// The loss functions fitwatch knows, by their canonical Keras names.
public enum LossKind: String, Sendable, Equatable, Codable, CaseIterable, Hashable {
    /// mean((ŷ-y)²); `mse`.
    case meanSquaredError = "mean_squared_error"
    /// mean(|ŷ-y|); `mae`.
    case meanAbsoluteError = "mean_absolute_error"
    /// 100·mean(|ŷ-y|/|y|); `mape`.
    case meanAbsolutePercentageError = "mean_absolute_percentage_error"
    /// mean((log(1+ŷ)-log(1+y))²); `msle`.
    case meanSquaredLogarithmicError = "mean_squared_logarithmic_error"
    /// Squared error near 0, absolute error beyond delta.
    case huber = "huber"
    /// mean(log(cosh(ŷ-y))).
    case logCosh = "log_cosh"
    /// Independent Bernoulli cross-entropy per unit, averaged over units.
    case binaryCrossentropy = "binary_crossentropy"
    /// -Σ y·log ŷ over one-hot rows.
    case categoricalCrossentropy = "categorical_crossentropy"
    /// -log ŷ[label] for integer labels.
    case sparseCategoricalCrossentropy = "sparse_categorical_crossentropy"
    /// Binary cross-entropy down-weighting easy examples.
    case binaryFocalCrossentropy = "binary_focal_crossentropy"
    /// Categorical cross-entropy down-weighting easy examples.
    case categoricalFocalCrossentropy = "categorical_focal_crossentropy"
    /// Σ y·log(y/ŷ); `kld`.
    case kullbackLeiblerDivergence = "kl_divergence"
    /// mean(ŷ - y·log ŷ), for counts.
    case poisson = "poisson"
    /// mean(max(0, 1 - y·ŷ)) with y in {-1, 1}.
    case hinge = "hinge"
    /// mean(max(0, 1 - y·ŷ)²).
    case squaredHinge = "squared_hinge"
    /// max(0, 1 + max wrong score - true score).
    case categoricalHinge = "categorical_hinge"
    /// -cos(ŷ, y).
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

    /// A short name for a loss whose canonical name is long, for places with little room
    /// (one-line graph boxes): the alias Keras itself accepts (`bce`, `cce`, `mse`, `mae`,
    /// `mape`, `msle`, `kld`; `LossKind(keras:)` reads each back), and `sparse cce`, which
    /// Keras has no alias for. Nil for losses without one.
    public var shortName: String? {
        switch self {
        case .binaryCrossentropy: return "bce"
        case .categoricalCrossentropy: return "cce"
        case .sparseCategoricalCrossentropy: return "sparse cce"
        case .meanSquaredError: return "mse"
        case .meanAbsoluteError: return "mae"
        case .meanAbsolutePercentageError: return "mape"
        case .meanSquaredLogarithmicError: return "msle"
        case .kullbackLeiblerDivergence: return "kld"
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
