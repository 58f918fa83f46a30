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
    /// Healthy runs that do the same are not stuck (issue 16; `Diagnostics.stuckMetric`):
    /// - a value at the metric's best (`MetricKind.best`, within `absoluteRounding`): precision,
    ///   recall, AUC, F1 or accuracy at 1.0, an error at 0.0. A model that never makes a false
    ///   positive on the validation set prints val_precision 1.0000 every epoch (recorded:
    ///   Tests/Fixtures/healthy/k3_cancer_binary) while val_loss falls 0.7152 -> 0.0406;
    /// - a validation value whose training value moved (or sat at its best): val_* is a ratio of counts on a fixed
    ///   set computed once per epoch (accuracy's hits; Precision, Recall, AUC and F1 count samples
    ///   on each side of a threshold), so it moves in steps of 1/n and only when a sample crosses
    ///   the threshold, while the loss sees every probability. A metric that cannot move (accuracy
    ///   on regression targets, a constant prediction) is stuck in training too.
    public static let stuckLossChange = 0.01

    /// A loss that printed the same value (to Keras's 4 places) this many epochs in a row from
    /// the start never learned anything: any gradient step moves a running mean. A learning-rate
    /// schedule or ReduceLROnPlateau cannot do it (the first epochs run at the initial rate); a
    /// loss of exactly 0 is a perfect fit, not reported.
    public static let constantLossEpochs = 3

    /// Overfitting: validation loss must have risen for at least this many epochs after its
    /// best (3 is the patience Keras's EarlyStopping examples use) ...
    public static let overfittingPatience = 3
    /// ... by at least this fraction of the best value in each of the last two epochs (10%:
    /// smaller rises are epoch-to-epoch noise on small validation sets; one high epoch is not a
    /// trend) ...
    public static let overfittingRise = 0.10
    /// ... with the curve since the best epoch going mostly up: (rises - falls) / (rises + falls)
    /// at least this, i.e. rises at least 3x the falls. A small validation set's loss wanders
    /// around a plateau: the recorded 30-sample iris run (Tests/Fixtures/healthy/k3_iris_f1)
    /// swings 0.113-0.141 after its best epoch with a trend of 0.15-0.43, while the three recorded
    /// overfitting runs (Keras 3, tf-keras, a 4-sample validation set) rise with a trend of
    /// 0.74-1.0 at every epoch where the rise itself qualifies. Not reported either when the best weights
    /// are kept: EarlyStopping printed "Restoring model weights", or ModelCheckpoint with
    /// save_best_only printed "val_loss improved from" (the monitor's "overfitting" fix is exactly that) ...
    public static let overfittingTrend = 0.5
    /// ... while the training loss fell by more than this fraction since the best epoch (0: any
    /// fall; a training loss that rises too is divergence or noise, not overfitting).
    public static let overfittingTrainFall = 0.0

    /// Diverging: an epoch's loss at least this many times the best value so far and above the
    /// first epoch's: one order of magnitude; a healthy run never ends an epoch 10x worse than
    /// its best (the recorded divergence grows ~7-100x per epoch). "Above the first epoch's" is
    /// what keeps a learning-rate schedule's warm restart (a loss of 1e-4 jumping to 1e-3 when
    /// the rate goes back up) from counting: a healthy restart never climbs above where the run began.
    public static let divergenceFactor = 10.0

    /// One output's weighted loss above this share of the total hides the others: at 95% the
    /// other outputs contribute 1/20 of the gradient of the shared layers. It must hold in every
    /// epoch: a head whose loss fell towards 0 because it learned its task leaves the others
    /// most of the total at the end of a healthy run (a classifier at 0.002 beside a regression
    /// at 0.5), which is not a problem of scales.
    public static let dominanceShare = 0.95

    /// Relative tolerance of `loss == sum(weight * output_loss)` beyond the printed rounding
    /// (every healthy multi-output run recorded, Keras 3 and tf-keras, adds up within it):
    /// Keras averages the total and each output loss over the same batches with the same
    /// weights, so the identity is exact up to float32 summation (~1e-7 relative); 1e-4 leaves
    /// room for that and still catches a 1% regularisation term.
    public static let totalLossTolerance = 1e-4
    /// Half a unit in the 4th decimal place: the rounding of one printed `%.4f` value (also the
    /// tolerance of "at the metric's best value": 0.99996 prints as 1.0000).
    public static let absoluteRounding = 0.00005

    // Rules with no number of their own, and what a healthy run does that they allow for:
    // - nan-loss reads losses only (`loss`, `val_loss`, `<output>_loss`): a metric that prints
    //   nan (a ratio whose denominator is 0 on a tiny validation set) says nothing about the weights.
    // - early-stopping-without-restore (info) is silent when ModelCheckpoint(save_best_only=True)
    //   on val_loss kept the best epoch on disk ("val_loss improved from ..."), as when
    //   EarlyStopping restored it.
    // - total-loss-mismatch allows `totalLossTolerance` beyond the printed rounding; every healthy
    //   multi-output run recorded (Tests/Fixtures/healthy) adds up within it.
}
