/// The numbers the rules decide with, each with the reason for its value.
public enum Thresholds {
    /// Dropout rates at or above this leave (almost) nothing: with 0.99 a 64-unit layer passes
    /// 0.64 units per sample on average, each scaled by 100, so what follows sees noise.
    /// Real regularisation uses 0.1-0.5; nobody means 0.99.
    public static let dropoutNothingPasses = 0.99

    /// Epochs a curve rule needs before it speaks. 5: fewer epochs are too noisy to call a
    /// metric stuck (a 24-sample validation set moves in steps of 1/24 and can sit still
    /// for 3-4 epochs in a healthy run, e.g. S9's first epochs).
    public static let minimumEpochs = 5

    /// Epochs of exact-zero accuracy before a log alone suggests regression targets: a classifier
    /// scores at least chance (1/k) most epochs, so 3 exact zeros in a row happen only when no
    /// prediction can ever match its target.
    public static let zeroAccuracyEpochs = 3

    /// A metric is stuck when every epoch printed the same value while its loss moved by at
    /// least this fraction; below 1% the loss is flat too and the model simply converged.
    public static let stuckLossChange = 0.01

    /// A loss that printed the same value (to Keras's 4 places) this many epochs in a row from
    /// the start never learned anything: any gradient step moves a running mean.
    public static let constantLossEpochs = 3

    /// Overfitting: validation loss must have risen for at least this many epochs after its
    /// best (3 is the patience Keras's EarlyStopping examples use) ...
    public static let overfittingPatience = 3
    /// ... by at least this fraction of the best value (10%: smaller rises are epoch-to-epoch
    /// noise on small validation sets) ...
    public static let overfittingRise = 0.10
    /// ... while the training loss fell by more than this fraction since the best epoch (0: any
    /// fall; a training loss that rises too is divergence or noise, not overfitting).
    public static let overfittingTrainFall = 0.0

    /// Diverging: an epoch's loss at least this many times the best value so far and above the
    /// first epoch's: one order of magnitude; a healthy run never ends an epoch 10x worse than
    /// its best (the recorded divergence grows ~7-100x per epoch).
    public static let divergenceFactor = 10.0

    /// One output's weighted loss above this share of the total hides the others: at 95% the
    /// other outputs contribute 1/20 of the gradient of the shared layers.
    public static let dominanceShare = 0.95

    /// Relative tolerance of `loss == sum(weight * output_loss)` beyond the printed rounding:
    /// Keras averages the total and each output loss over the same batches with the same
    /// weights, so the identity is exact up to float32 summation (~1e-7 relative); 1e-4 leaves
    /// room for that and still catches a 1% regularisation term.
    public static let totalLossTolerance = 1e-4
    /// Half a unit in the 4th decimal place: the rounding of one printed `%.4f` value.
    public static let absoluteRounding = 0.00005
}
