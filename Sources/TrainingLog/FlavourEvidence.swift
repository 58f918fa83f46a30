import KerasModel

/// Which Keras drew a run's progress, decided from what differs between them in the bytes,
/// never from a metric's name (`metrics=['acc']` prints `acc` in every Keras):
///
/// | flavour | evidence |
/// |---|---|
/// | `keras3` | the `━` bar; `verbose=2` with the times first (`20/20 - 2s - 29ms/step - loss: …`); `N/Unknown` followed by a time, not ` - ` |
/// | `tf-keras` | a `[===>…]` bar counting steps (a bar's first update is step 1); `verbose=2` with the times last (`- loss: … - 576ms/epoch - 7ms/step`) or none per step |
/// | `keras2-legacy` | a `[===>…]` bar counting samples (its first update is the batch size) with Keras 2's `ETA: 1:33` or `- 94s 2ms/step -`; `verbose=2` as ` - 94s - loss: …` |
/// | `keras1` | a final line with no time per step (`- 94s - loss: …`) or `ETA: 93s` past a minute; `verbose=2` as `94s - loss: …` |
///
/// Sources: keras/src/utils/progbar.py (3.15.1), tf_keras/src/utils/generic_utils.py
/// `Progbar` (2.21.0), keras/utils/generic_utils.py `Progbar` (1.2.2, 2.0.9, 2.1.6, 2.2.4,
/// 2.3.1: 2.x print the same bytes) and keras/callbacks.py `ProgbarLogger` (samples unless
/// `steps_per_epoch`).
struct FlavourEvidence {
    /// The flavour decided so far; nil while the bytes cannot tell.
    var flavour: KerasFlavour?
    /// True when the counters count samples (Keras 1-2.3 `fit` on arrays), false for steps;
    /// nil until the log showed a bar's first update.
    private(set) var countsSamples: Bool?
    /// A Keras 2 form was printed: `ETA: 1:33`, or a time per step on a final line.
    private var keras2Forms = false

    /// Keras 3 and tf-keras print no `Epoch 1/1` header for `fit(epochs=1)`; Keras 1-2.3 do.
    var omitsSingleEpochHeader: Bool { flavour == .keras3 || flavour == .keras2 }

    /// Notes one progress update. `barStart`: the first update of a bar whose start the log
    /// showed (after an `Epoch` header or a finished bar).
    /// `line` is `inout` only to pass it by reference (read, never written), as the reader's
    /// own handlers do: copying it right after the parser wrote it costs a store-forwarding stall.
    /// Returns true when the flavour changed.
    mutating func note(_ line: inout ProgressLine, isFinal: Bool, barStart: Bool) -> Bool {
        // Nothing but Keras 3 draws `━`; once seen, the run is Keras 3.
        if flavour == .keras3 { return false }
        let before = flavour
        switch line.style {
        case .keras3Bar:
            flavour = .keras3
        case .none:
            switch line.counterless {
            case .dash?: flavour = .keras2Legacy
            case .bare?: flavour = .keras1
            case nil:
                if line.secondsPerEpoch != nil || line.timeAfterMetrics {
                    flavour = .keras2
                } else if line.secondsPerStep != nil {
                    flavour = .keras3
                } else if line.metricCount > 0 {
                    flavour = .keras2 // tf.keras before TF 2.7 printed no times after `- 2s`
                }
            }
        case .bracketBar:
            // tf-keras prints a bar's first update at step 1 (steps_per_execution aside);
            // Keras 1-2.3 count samples, so theirs is the batch size. A counter at 1 is a
            // first update wherever it shows (samples start at the batch size).
            if barStart || line.step == 1, let step = line.step { countsSamples = step > 1 }
            if flavour == .keras1 { return before != flavour }
            if isFinal, line.secondsPerStep == nil, line.duration != nil {
                flavour = .keras1
            } else if line.hasETALabel, let eta = line.eta, eta >= 60, !line.etaClock {
                flavour = .keras1
            } else {
                if (isFinal && line.secondsPerStep != nil) || line.etaClock { keras2Forms = true }
                switch countsSamples {
                case true?: flavour = keras2Forms ? .keras2Legacy : nil
                case false?: flavour = .keras2
                case nil: break
                }
            }
        }
        return before != flavour
    }
}
