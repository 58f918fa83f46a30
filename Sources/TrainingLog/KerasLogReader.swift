import KerasModel

/// Reads Keras's printed training output (Keras 3, tf-keras / Keras 2.3+, Keras 1.x-2.2,
/// `verbose=2`, pipe or pty captures) as a stream of bytes and turns it into `TrainingEvent`s.
///
/// Keras draws with screen semantics even into files: every update after the first of a bar
/// starts with a run of `\b` and a `\r`, the first with a bare `\r`, the last ends with `\n`;
/// pty captures add `\r\n`. So the reader splits the stream into *segments* at `\b`, `\r` and
/// `\n`, strips escape sequences from each, and decides what a segment is from its text and
/// from how it ended: a progress update ended by a newline with its counter at the total (and
/// no `ETA:`) is an epoch's final line; anything else is an in-epoch update. A `\r` at the end
/// of a chunk is held until the next byte says whether a `\n` follows, so results never depend
/// on where chunks split.
public struct KerasLogReader: LogReader {
    private enum Terminator {
        /// `cut`: the input ended inside the segment (no `\n`, `\r` or `\b` after it), so its
        /// last number may be cut short; `end`: the input ended right after a `\r`.
        case newline, redraw, backspace, end, cut
        /// The segment is the last of its line. Only a newline says so: an epoch's final line
        /// the input ends inside (or after its `\r` but before its `\n`) was not finished.
        var endsLine: Bool { self == .newline }
    }

    private enum Bar {
        /// Nothing seen yet in this `fit` segment.
        case none
        /// An epoch is running.
        case epoch(Int)
        /// The epoch's final line was printed; a redraw of the same bar may still replace it.
        case finishedEpoch(Int)
        /// A bar without an `Epoch` header after training: `evaluate()`.
        case evaluating
        case finishedEvaluation
        /// A Keras 3 / tf-keras bar without an `Epoch` header after a finished bar: `evaluate()`,
        /// `predict()` or a `fit(epochs=1)` (neither prints `Epoch 1/1`). Its final line
        /// decides (`decideHeaderlessBar`); its updates until then are not reported.
        case undecided
    }

    // Byte level.
    private var carry: [UInt8] = []
    private var carryEndsWithCR = false
    /// At the end of the input: whether the unfinished last line ends with a value printed
    /// whole (`endsWithWholeValue`), so a cut update keeps it.
    private var cutEndsWithWholeValue = false
    /// The current segment holds an escape or control byte (set by `scan`, or carried over).
    private var dirty = false
    private var afterBackspace = false
    private var segmentsOnLine = 0
    private var scratch: [UInt8] = []
    private var keys = MetricKeyCache()

    // Meaning.
    private let forcedFormat: LogFormat?
    /// The format recognised from the first progress update (or forced).
    public private(set) var format: LogFormat?
    private var bar: Bar = .none
    private var runOpen = false
    private var pendingHeader: (epoch: Int, of: Int?, midRun: Bool)?
    private var epochsRequested: Int?
    /// EarlyStopping or TerminateOnNaN said it stopped the open run: its end short of the
    /// last epoch is theirs, not a cut.
    private var stoppedByCallback = false
    private var lastEpoch = 0
    /// The epoch's latest in-epoch update, for a cut-off epoch's values. Within one `feed` it
    /// stays in the output as `events[lastUpdateIndex]` and is copied out once when the call
    /// returns: storing every update here cost a copy (four reference-count operations) per
    /// update, ~5% of reading a log of in-epoch updates.
    private var storedLastUpdate: BatchProgress?
    private var lastUpdateIndex: Int?
    private var inTraceback = false
    /// The final line of a log's first, headerless epoch (the log began mid-run): held until the
    /// next `Epoch N/M` header says its number was N-1, or the input ends (position 1).
    private var heldMidRunEpoch: EpochRecord?
    private var midRunEpochOpen = false
    private var table = SummaryTableParser()
    /// Which Keras wrote the current run, from the evidence its bars showed so far.
    private var evidence = FlavourEvidence()
    /// The flavour the events said last for the current run (`RunStart.flavour` or `flavourKnown`).
    private var announcedFlavour: KerasFlavour?
    /// The next update is the first of a bar whose start the log showed (after an `Epoch`
    /// header or a finished bar): its counter tells steps (1) from samples (the batch size).
    private var atBarStart = false
    /// `fit` segments started in this log: a later one never "starts mid-run".
    private var runsStarted = 0
    /// The keys and steps of the last training epoch's final line, to tell a Keras 3
    /// headerless `fit(epochs=1)` from `evaluate()`.
    private var lastTrainingKeys: Set<String> = []
    private var lastTrainingSteps: Int?
    /// What an `undecided` bar showed of its own Keras, for the run it may turn out to start.
    private var undecidedEvidence = FlavourEvidence()
    /// See `init(format:fastPaths:)`.
    private let fastPaths: Bool

    /// `format` forces how the run is labelled (the `--format` override); parsing accepts every
    /// flavour regardless, since one log can mix them (a tf-keras bar and a Keras 3 warning).
    ///
    /// `fastPaths: false` reads every segment through the general parser instead of reading
    /// Keras 3 updates with their colours in place and tf-keras in-epoch updates through
    /// `ProgressLine.parseBracketUpdate`: the same events, more slowly (tests compare the two).
    public init(format: LogFormat? = nil, fastPaths: Bool = true) {
        self.fastPaths = fastPaths
        forcedFormat = format
        self.format = format
        scratch.reserveCapacity(4096)
    }

    /// Consumes the next bytes; returns the events they completed.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [TrainingEvent] {
        var events: [TrainingEvent] = []
        // A drawn update takes at least ~100 bytes (counter, bar, one metric, the `\b` run
        // erasing it), so count/128 slots hold a big read's events without the dozen doubling
        // copies that growing from empty costs on a 1 MiB read; small reads reserve nothing.
        if bytes.count >= 4096 { events.reserveCapacity(bytes.count >> 7) }
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            scan(buffer, into: &events)
        }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { scan($0, into: &events) }
        }
        keepLastUpdate(from: events)
        return events
    }

    /// The latest in-epoch update, whether still in `events` or kept from an earlier call.
    private func lastUpdate(in events: [TrainingEvent]) -> BatchProgress? {
        if let index = lastUpdateIndex, case .batchProgress(let update) = events[index] { return update }
        return storedLastUpdate
    }

    private mutating func forgetLastUpdate() {
        lastUpdateIndex = nil
        storedLastUpdate = nil
    }

    /// Copies the latest update out of this call's events before they are returned.
    private mutating func keepLastUpdate(from events: [TrainingEvent]) {
        guard let index = lastUpdateIndex else { return }
        lastUpdateIndex = nil
        if case .batchProgress(let update) = events[index] { storedLastUpdate = update }
    }

    /// The input ended: flushes what is pending, reports a cut-off epoch and the run's end.
    public mutating func finish() -> [TrainingEvent] {
        var events: [TrainingEvent] = []
        if !carry.isEmpty || carryEndsWithCR {
            cutEndsWithWholeValue = Self.endsWithWholeValue(carry)
            let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
            endSegment(empty, 0, 0, carryEndsWithCR ? .end : .cut, into: &events)
        }
        if let graph = table.finish() { events.append(.modelKnown(graph)) }
        flushPendingHeader(into: &events)
        releaseHeldEpoch(into: &events)
        announceFlavour(into: &events)
        if case .epoch(let epoch) = bar {
            closeIncompleteEpoch(epoch, into: &events)
            events.append(.runEnded(.interrupted("the log ends in the middle of epoch \(epoch)")))
        } else if runOpen, !stoppedByCallback, let requested = epochsRequested, lastEpoch < requested {
            // Keras runs every epoch asked for unless a callback stops it, and EarlyStopping and
            // TerminateOnNaN say so: a log that ends between epochs short of the last was cut
            // (a killed run, a truncated file), not a finished run.
            let why = lastEpoch > 0 ? "the log ends after epoch \(lastEpoch) of \(requested)" : "the log ends before epoch 1 of \(requested) ended"
            events.append(.runEnded(.interrupted(why)))
        } else if runOpen {
            events.append(.runEnded(.finished))
        }
        runOpen = false
        bar = .none
        keepLastUpdate(from: events)
        return events
    }

    // MARK: - Bytes to segments

    private mutating func scan(_ buffer: UnsafeBufferPointer<UInt8>, into events: inout [TrainingEvent]) {
        let count = buffer.count
        var index = 0
        if carryEndsWithCR, count > 0 {
            carryEndsWithCR = false
            let next = buffer[0]
            if next == 10 {
                endSegment(buffer, 0, 0, .newline, into: &events)
                index = 1
            } else if next == 13 {
                carryEndsWithCR = true // `\r\r\n` from a pty: still undecided
                index = 1
                while index < count, buffer[index] == 13 { index += 1 }
                if index == count { return }
                carryEndsWithCR = false
                if buffer[index] == 10 {
                    endSegment(buffer, 0, 0, .newline, into: &events)
                    index += 1
                } else {
                    endSegment(buffer, 0, 0, .redraw, into: &events)
                }
            } else {
                endSegment(buffer, 0, 0, .redraw, into: &events)
            }
        }
        var segmentStart = index
        while index < count {
            // Printable bytes are segment content: skip them 16 at a time. Once the segment is
            // known to need cleaning, only `\b`, `\n`, `\r` (all below 14) can end it, so
            // escapes no longer stop the scan.
            index = dirty ? ControlByteScan.firstBelow14(buffer, from: index, to: count)
                          : ControlByteScan.firstControl(buffer, from: index, to: count)
            if index == count { break }
            let byte = buffer[index]
            if byte != 8 && byte != 10 && byte != 13 {
                // An escape or another control byte: this segment must be cleaned.
                dirty = true
                index += 1
                continue
            }
            if byte == 10 {
                endSegment(buffer, segmentStart, index, .newline, into: &events)
                index += 1
            } else if byte == 8 {
                endSegment(buffer, segmentStart, index, .backspace, into: &events)
                index = ControlByteScan.firstNotBackspace(buffer, from: index + 1, to: count)
                // The `\r` that follows a run of `\b` (every redraw) ends an empty segment, which
                // changes nothing (`analyse` keeps the redraw mark the `\b` run set): skip it
                // here rather than through `endSegment` (~10% of reading a tf-keras log).
                if index + 1 < count, buffer[index] == 13, buffer[index + 1] != 10, buffer[index + 1] != 13,
                   carry.isEmpty, !dirty {
                    index += 1
                }
            } else {
                // `\r`: a newline if `\n` follows (after any further `\r`), else a redraw.
                var next = index + 1
                while next < count, buffer[next] == 13 { next += 1 }
                if next == count {
                    keep(buffer, segmentStart, index)
                    carryEndsWithCR = true
                    return
                }
                if buffer[next] == 10 {
                    endSegment(buffer, segmentStart, index, .newline, into: &events)
                    index = next + 1
                } else {
                    endSegment(buffer, segmentStart, index, .redraw, into: &events)
                    index = next
                }
            }
            segmentStart = index
        }
        if segmentStart < count {
            keep(buffer, segmentStart, count)
        }
    }

    /// A segment ended: `carry` + `buffer[start..<end]`, escape sequences stripped. A segment
    /// wholly inside the chunk with no escape or control byte (tf-keras and Keras 1-2 bars) is
    /// read in place; others are cleaned into `scratch` first.
    /// Carries a partial segment into the next chunk, up to `segmentLimit` bytes in all.
    private mutating func keep(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        let room = Self.segmentLimit - carry.count
        droppedBytes += max(0, end - start - max(0, room))
        guard room > 0 else { return }
        carry.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<min(end, start + room)]))
    }

    /// Bytes of the current segment dropped past `segmentLimit`, for the note that says so.
    private var droppedBytes = 0

    /// See `LogReader.discardPartialLine()`: the segment being carried is dropped unread.
    public mutating func discardPartialLine() {
        carry.removeAll(keepingCapacity: true)
        carryEndsWithCR = false
        dirty = false
        droppedBytes = 0
        afterBackspace = false
        segmentsOnLine = 0
    }

    /// Longest segment read: 64 KiB. Keras lines are under 4 KiB even with dozens of metrics;
    /// the rest of a longer one (a binary blob, a runaway print) is dropped, whatever the
    /// chunking, so memory stays bounded on any input.
    public static let segmentLimit = 1 << 16

    private mutating func endSegment(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ fullEnd: Int,
                                     _ terminator: Terminator, into events: inout [TrainingEvent]) {
        defer {
            dirty = false
            if droppedBytes > 0 {
                events.append(.noise("fitwatch: a line was cut at \(Self.segmentLimit) bytes; \(droppedBytes) more bytes dropped"))
                droppedBytes = 0
            }
        }
        let end = min(fullEnd, start + max(0, Self.segmentLimit - carry.count))
        droppedBytes += fullEnd - end
        if carry.isEmpty {
            if !dirty {
                analyse(buffer, start, end, terminator, into: &events)
                return
            }
            // A Keras 3 update wholly in this chunk: read with its escapes in place.
            if fastPaths, end > start, buffer[start] == 27, analyseKeras3Drawn(buffer, start, end, terminator, into: &events) {
                return
            }
        }
        // Cleaning only removes bytes, so the output fits in the input's size.
        let needed = carry.count + max(0, end - start)
        var segment: [UInt8] = []
        swap(&segment, &scratch)
        if segment.count < needed { segment = [UInt8](repeating: 0, count: max(needed, 4096)) }
        segment.withUnsafeMutableBufferPointer { output in
            var escape = EscapeStripper()
            var written = 0
            if !carry.isEmpty {
                // Read in place, then emptied: a copy of `carry` held across `removeAll` made
                // it non-unique, so every dirty segment (each Keras 3 update) allocated a new
                // carry buffer once a segment had spanned a read boundary.
                written = carry.withUnsafeBufferPointer { escape.strip($0, 0, $0.count, into: output, at: 0) }
                carry.removeAll(keepingCapacity: true)
            }
            if end > start { written = escape.strip(buffer, start, end, into: output, at: written) }
            analyse(UnsafeBufferPointer(output), 0, written, terminator, into: &events)
        }
        swap(&segment, &scratch)
    }

    /// `analyse` for a Keras 3 update read with its escape sequences in place; false, with no
    /// state changed, when the segment is not one (the caller strips it and calls `analyse`).
    private mutating func analyseKeras3Drawn(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                                             _ terminator: Terminator, into events: inout [TrainingEvent]) -> Bool {
        let length = Self.trimmedEnd(bytes, start, end)
        var progress = ProgressLine()
        guard ProgressLine.parseKeras3Drawn(bytes, from: start, to: length, keys: &keys, into: &progress) else { return false }
        let continuation = noteSegment(ending: terminator)
        handle(&progress, endsLine: terminator.endsLine, continuation: continuation, cut: terminator == .cut, into: &events)
        if terminator == .newline { segmentsOnLine = 0 }
        return true
    }

    /// `end` without trailing spaces (Keras pads a shorter redraw to the previous width).
    private static func trimmedEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var length = end
        while length > start, bytes[length - 1] == 32 { length -= 1 }
        return length
    }

    /// Notes a segment with text, ended by `terminator`; true when it redraws a bar drawn
    /// before it (after a `\b` run, or not the first segment on its line).
    private mutating func noteSegment(ending terminator: Terminator) -> Bool {
        let continuation = afterBackspace || segmentsOnLine > 0
        afterBackspace = terminator == .backspace
        segmentsOnLine += 1
        return continuation
    }

    /// Decides what a clean segment `bytes[start..<end]` is and emits its events.
    private mutating func analyse(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                                  _ terminator: Terminator, into events: inout [TrainingEvent]) {
        let length = Self.trimmedEnd(bytes, start, end)
        if length > start {
            let continuation = noteSegment(ending: terminator)
            var progress = ProgressLine()
            if fastPaths && ProgressLine.parseBracketUpdate(bytes, from: start, to: length, keys: &keys, into: &progress)
                || ProgressLine.parse(bytes, from: start, to: length, keys: &keys, into: &progress) {
                handle(&progress, endsLine: terminator.endsLine, continuation: continuation,
                       cut: terminator == .cut, into: &events)
                if let trailer = progress.trailerStart {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[trailer..<length]), as: UTF8.self)
                    handleText(Substring(text), into: &events)
                }
            } else {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<length]), as: UTF8.self)
                handleText(Substring(text), into: &events)
            }
        } else {
            // A `\b` run marks the next drawn segment as a redraw of the same bar; the empty
            // segment between the run and its `\r` must not use the mark up.
            afterBackspace = (afterBackspace || terminator == .backspace) && terminator != .newline
        }
        if terminator == .newline { segmentsOnLine = 0 }
    }

    // MARK: - Progress

    // `handle`, `updateEpoch` and `evaluate` only read `progress`; they take it `inout` so it is
    // passed by reference: a copy made right after the parser wrote it stalled on store
    // forwarding, ~7% of reading a tf-keras log.
    private mutating func handle(_ progress: inout ProgressLine, endsLine: Bool, continuation: Bool,
                                 cut: Bool = false, into events: inout [TrainingEvent]) {
        if cut {
            cutUpdate(&progress, into: &events)
            return
        }
        let isFinal: Bool
        if progress.style == .none {
            isFinal = endsLine // verbose=2 prints only an epoch's last line
        } else {
            isFinal = endsLine && progress.looksFinal
        }
        var barStart = false
        if atBarStart {
            barStart = !continuation
            atBarStart = false
        }
        // Once a run's Keras is known, only a bar's first or last line can tell more (an
        // in-epoch update of a bar counting steps cannot show Keras 1's forms): the in-epoch
        // updates a log is made of skip the evidence.
        let flavourChanged = (evidence.flavour == nil || isFinal || barStart)
            && evidence.note(&progress, isFinal: isFinal, barStart: barStart)
        if format == nil { format = detectedFormat(progress) }
        switch bar {
        case .none:
            if pendingHeader == nil {
                // Keras 3 and tf-keras print no `Epoch 1/1` (only Keras 1-2.3 do): a bar drawn
                // afresh (not a redraw after a `\b` run, which is where a log joined mid-run
                // begins), or a verbose=2 line, with no header before it is a `fit(epochs=1)`.
                // Its first update is not always step 1 (JAX's first step can come with the second).
                if evidence.omitsSingleEpochHeader && !continuation {
                    epochsRequested = 1
                    pendingHeader = (1, 1, false)
                } else {
                    // No `Epoch` header: the log starts mid-run. Number by position.
                    pendingHeader = (lastEpoch + 1, epochsRequested, true)
                    midRunEpochOpen = true
                }
            }
            bar = .epoch(pendingHeader!.epoch)
            flushPendingHeader(into: &events)
            updateEpoch(&progress, isFinal: isFinal, into: &events)
        case .epoch:
            flushPendingHeader(into: &events)
            updateEpoch(&progress, isFinal: isFinal, into: &events)
        case .finishedEpoch(let epoch):
            if continuation {
                // The same bar drawn again (a callback printed between its updates): the
                // later final line replaces the earlier one.
                if isFinal {
                    bar = .epoch(epoch)
                    updateEpoch(&progress, isFinal: true, into: &events)
                }
            } else {
                startHeaderlessBar(&progress, isFinal: isFinal, into: &events)
            }
        case .evaluating:
            evaluate(&progress, isFinal: isFinal, into: &events)
        case .finishedEvaluation:
            if !continuation {
                startHeaderlessBar(&progress, isFinal: isFinal, into: &events)
            }
        case .undecided:
            _ = undecidedEvidence.note(&progress, isFinal: isFinal, barStart: false)
            if isFinal { decideHeaderlessBar(&progress, into: &events) }
        }
        if flavourChanged { announceFlavour(into: &events) }
    }

    /// The format a run's first update shows.
    private func detectedFormat(_ progress: ProgressLine) -> LogFormat {
        switch progress.style {
        case .keras3Bar: return .keras3
        case .none: return .kerasVerbose2
        case .bracketBar: return evidence.countsSamples == true ? .keras1 : .keras2
        }
    }

    /// A new bar without an `Epoch` header after a finished one: `evaluate()` or `predict()`,
    /// or in Keras 3 and tf-keras also a `fit(epochs=1)`, which its final line tells.
    private mutating func startHeaderlessBar(_ progress: inout ProgressLine, isFinal: Bool,
                                             into events: inout [TrainingEvent]) {
        if evidence.omitsSingleEpochHeader, !lastTrainingKeys.isEmpty {
            bar = .undecided
            undecidedEvidence = FlavourEvidence()
            _ = undecidedEvidence.note(&progress, isFinal: isFinal, barStart: true)
            if isFinal { decideHeaderlessBar(&progress, into: &events) }
        } else {
            bar = .evaluating
            evaluate(&progress, isFinal: isFinal, into: &events)
        }
    }

    /// The final line of a Keras 3 / tf-keras headerless bar: a new `fit(epochs=1)` when it prints the
    /// keys of the last training epoch (validation keys, which `evaluate()` never prints, or
    /// the same keys over the same number of steps); else an evaluation.
    private mutating func decideHeaderlessBar(_ progress: inout ProgressLine, into events: inout [TrainingEvent]) {
        let values = keys.finish()
        let names = Set(values.keys)
        let validates = names.contains { $0.hasPrefix("val_") }
        guard !names.isEmpty, names == lastTrainingKeys, validates || progress.step == lastTrainingSteps else {
            bar = .finishedEvaluation
            if progress.metricCount > 0 { events.append(.evaluated(values)) }
            return
        }
        flushPendingHeader(into: &events)
        releaseHeldEpoch(into: &events)
        // The new run's own bar names its Keras when it can (a log can go on with another
        // one); else the run before it does.
        let flavour = undecidedEvidence.flavour ?? evidence.flavour
        beginNewRun()
        evidence.flavour = flavour
        format = forcedFormat ?? detectedFormat(progress)
        epochsRequested = 1
        pendingHeader = (1, 1, false)
        flushPendingHeader(into: &events)
        let record = EpochRecord(epoch: 1, of: 1, steps: progress.step, seconds: progress.duration ?? progress.secondsPerEpoch,
                                 secondsPerStep: progress.secondsPerStep, metrics: values, complete: true)
        events.append(.epochEnded(record))
        noteTrainingEpoch(record)
        lastEpoch = 1
        forgetLastUpdate()
        bar = .finishedEpoch(1)
    }

    /// Forgets the current `fit` segment: the next header or bar starts another, whose flavour
    /// and format are decided afresh (a rotated log can go on with another Keras).
    private mutating func beginNewRun() {
        runOpen = false
        lastEpoch = 0
        evidence = FlavourEvidence()
        announcedFlavour = nil
        format = forcedFormat
    }

    /// Emits `flavourKnown` when the evidence decided (or changed) the open run's flavour.
    private mutating func announceFlavour(into events: inout [TrainingEvent]) {
        guard runOpen, let flavour = evidence.flavour, flavour != announcedFlavour else { return }
        announcedFlavour = flavour
        events.append(.flavourKnown(flavour))
    }

    private mutating func noteTrainingEpoch(_ record: EpochRecord) {
        lastTrainingKeys = Set(record.metrics.keys)
        lastTrainingSteps = record.steps
    }

    private mutating func updateEpoch(_ progress: inout ProgressLine, isFinal: Bool, into events: inout [TrainingEvent]) {
        guard case .epoch(let epoch) = bar else { return }
        if isFinal {
            let record = EpochRecord(
                epoch: epoch, of: epochsRequested, steps: progress.step ?? lastUpdate(in: events)?.total,
                seconds: progress.duration ?? progress.secondsPerEpoch,
                secondsPerStep: progress.secondsPerStep, metrics: keys.finish(), complete: true)
            if midRunEpochOpen {
                heldMidRunEpoch = record
            } else {
                events.append(.epochEnded(record))
            }
            noteTrainingEpoch(record)
            lastEpoch = max(lastEpoch, epoch)
            forgetLastUpdate()
            bar = .finishedEpoch(epoch)
            atBarStart = true
        } else if let step = progress.step {
            let eta = progress.hasETALabel ? progress.eta : progress.duration
            let update: BatchProgress
            if let names = keys.repeatedInlineNames {
                // The usual update, built here from values in registers: `store()` returns its
                // result through memory, and copying that back stalled on store forwarding.
                update = BatchProgress(epoch: epoch, step: step, total: progress.total, eta: eta,
                                       values: .inline(names, keys.inlineValues))
            } else if let values = keys.store() {
                update = BatchProgress(epoch: epoch, step: step, total: progress.total, eta: eta, values: values)
            } else {
                update = BatchProgress(epoch: epoch, step: step, total: progress.total, eta: eta,
                                       metrics: keys.finish())
            }
            events.append(.batchProgress(update))
            lastUpdateIndex = events.count - 1
        }
    }

    /// A progress line the input ends inside (`finish`): its last value may have lost digits, so
    /// it is dropped; every earlier value was followed by ` - ` and is whole. What remains is the
    /// epoch's latest update (a cut final line is not a finished epoch), or, for a `verbose=2`
    /// line without a step counter, the cut epoch itself.
    private mutating func cutUpdate(_ progress: inout ProgressLine, into events: inout [TrainingEvent]) {
        guard case .epoch(let epoch) = bar else { return }
        var metrics = keys.finish()
        // The input may end inside the last number (`0.23` of `0.2367`): it is kept only when
        // it is printed whole, as Keras prints every value.
        if !cutEndsWithWholeValue, !metrics.isEmpty { metrics.removeLast() }
        guard !metrics.isEmpty else { return }
        flushPendingHeader(into: &events)
        if let step = progress.step {
            events.append(.batchProgress(BatchProgress(epoch: epoch, step: step, total: progress.total, metrics: metrics)))
            lastUpdateIndex = events.count - 1
        } else {
            events.append(.epochEnded(EpochRecord(epoch: epoch, of: epochsRequested, metrics: metrics, complete: false)))
            lastEpoch = max(lastEpoch, epoch)
            forgetLastUpdate()
            bar = .finishedEpoch(epoch)
        }
    }

    /// Whether `line` ends with a metric value printed in full: Keras (tf-keras
    /// `generic_utils.Progbar`, Keras 3 `utils/progbar.py`) prints `%.4f`, or `%.4e` below
    /// 1e-3, or nan / inf; so `: 0.2367`, `: 1.2000e-05`, `: nan`, and not `: 0.23` or `: 1.2e-0`.
    static func endsWithWholeValue(_ line: [UInt8]) -> Bool {
        var end = line.count
        while end > 0, line[end - 1] == 32 || line[end - 1] == 9 { end -= 1 }
        var start = end
        while start > 0, line[start - 1] != 32 { start -= 1 }
        guard start >= 2, line[start - 2] == UInt8(ascii: ":"), start < end else { return false }
        var token = Array(line[start..<end])
        if token.first == UInt8(ascii: "-") { token.removeFirst() }
        if token == Array("nan".utf8) || token == Array("inf".utf8) { return true }
        func digits(_ bytes: ArraySlice<UInt8>) -> Bool { !bytes.isEmpty && bytes.allSatisfy { $0 >= 48 && $0 <= 57 } }
        guard let dot = token.firstIndex(of: UInt8(ascii: ".")), digits(token[..<dot]) else { return false }
        let fraction = token[(dot + 1)...]
        if let e = fraction.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            var exponent = fraction[(e + 1)...]
            guard let sign = exponent.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return false }
            exponent = exponent.dropFirst()
            return fraction.distance(from: fraction.startIndex, to: e) == 4 && digits(fraction[..<e]) && exponent.count >= 2 && digits(exponent)
        }
        return fraction.count == 4 && digits(fraction)
    }

    private mutating func evaluate(_ progress: inout ProgressLine, isFinal: Bool, into events: inout [TrainingEvent]) {
        guard isFinal else { return }
        bar = .finishedEvaluation
        atBarStart = true
        if progress.metricCount > 0 { events.append(.evaluated(keys.finish())) }
    }

    private mutating func closeIncompleteEpoch(_ epoch: Int, into events: inout [TrainingEvent]) {
        guard let update = lastUpdate(in: events), update.epoch == epoch else { return }
        events.append(.epochEnded(EpochRecord(epoch: epoch, of: epochsRequested, steps: update.step,
                                              metrics: update.metrics, complete: false)))
        lastEpoch = max(lastEpoch, epoch)
        forgetLastUpdate()
    }

    /// Emits the deferred `runStarted` / `epochBegan` for a header, now that the format is known.
    private mutating func flushPendingHeader(into events: inout [TrainingEvent]) {
        guard let header = pendingHeader else { return }
        pendingHeader = nil
        if !runOpen {
            runOpen = true
            stoppedByCallback = false
            runsStarted += 1
            announcedFlavour = evidence.flavour
            events.append(.runStarted(RunStart(epochs: header.of, format: format ?? .keras3,
                                               startsMidRun: header.midRun, flavour: evidence.flavour)))
        }
        events.append(.epochBegan(epoch: header.epoch, of: header.of))
    }

    // MARK: - Text lines

    private mutating func handleText(_ text: Substring, into events: inout [TrainingEvent]) {
        switch table.consume(String(text)) {
        case .consumed:
            events.append(.noise(String(text)))
            return
        case .finished(let graph, let lineConsumed):
            events.append(.modelKnown(graph))
            if lineConsumed {
                events.append(.noise(String(text)))
                return
            }
        case .notTable:
            break
        }
        if inTraceback {
            if text.first == " " || text.isEmpty || text.hasPrefix("During handling")
                || text.hasPrefix("The above exception") || text.hasPrefix("---") {
                events.append(.noise(String(text)))
                return
            }
            if LogLine.isExceptionLine(text) {
                events.append(.message(CallbackMessage(kind: .exception, epoch: currentEpoch, text: String(text))))
                if text.hasPrefix("jax.errors.SimplifiedTraceback") { return }
                inTraceback = false
                endRun(text.hasPrefix("KeyboardInterrupt") ? .interrupted(String(text)) : .failed(String(text)),
                       into: &events)
                return
            }
        }
        switch LogLine.classify(text) {
        case .epochHeader(let epoch, let of):
            if case .epoch(let open) = bar { closeIncompleteEpoch(open, into: &events) }
            if var held = heldMidRunEpoch {
                if epoch > 1 { held.epoch = epoch - 1 }
                held.of = of
                events.append(.epochEnded(held))
                heldMidRunEpoch = nil
                lastEpoch = held.epoch
            }
            midRunEpochOpen = false
            if pendingHeader != nil { flushPendingHeader(into: &events) }
            if runOpen, epoch <= lastEpoch || (of != nil && epochsRequested != nil && of != epochsRequested) {
                // A new `fit` call in the same log (or a resumed one: `fit(initial_epoch=k)`
                // prints `Epoch k+1/M` with another M).
                beginNewRun()
            }
            epochsRequested = of
            pendingHeader = (epoch, of, !runOpen && epoch != 1 && lastEpoch == 0 && runsStarted == 0)
            bar = .epoch(epoch)
            atBarStart = true
        case .message(let kind, let epoch, let value):
            var epoch = epoch
            if kind == .terminatedOnNaN { epoch = currentEpoch }
            if kind == .terminatedOnNaN || kind == .earlyStopping { stoppedByCallback = true }
            flushPendingHeader(into: &events)
            events.append(.message(CallbackMessage(kind: kind, epoch: epoch, value: value, text: String(text))))
        case .tracebackStart:
            inTraceback = true
            events.append(.message(CallbackMessage(kind: .traceback, epoch: currentEpoch, text: String(text))))
        case .interrupt:
            events.append(.message(CallbackMessage(kind: .interrupted, epoch: currentEpoch,
                                                   text: text.hasPrefix("^C") ? "^C" : String(text))))
            // The pty echoes `^C` and the traceback follows on the same line.
            if text.hasPrefix("^C"), text.count > 2 { handleText(text.dropFirst(2), into: &events) }
        case .noise:
            events.append(.noise(String(text)))
        }
    }

    private var currentEpoch: Int? {
        switch bar {
        case .epoch(let epoch), .finishedEpoch(let epoch): return epoch
        default: return nil
        }
    }

    private mutating func releaseHeldEpoch(into events: inout [TrainingEvent]) {
        if let held = heldMidRunEpoch { events.append(.epochEnded(held)) }
        heldMidRunEpoch = nil
        midRunEpochOpen = false
    }

    private mutating func endRun(_ end: RunEnd, into events: inout [TrainingEvent]) {
        flushPendingHeader(into: &events)
        releaseHeldEpoch(into: &events)
        if case .epoch(let epoch) = bar { closeIncompleteEpoch(epoch, into: &events) }
        if runOpen { events.append(.runEnded(end)) }
        beginNewRun()
        bar = .none
        pendingHeader = nil
    }
}

/// Removes ANSI escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL`, two-byte `ESC x`)
/// and other control bytes (a tab becomes a space) while copying, so a segment's text is what
/// the terminal showed.
struct EscapeStripper {
    private enum State { case text, escape, csi, osc }
    private var state = State.text

    /// Copies `bytes[start..<end]` without escape sequences into `output` from `offset`, plain
    /// runs in one `memcpy`; returns the new end of the output.
    mutating func strip(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                        into output: UnsafeMutableBufferPointer<UInt8>, at offset: Int) -> Int {
        var index = start
        var written = offset
        while index < end {
            if state == .text {
                // Copy while scanning, 8 bytes at a time: each word is stored before it is
                // checked, and only the bytes before a control byte count as written. Keras 3's
                // runs between escapes are 1-60 bytes; a separate scan plus a `memmove` per run
                // cost more than the copying itself. `written` never passes `index - start +
                // offset`, and the caller sized `output` for all of the input, so stores stay in it.
                if let source = bytes.baseAddress, let target = output.baseAddress {
                    let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(target)
                    let limit = output.count
                    while index + 8 <= end, written + 8 <= limit {
                        let word = from.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                        to.storeBytes(of: word, toByteOffset: written, as: UInt64.self)
                        // `(w - 0x20×ones) & ~w & high` flags bytes below 0x20; the lowest
                        // flag is exact (see ControlByteScan).
                        let value = UInt64(littleEndian: word)
                        let flagged = (value &- 0x2020_2020_2020_2020) & ~value & 0x8080_8080_8080_8080
                        if flagged != 0 {
                            let run = flagged.trailingZeroBitCount >> 3
                            index += run
                            written += run
                            break
                        }
                        index += 8
                        written += 8
                    }
                }
                while index < end, bytes[index] >= 0x20 {
                    output[written] = bytes[index]
                    written += 1
                    index += 1
                }
                guard index < end else { return written }
                let byte = bytes[index]
                index += 1
                if byte == 27 {
                    // Consume the whole sequence here (Keras 3 prints ~10 per update); going
                    // round the state switch once per byte cost ~5% of reading its logs. Same
                    // rules as the switch below, which finishes a sequence a chunk cut short.
                    state = .escape
                    guard index < end else { return written }
                    let kind = bytes[index]
                    index += 1
                    if kind == UInt8(ascii: "[") {
                        state = .csi
                        while index < end {
                            let next = bytes[index]
                            index += 1
                            if next >= 0x40, next <= 0x7E { state = .text; break }
                        }
                    } else if kind == UInt8(ascii: "]") {
                        state = .osc
                        while index < end {
                            let next = bytes[index]
                            index += 1
                            if next == 7 || next == 27 { state = .text; break }
                        }
                    } else {
                        state = .text
                    }
                } else if byte == 9 {
                    output[written] = 32
                    written += 1
                }
                continue
            }
            let byte = bytes[index]
            index += 1
            switch state {
            case .text:
                break
            case .escape:
                state = byte == UInt8(ascii: "[") ? .csi : byte == UInt8(ascii: "]") ? .osc : .text
            case .csi:
                if byte >= 0x40, byte <= 0x7E { state = .text }
            case .osc:
                if byte == 7 || byte == 27 { state = .text }
            }
        }
        return written
    }
}
