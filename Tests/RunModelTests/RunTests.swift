import Testing
import Diagnostics
import KerasModel
import RunModel
import TrainingLog

private let id = SourceID("train.log")

private func epoch(_ number: Int, of total: Int = 10, seconds: Double? = 0, _ metrics: MetricValues,
                   complete: Bool = true) -> TrainingEvent {
    .epochEnded(EpochRecord(epoch: number, of: total, seconds: seconds, metrics: metrics, complete: complete))
}

// MARK: status

@Test func aWrappedCommandThatExitsNonZeroFailedWhateverTheLogSaid() {
    var run = Run(source: id)
    run.apply(.runStarted(RunStart(epochs: 2, format: .keras3)), at: 1)
    run.apply(epoch(1, of: 2, ["loss": 1]), at: 2)
    run.apply(epoch(2, of: 2, ["loss": 0.5]), at: 3)
    run.apply(.runEnded(.finished), at: 3)
    #expect(run.status() == .finished)
    run.apply(state: .failed("exited with status 3"), at: 4)
    #expect(run.status() == .failed("exited with status 3"))
    #expect(run.status().text == "failed: exited with status 3")
    #expect(run.status().isOver)
}

@Test func aLogThatEndsInsideAnEpochWasInterruptedNotFinished() {
    var run = Run(source: id)
    run.apply(.runStarted(RunStart(epochs: 10, format: .keras3)))
    run.apply(epoch(1, ["loss": 1, "val_loss": 2]))
    run.apply(epoch(2, ["loss": 0.9], complete: false))
    run.apply(state: .finished)
    #expect(run.status() == .interrupted("the input ends inside epoch 2"))
    // The cut epoch has no validation yet: it has no value, not a NaN one.
    #expect(run.history.values(of: "val_loss") == [2])
    #expect(run.history.values(of: "loss") == [1, 0.9])
}

@Test func earlyStoppingWithRestoreIsStatedAndItsFindingWithdrawn() {
    var run = Run(source: id)
    run.apply(.runStarted(RunStart(epochs: 50, format: .keras3)))
    for n in 1...12 { run.apply(epoch(n, of: 50, ["loss": 1 / Double(n), "val_loss": 1 + Double(n % 3)])) }
    run.apply(.message(CallbackMessage(kind: .earlyStopping, epoch: 12, text: "Epoch 12: early stopping")))
    let stopped = run.diagnose()
    #expect(stopped?.added.map(\.id).contains("early-stopping-without-restore") == true)
    run.apply(.message(CallbackMessage(kind: .restoredBestWeights, value: 9,
                                       text: "Restoring model weights from the end of the best epoch: 9.")))
    let restored = run.diagnose()
    #expect(restored?.withdrawn.map(\.id) == ["early-stopping-without-restore"])
    run.apply(state: .finished)
    #expect(run.status() == .earlyStopped(epoch: 12, restored: true, best: 9))
    #expect(run.status().text == "early-stopped at epoch 12, best epoch 9 restored")
}

@Test func aLiveSourceSilentForLongerThanItsEpochsTakeIsStale() {
    var run = Run(source: id)
    run.apply(state: .live, at: 0)
    run.apply(.runStarted(RunStart(epochs: 10, format: .keras3)), at: 0)
    run.apply(epoch(1, seconds: 5, ["loss": 1]), at: 5)
    #expect(run.status(now: 30) == .live)
    #expect(run.status(now: 5 + 61) == .stale(61))
    #expect(run.status(now: 66).text == "stale: nothing for 1:01")
}

// MARK: time

@Test func elapsedIsTheWallClockNotTheSumOfPrintedEpochTimes() {
    // The training core and Keras on a fast machine print 0s per epoch: six real seconds
    // of a live run are six seconds, not 0:00.
    var run = Run(source: id)
    run.apply(state: .live, at: 100)
    run.apply(.runStarted(RunStart(epochs: 100, format: .trainingCore)), at: 100)
    // A second to compile, then ten epochs a second.
    for n in 1...60 { run.apply(epoch(n, of: 100, seconds: 0, ["loss": 1]), at: 101 + Double(n - 1) * 0.1) }
    #expect(run.elapsed(now: 107) == 7)
    // 60 of 100 epochs in 7 s of wall clock: the other 40 take 40 * 7/60 s.
    let eta = run.eta(now: 107)
    #expect(eta.map { abs($0 - 40 * 7 / 60) < 0.01 } == true, "ETA \(String(describing: eta))")
    run.apply(.runEnded(.finished), at: 110)
    run.apply(state: .finished, at: 110)
    #expect(run.elapsed(now: 500) == 10)
    #expect(run.eta(now: 500) == nil)
}

@Test func aBacklogCountsItsPrintedTimesAndTheClockRunsOnlyWhileLive() {
    var run = Run(source: id)
    run.apply(state: .live, at: 100)
    run.apply(.runStarted(RunStart(epochs: 10, format: .keras3)), at: 100)
    run.apply(epoch(1, seconds: 5, ["loss": 1]), at: 100)
    run.apply(epoch(2, seconds: 7, ["loss": 1]), at: 100.1)
    #expect(run.elapsed(now: 130) == 42)
    // Quiet for 30 s, the file is `following`: the clock stops where it stood. It used to
    // fall back to the last data (42 s on screen, then 0:12), an elapsed time going backwards.
    run.apply(state: .following, at: 130)
    #expect(run.elapsed(now: 130) == 42)
    #expect(run.elapsed(now: 200) == 42)
    // Live again (the writer went on): it counts on from there.
    run.apply(state: .live, at: 250)
    run.apply(epoch(3, seconds: 7, ["loss": 1]), at: 251)
    #expect(run.elapsed(now: 260).map { $0 >= 42 } == true)
}

@Test func aSourceThatWasNeverLiveKeepsTheTimeOfItsLastData() {
    // A replay (no `live`) that pauses: its elapsed time is what it played.
    var run = Run(source: id)
    run.apply(state: .replaying(speed: 1), at: 100)
    run.apply(.runStarted(RunStart(epochs: 10, format: .keras3)), at: 100)
    run.apply(epoch(1, seconds: 5, ["loss": 1]), at: 101)
    run.apply(state: .paused, at: 110)
    #expect(run.elapsed(now: 200) == run.elapsed(now: 120))
}

// MARK: findings

@Test func aDiagnosisOfAnOlderSnapshotIsDroppedAndAWithdrawnFindingIsSaid() {
    var run = Run(source: id)
    run.apply(.runStarted(RunStart(epochs: 10, format: .keras3)))
    let old = run.diagnosisRequest
    run.apply(epoch(1, ["loss": 1]))
    let finding = Finding(id: "stuck-metric", severity: .warning, confidence: .certain, epoch: 1, title: "t",
                          evidence: [], explanation: "e", fix: "f")
    let fresh = DiagnosisResult(revision: run.revision, findings: [finding], resolvedMetrics: [:])
    #expect(run.accept(fresh)?.added == [finding])
    #expect(run.findings.provisional == ["stuck-metric"], "a curve finding may still change while the run goes on")
    #expect(run.accept(DiagnosisResult(revision: old.revision, findings: [], resolvedMetrics: [:])) == nil,
            "an answer about an older snapshot must not undo a newer one")
    #expect(run.findings.current == [finding])
    run.apply(epoch(2, ["loss": 0.5]))
    let change = run.accept(DiagnosisResult(revision: run.revision, findings: [], resolvedMetrics: [:]))
    #expect(change?.withdrawn == [finding])
    #expect(run.findings.current.isEmpty)
    #expect(!run.needsDiagnosis)
}

// MARK: models

private let regressionModel = ModelGraph(
    name: "sequential",
    layers: [Layer(name: "input_layer", className: "InputLayer", outputShape: [13]),
             Layer(name: "dense", className: "Dense", outputShape: [1], activation: "linear", units: 1, inbound: ["input_layer"])],
    inputs: ["input_layer"],
    outputs: [OutputSpec(name: "dense", loss: LossSpec(kind: .meanSquaredError), metrics: ["mae"])],
    kerasVersion: "3.15.1", provenance: .modelFile)

private func history(_ metrics: [MetricValues]) -> RunHistory {
    var history = RunHistory()
    history.apply(.runStarted(RunStart(epochs: metrics.count, format: .keras3)))
    for (index, values) in metrics.enumerated() { history.apply(epoch(index + 1, of: metrics.count, values)) }
    return history
}

@Test func aModelWhoseMetricsTheLogNeverPrintedIsRejected() {
    let log = history([["loss": 4, "accuracy": 0], ["loss": 3, "accuracy": 0]])
    let choice = ModelChoice(history: log, override: regressionModel)
    #expect(choice.model == nil)
    #expect(choice.rejection?.contains("accuracy") == true)
    let matching = history([["loss": 4, "mae": 1.5], ["loss": 3, "mae": 1.2]])
    #expect(ModelChoice(history: matching, override: regressionModel).model == regressionModel)
}

@Test func aCrossEntropyModelCannotHaveWrittenALossOfThousands() {
    var classifier = regressionModel
    classifier.outputs = [OutputSpec(name: "dense", loss: LossSpec(kind: .categoricalCrossentropy), metrics: ["accuracy"])]
    let log = history([["loss": 4156.0532, "accuracy": 0], ["loss": 1101.2, "accuracy": 0]])
    let choice = ModelChoice(history: log, override: classifier)
    #expect(choice.model == nil)
    #expect(choice.rejection?.contains("4156.0532") == true)
}

@Test func aModelWithOtherOutputsOrLayersThanTheLogIsRejected() {
    let twoHeads = history([["loss": 3, "out1_loss": 2, "out2_loss": 5]])
    #expect(ModelChoice(history: twoHeads, override: regressionModel).rejection?.contains("out1") == true)
    var summary = history([["loss": 3, "mae": 1]])
    summary.apply(.modelKnown(ModelGraph(name: "s", layers: [Layer(name: "conv2d", className: "Conv2D")],
                                         inputs: [], outputs: [OutputSpec(name: "conv2d")], provenance: .summaryTable)))
    #expect(ModelChoice(history: summary, override: regressionModel).rejection?.contains("conv2d") == true)
}

@Test func theSourcesOwnExactModelWinsOverOneGivenByHand() {
    var log = history([["loss": 3, "mae": 1]])
    var own = regressionModel
    own.provenance = .callback
    log.apply(.modelKnown(own))
    let choice = ModelChoice(history: log, override: regressionModel)
    #expect(choice.model == own)
}

@Test func aRejectedModelIsAFindingOnEverySurface() {
    var run = Run(source: id, modelOverride: regressionModel)
    run.apply(.runStarted(RunStart(epochs: 2, format: .keras3)))
    run.apply(epoch(1, of: 2, ["loss": 4, "accuracy": 0]))
    run.apply(state: .finished)
    run.diagnose()
    #expect(run.findings.current.contains { $0.id == Diagnosis.modelMismatchID })
    #expect(run.reports().first?.findings.contains { $0.id == Diagnosis.modelMismatchID } == true)
}

@Test func aModelWithoutCompileConfigGivesTheGraphNotLossWeights() {
    var json = regressionModel
    json.outputs = [OutputSpec(name: "dense")]
    #expect(!json.hasCompileConfig)
    #expect(!json.knowsCompileConfig)
    #expect(regressionModel.knowsCompileConfig)
}

// MARK: what the log itself says ended the run

@Test func aFollowedFilesRunEndsWhenKerasSaysSoThoughTheFileStaysOpen() {
    var run = Run(source: id)
    run.apply(state: .following, at: 0)
    run.apply(.runStarted(RunStart(epochs: 50, format: .keras3)), at: 0)
    for n in 1...12 { run.apply(epoch(n, of: 50, ["loss": 1 / Double(n)]), at: 0) }
    #expect(run.status(now: 1) == .following)
    run.apply(.message(CallbackMessage(kind: .earlyStopping, epoch: 12, text: "Epoch 12: early stopping")), at: 0)
    #expect(run.status(now: 1) == .earlyStopped(epoch: 12, restored: false, best: nil))
    #expect(run.eta(now: 1) == nil)

    var complete = Run(source: id)
    complete.apply(state: .live, at: 0)
    complete.apply(.runStarted(RunStart(epochs: 2, format: .keras3)), at: 0)
    complete.apply(epoch(1, of: 2, ["loss": 1]), at: 0)
    #expect(complete.status(now: 1) == .live)
    complete.apply(epoch(2, of: 2, ["loss": 0.5]), at: 0)
    #expect(complete.status(now: 1) == .finished, "every requested epoch is done")
}

@Test func aTracebackBeforeTheFirstEpochFailedAndTerminateOnNaNInterrupted() {
    var crashed = Run(source: id)
    crashed.apply(.message(CallbackMessage(kind: .traceback, text: "Traceback (most recent call last):")))
    crashed.apply(.message(CallbackMessage(kind: .exception, text: "ValueError: Arguments `target` and `output` must have the same shape.")))
    crashed.apply(state: .finished)
    #expect(crashed.status() == .failed("ValueError: Arguments `target` and `output` must have the same shape."))

    var stopped = Run(source: id)
    stopped.apply(.runStarted(RunStart(epochs: 3, format: .keras3)))
    stopped.apply(.message(CallbackMessage(kind: .terminatedOnNaN, epoch: 1, value: 7, text: "Batch 7: Invalid loss, terminating training")))
    // Nothing printed says which: Keras stops on NaN and on inf alike.
    #expect(stopped.status() == .interrupted("TerminateOnNaN stopped training at batch 7: the loss was NaN or infinite"))
    // Keras printed `loss: inf` (the recorded k3_nan logs): the status says inf, as the
    // nan-loss finding does ("the loss became infinite"), not NaN.
    stopped.apply(.batchProgress(BatchProgress(epoch: 1, step: 7, total: 10, metrics: ["loss": .infinity])))
    #expect(stopped.status() == .interrupted("TerminateOnNaN stopped training at batch 7: the loss was inf"))
    stopped.apply(.batchProgress(BatchProgress(epoch: 1, step: 7, total: 10, metrics: ["loss": .nan])))
    #expect(stopped.status().text.hasSuffix("the loss was NaN"))
}

@Test func aPausedRunHasNoETA() {
    var run = Run(source: id)
    run.apply(state: .replaying(speed: 1), at: 0)
    run.apply(.runStarted(RunStart(epochs: 10, format: .keras3)), at: 0)
    run.apply(epoch(1, seconds: 2, ["loss": 1]), at: 0)
    #expect(run.eta(now: 5) != nil)
    run.apply(state: .paused, at: 5)
    #expect(run.eta(now: 9) == nil)
}

@Test func theExitSummaryCountsFindingsAsTheHeaderDoes() {
    var run = Run(source: id)
    run.apply(.runStarted(RunStart(epochs: 2, format: .keras3)))
    run.apply(epoch(1, of: 2, ["loss": 2, "val_loss": 3]))
    run.apply(epoch(2, of: 2, ["loss": 1, "val_loss": 2.5]))
    run.apply(state: .finished)
    let error = Finding(id: "nan-loss", severity: .error, confidence: .certain, epoch: 2, title: "t", evidence: [], explanation: "e", fix: "f")
    let info = Finding(id: "compile-metrics-name", severity: .info, confidence: .suspected, epoch: nil, title: "t", evidence: [], explanation: "e", fix: "f")
    run.accept(DiagnosisResult(revision: run.revision, findings: [error, info], resolvedMetrics: [:]))
    #expect(run.summaryLine(now: nil) == "train.log: finished · 2/2 epochs · best val_loss 2.5000 at epoch 2 · 1 error (nan-loss) · 1 info (compile-metrics-name)")
}

@Test func aLogWithTwoFitsSummarisesEachAndEmptyInputSaysSo() {
    var run = Run(source: id)
    run.apply(.runStarted(RunStart(epochs: 40, format: .keras3)))
    for n in 1...6 { run.apply(epoch(n, of: 40, ["loss": 1 / Double(n), "val_loss": 0.7 + Double(n % 3) / 100])) }
    run.apply(.message(CallbackMessage(kind: .earlyStopping, epoch: 6, text: "Epoch 6: early stopping")))
    run.apply(.runStarted(RunStart(epochs: 2, format: .keras3)))
    run.apply(epoch(1, of: 2, ["loss": 0.6]))
    run.apply(epoch(2, of: 2, ["loss": 0.5]))
    run.apply(state: .finished)
    run.diagnose()
    let lines = run.summaryLines(now: nil)
    #expect(lines.count == 2)
    #expect(lines[0].hasPrefix("train.log (fit 1 of 2): early-stopped at epoch 6 · 6/40 epochs · best val_loss 0.7000 at epoch 3"), "\(lines)")
    #expect(lines[1].hasPrefix("train.log (fit 2 of 2): finished · 2/2 epochs · best loss 0.5000 at epoch 2"), "\(lines)")

    var empty = Run(source: SourceID("garbage.bin"))
    empty.apply(.noise("\u{1}\u{2}binary"))
    empty.apply(state: .finished)
    #expect(empty.summaryLines(now: nil) == ["garbage.bin: finished: no Keras training output found · 0 epochs · no findings"])
}

/// A `fit` that trained nothing (a second `fit` that failed at once) is not summarised, and
/// the count stays the numbers': `fit 1 of 3` and `fit 3 of 3`, as `check` says, not `fit 3 of 2`.
@Test func theExitSummaryCountsFitsAsCheckDoesWhenOneTrainedNothing() {
    var run = Run(source: id)
    run.apply(.runStarted(RunStart(epochs: 2, format: .keras3)))
    run.apply(epoch(1, of: 2, ["loss": 0.6]))
    run.apply(epoch(2, of: 2, ["loss": 0.5]))
    run.apply(.runStarted(RunStart(epochs: 2, format: .keras3)))
    run.apply(.runStarted(RunStart(epochs: 1, format: .keras3)))
    run.apply(epoch(1, of: 1, ["loss": 0.4]))
    run.apply(state: .finished)
    let lines = run.summaryLines(now: nil)
    #expect(lines.map { $0.prefix(while: { $0 != ":" }) } == ["train.log (fit 1 of 3)", "train.log (fit 3 of 3)"], "\(lines)")
    let checked = run.reports().map(CheckedRun.init)
    #expect(checked.map { $0.title(source: "train.log", among: checked) } == ["train.log (fit 1 of 3)", "train.log (fit 3 of 3)"])
}

/// A run left before it was over says what it was doing, then why: the reason used to come
/// first, and "when fitwatch quit" read as part of it (`waiting: no such file: nope.log;
/// waiting for it when fitwatch quit`).
@Test func theExitSummaryOfARunNotOverSaysItsStateBeforeWhy() {
    var missing = Run(source: SourceID("nope.log"))
    missing.apply(state: .waiting("no such file: nope.log; waiting for it"), at: 1)
    #expect(missing.summaryLine(now: 2) == "nope.log: waiting when fitwatch quit: no such file: nope.log; waiting for it · 0 epochs · no findings")
    var live = Run(source: id)
    live.apply(.runStarted(RunStart(epochs: 10, format: .keras3)))
    live.apply(epoch(1, of: 10, ["loss": 2]))
    live.apply(state: .live, at: 1)
    #expect(live.summaryLine(now: 2).hasPrefix("train.log: live when fitwatch quit · 1/10 epochs"), "\(live.summaryLine(now: 2))")
}

// MARK: rewind

/// A replay sought backwards plays the log again from its start. The run used to keep what
/// was read as a finished `fit` and count the replayed one as a second (`fit 2 of 2`, and
/// `finished · 89/300 epochs` in the summary).
@Test func aRewoundRunIsOneFitAgainAndDropsADiagnosisOfTheOldContent() {
    var run = Run(source: id)
    run.apply(.runStarted(RunStart(epochs: 300, format: .keras2)))
    for n in 1...89 { run.apply(epoch(n, of: 300, ["loss": 1 / Double(n), "accuracy": 0])) }
    let staleRequest = run.diagnosisRequest
    run.apply(state: .replaying(speed: 1))
    run.rewind()
    #expect(run.history.epochs.isEmpty)
    #expect(run.sourceState == .replaying(speed: 1))
    run.apply(.runStarted(RunStart(epochs: 300, format: .keras2)))
    for n in 1...10 { run.apply(epoch(n, of: 300, ["loss": 1 / Double(n), "accuracy": 0])) }
    #expect(run.fitNumber == 1)
    #expect(run.segments.count == 1)
    #expect(run.history.epochs.map(\.epoch) == Array(1...10))
    // A diagnosis of the 89 epochs read before, arriving late, is not taken.
    #expect(run.accept(Diagnosis.run(staleRequest)) == nil)
    #expect(run.findings.current.isEmpty)
    #expect(run.diagnose() != nil)
    #expect(run.status() == .replaying(1))
}

@Test func aFollowedFileWhoseRunIsNotOverGoesStaleAfterItsEpochsTake() {
    // The trial: a file written an epoch every 1.5 s, then the writer stopped. It said `live`,
    // then `following` for ever; `stale` never came, though the run was at epoch 20 of 30.
    var run = Run(source: id)
    run.apply(state: .live, at: 0)
    run.apply(.runStarted(RunStart(epochs: 30, format: .keras3)), at: 0)
    for n in 1...20 { run.apply(epoch(n, of: 30, seconds: 1.5, ["loss": 1]), at: Double(n) * 1.5) }
    run.apply(state: .following, at: 60)
    #expect(run.status(now: 60) == .following)
    #expect(run.status(now: 100) == .stale(70))
    #expect(run.status(now: 100).text == "stale: nothing for 1:10")
    // A run whose every epoch is done is finished, however quiet.
    for n in 21...30 { run.apply(epoch(n, of: 30, seconds: 1.5, ["loss": 1]), at: 101 + Double(n)) }
    #expect(run.status(now: 1000) == .finished)
}

/// One pace for the screen and headless output: a few runs at the pace asked for, a sweep's
/// runs (not the one on screen) slower in proportion, never slower than `longest`.
@Test func diagnosisPaceSlowsASweepButNotTheRunInFocus() {
    #expect(DiagnosisPace.interval(base: 0.25, runs: 20, focused: false) == 0.25)
    #expect(DiagnosisPace.interval(base: 0, runs: 20, focused: false) == 0)
    #expect(DiagnosisPace.interval(base: 0.25, runs: 500, focused: true) == 0.25)
    #expect(DiagnosisPace.interval(base: 0.25, runs: 500, focused: false) == 6.25)
    #expect(DiagnosisPace.interval(base: 0, runs: 500, focused: false) == 6.25)
    #expect(DiagnosisPace.interval(base: 0, runs: 100_000, focused: false) == DiagnosisPace.longest)
    // Just past the threshold the pace never beats the base it would otherwise keep.
    #expect(DiagnosisPace.interval(base: 0.5, runs: 21, focused: false) == 0.5)
}

/// A log written three days ago and read just now is quiet since its last write: once its source
/// says `following`, it is stale at once (it said `following` for a minute, then `stale: 1:00`).
@Test func aFollowedFileIsQuietSinceItsLastWriteNotSinceItWasRead() {
    let now = 1_000_000.0
    var run = Run(source: id)
    run.apply(state: .live, at: now)
    run.apply(.runStarted(RunStart(epochs: 30, format: .keras3)), at: now)
    for n in 1...20 { run.apply(epoch(n, of: 30, seconds: 1.5, ["loss": 1]), at: now) }
    run.noteWrite(at: now - 3 * 86_400)
    run.apply(state: .following, at: now + 1)
    #expect(run.status(now: now + 1) == .stale(3 * 86_400 + 1))
    #expect(run.timing.lastActivity == now - 3 * 86_400)
    // A write after the read counts from then.
    run.noteWrite(at: now + 2)
    #expect(run.status(now: now + 3) == .following)
}
