/// The shape of a `fit`: epochs, steps per epoch, and sample counts.
public struct FitPlan: Sendable, Equatable {
    /// Epochs requested.
    public var epochs: Int
    /// Steps per epoch (the last batch may be short).
    public var steps: Int
    /// Training samples.
    public var samples: Int
    /// Validation samples.
    public var validationSamples: Int
}
