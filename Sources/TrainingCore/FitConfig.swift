/// `fit` arguments as Keras takes them.
public struct FitConfig: Sendable, Equatable {
    /// Samples per step (Keras's default 32).
    public var batchSize: Int
    /// Epochs to run.
    public var epochs: Int
    /// Fraction of the data, taken from the end before shuffling, held out for `val_*`.
    public var validationSplit: Double
    /// Shuffle the training rows every epoch.
    public var shuffle: Bool
    /// Seed for shuffling and dropout.
    public var seed: UInt64

    /// Keras's defaults: batch 32, 1 epoch, no validation, shuffled.
    public init(batchSize: Int = 32, epochs: Int = 1, validationSplit: Double = 0, shuffle: Bool = true, seed: UInt64 = 0) {
        self.batchSize = batchSize
        self.epochs = epochs
        self.validationSplit = validationSplit
        self.shuffle = shuffle
        self.seed = seed
    }

    /// Training rows for `samples` rows: `floor(samples * (1 - validation_split))`, as
    /// keras/src/trainers/data_adapters/data_adapter_utils.py `train_validation_split` cuts.
    public func trainingRows(of samples: Int) -> Int {
        validationSplit > 0 ? Int((Double(samples) * (1 - validationSplit)).rounded(.down)) : samples
    }
}
