/// One Keras progress update parsed from a cleaned segment (escape sequences removed).
///
/// Covers every printed form: Keras 3 (`81/81 ━━━━ 0s 411us/step - loss: …`), tf-keras and
/// Keras 2.3+ (`3/3 [====] - ETA: 0s - loss: …` / `- 0s 9ms/step - …`), Keras 1.x-2.2
/// (`60000/60000 [====] - 5s - loss: … - acc: …`), and `verbose=2`
/// (`81/81 - 2s - 29ms/step - …`, `3/3 - 0s - loss: … - 576ms/epoch - 7ms/step`,
/// ` - 5s - loss: …`).
struct ProgressLine {
    /// How the bar was drawn.
    enum Style: Equatable {
        /// Keras 3's 20 `━` cells.
        case keras3Bar
        /// `[=====>....]`, tf-keras, Keras 1 and 2.
        case bracketBar
        /// No bar: `verbose=2`.
        case none
    }

    var style: Style = .none
    var step: Int?
    var total: Int?
    /// True when the total was printed as `Unknown` (`%7d/Unknown`).
    var unknownTotal = false
    /// An `ETA:` label was printed: certainly an intermediate update.
    var hasETALabel = false
    // The three below sit beside the other flags, in what was padding: a bigger struct made
    // every update's copy slower.
    /// The ETA was printed as a clock (`ETA: 1:33`), not in seconds (`ETA: 93s`).
    var etaClock = false
    /// A time word came after a metric: tf-keras's `verbose=2` (`- loss: … - 576ms/epoch - 7ms/step`);
    /// Keras 3 prints its times first.
    var timeAfterMetrics = false
    /// A counter-less `verbose=2` line: `.dash` for Keras 2.0-2.3's ` - 94s - loss: …`, `.bare`
    /// for Keras 1's `94s - loss: …`.
    var counterless: Counterless?
    /// The first bare duration (`0s`, `1:36`): Keras 3's ETA or elapsed, tf-keras's elapsed.
    var duration: Double?
    var eta: Double?
    var secondsPerStep: Double?
    var secondsPerEpoch: Double?
    /// How many `key: value` pairs were read. The values themselves stay in the reader's
    /// `MetricKeyCache` until `MetricKeyCache.finish()` builds the `MetricValues`, so this struct
    /// holds no reference and costs nothing to copy or destroy (it is made for every segment).
    var metricCount = 0
    /// Where unparsed trailing text (a message glued onto the bar) begins, if any.
    var trailerStart: Int?

    enum Counterless: Equatable { case dash, bare }

    /// Plausibly the last update of an epoch: no ETA, and the counter (if any) at its total.
    var looksFinal: Bool {
        if hasETALabel { return false }
        guard let step else { return true }
        if let total { return step >= total }
        return false
    }
}

extension ProgressLine {
    /// Parses `bytes[start..<end]`; nil unless it is a progress update. `keys` interns metric
    /// names so that an update repeating the previous update's keys allocates no new String.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                      keys: inout MetricKeyCache) -> ProgressLine? {
        var line = ProgressLine()
        return parse(bytes, from: start, to: end, keys: &keys, into: &line) ? line : nil
    }

    /// `parse` without the Optional: fills `line` (a fresh value) and says whether it is progress.
    /// The reader calls this once per segment, so it avoids copying the struct in and out.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                      keys: inout MetricKeyCache, into line: inout ProgressLine) -> Bool {
        keys.begin()
        var index = start
        while index < end, bytes[index] == 32 { index += 1 }
        guard index < end else { return false }
        // A leading number is a counter (`12/81`) or Keras 1.x verbose=2's duration
        // (`94s - loss: 0.7638 - acc: 0.5428`); read it once and look at what follows.
        let leading = bytes[index] &- 48 <= 9 ? PrintedNumber.integer(bytes, from: index, to: end) : nil
        if let (_, afterNumber) = leading,
           afterNumber + 3 < end, bytes[afterNumber] == UInt8(ascii: "s"),
           matches(bytes, afterNumber + 1, end, " - ") {
            line.style = .none
            line.counterless = .bare
            line.parseTail(bytes, from: index, to: end, keys: &keys)
            line.collect(&keys)
            return line.metricCount > 0
        } else if bytes[index] &- 48 <= 9 {
            guard let (step, afterStep) = leading,
                  afterStep < end, bytes[afterStep] == UInt8(ascii: "/") else { return false }
            line.step = step
            index = afterStep + 1
            if let (total, afterTotal) = PrintedNumber.integer(bytes, from: index, to: end) {
                line.total = total
                index = afterTotal
            } else if matches(bytes, index, end, "Unknown") {
                line.unknownTotal = true
                index += 7
            } else {
                return false
            }
            // What follows the counter decides: a bar, ` - ` (verbose=2), or the end.
            if index == end {
                line.collect(&keys)
                return true
            }
            guard bytes[index] == 32 else { return false }
            if line.unknownTotal {
                // `%7d/Unknown` has no bar in any flavour; it is never a verbose=2 line. tf-keras
                // goes on with ` - 1s 5ms/step`, Keras 3 with ` 1s 5ms/step` (its bar's place).
                line.style = index + 1 < end && bytes[index + 1] == UInt8(ascii: "-") ? .bracketBar : .keras3Bar
            } else if index + 1 < end, bytes[index + 1] == UInt8(ascii: "[") {
                guard let close = firstIndex(of: UInt8(ascii: "]"), bytes, index + 2, end) else { return false }
                line.style = .bracketBar
                index = close + 1
            } else if index + 3 < end, bytes[index + 1] == 0xE2, bytes[index + 2] == 0x94, bytes[index + 3] == 0x81 {
                line.style = .keras3Bar
                index += 1
                // Four `━` cells (12 bytes) per step with two word compares: the 20-cell bar
                // was compared byte by byte, ~60 compares per Keras 3 update.
                if let base = bytes.baseAddress {
                    let raw = UnsafeRawPointer(base)
                    while index + 12 <= end,
                          // Bytes 0-7 and 8-11 of four E2 94 81 cells, read little-endian.
                          UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                            == 0x94E2_8194_E281_94E2,
                          UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index + 8, as: UInt32.self))
                            == 0x8194_E281 {
                        index += 12
                    }
                }
                while index + 2 < end, bytes[index] == 0xE2, bytes[index + 1] == 0x94, bytes[index + 2] == 0x81 {
                    index += 3
                }
            } else if index + 2 < end, bytes[index + 1] == UInt8(ascii: "-"), bytes[index + 2] == 32 {
                line.style = .none
            } else {
                return false
            }
        } else if bytes[index] == UInt8(ascii: "-"), index + 1 < end, bytes[index + 1] == 32 {
            // Keras 1-2.2 verbose=2: ` - 5s - loss: 0.2837 - acc: 0.9181`. Demand a duration
            // first so a user's "- item" print is not read as progress.
            guard duration(bytes, index + 2, end) != nil else { return false }
            line.style = .none
            line.counterless = .dash
        } else {
            return false
        }
        line.parseTail(bytes, from: index, to: end, keys: &keys)
        line.collect(&keys)
        if line.step == nil, line.metricCount == 0 { return false }
        return true
    }

    /// Parses a Keras 3 update as printed, escape sequences and all:
    /// `ESC[1m 5/81ESC[0m ESC[32m━ESC[0mESC[37m━━…ESC[0m ESC[1m0sESC[0m 50us/step - loss: …`.
    /// Keras 3 puts SGR sequences only at those places, so reading them there saves copying
    /// every update without its ~8 sequences first (~20% of reading a Keras 3 log). Returns
    /// false, with nothing decided, for anything else (an escape elsewhere, a glued message);
    /// the caller then strips the segment and uses `parse`, which reads every form.
    static func parseKeras3Drawn(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                                 keys: inout MetricKeyCache, into line: inout ProgressLine) -> Bool {
        var index = start
        guard skipSGR(bytes, &index, end) else { return false }
        while index < end, bytes[index] == 32 { index += 1 }
        guard index < end, bytes[index] &- 48 <= 9,
              let (step, afterStep) = PrintedNumber.integer(bytes, from: index, to: end),
              afterStep < end, bytes[afterStep] == UInt8(ascii: "/"),
              let (total, afterTotal) = PrintedNumber.integer(bytes, from: afterStep + 1, to: end) else { return false }
        index = afterTotal
        guard skipSGR(bytes, &index, end), index < end, bytes[index] == 32 else { return false }
        index += 1
        // The bar: coloured runs of `━`, each run between SGR sequences.
        var cells = 0
        while index < end {
            if bytes[index] == 27 {
                guard skipSGR(bytes, &index, end) else { return false }
                continue
            }
            guard index + 2 < end, bytes[index] == 0xE2, bytes[index + 1] == 0x94, bytes[index + 2] == 0x81 else { break }
            if let base = bytes.baseAddress {
                let raw = UnsafeRawPointer(base)
                while index + 12 <= end,
                      UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) == 0x94E2_8194_E281_94E2,
                      UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index + 8, as: UInt32.self)) == 0x8194_E281 {
                    index += 12
                    cells += 4
                }
            }
            while index + 2 < end, bytes[index] == 0xE2, bytes[index + 1] == 0x94, bytes[index + 2] == 0x81 {
                index += 3
                cells += 1
            }
        }
        guard cells > 0, index < end, bytes[index] == 32 else { return false }
        index += 1
        // The bold ETA or elapsed time, then the plain rest, which must hold no other escape.
        guard skipSGR(bytes, &index, end), let (seconds, afterTime) = duration(bytes, index, end) else { return false }
        index = afterTime
        // A space must follow, as Keras prints it: without one the stripped text glues the time
        // to the next word (`36s012ms/step`), which `parse` does not read as two.
        guard skipSGR(bytes, &index, end), index < end, bytes[index] == 32,
              ControlByteScan.firstControl(bytes, from: index, to: end) == end else { return false }
        keys.begin()
        line.style = .keras3Bar
        line.step = step
        line.total = total
        line.duration = seconds
        // Usually ` 12ms/step` and the names of the last update: read them directly, as
        // `parseTail` would; anything else goes through `parseTail`.
        if index + 1 < end, bytes[index + 1] &- 48 <= 9,
           let (perStep, unit, afterWord) = timeWord(bytes, index + 1, end), unit == .step,
           readExpectedMetrics(bytes, from: afterWord, to: end, keys: &keys) {
            line.secondsPerStep = perStep
            line.metricCount = keys.count
            return true
        }
        keys.begin()
        line.parseTail(bytes, from: index, to: end, keys: &keys)
        line.collect(&keys)
        return line.trailerStart == nil
    }

    /// Reads ` - name: value` pairs to `end`, each name the one the last update printed at
    /// that place; false at anything else (`keys` then holds a partial update: begin again).
    @inline(__always)
    private static func readExpectedMetrics(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                                            keys: inout MetricKeyCache) -> Bool {
        var index = start
        while index < end {
            guard index + 3 < end, bytes[index] == 32, bytes[index + 1] == UInt8(ascii: "-"), bytes[index + 2] == 32,
                  let (name, valueStart) = keys.expectedName(bytes, index + 3, end),
                  let (value, next) = PrintedNumber.parse(bytes, from: valueStart, to: end) else { return false }
            keys.add(name: name, value: value)
            index = next
        }
        return true
    }

    /// Parses the update tf-keras draws thousands of times per epoch,
    /// ` 123/1000 [=====>......] - ETA: 1:36 - loss: 0.6931 - accuracy: 0.5000`, with each
    /// metric the name the previous update printed at that place; false, with nothing
    /// decided, for anything else (a final line, a new name, other spacing), which `parse`
    /// then reads. Accepts only what `parse` reads the same way, step for step, without the
    /// general token loop (~10% of reading a tf-keras log).
    static func parseBracketUpdate(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                                   keys: inout MetricKeyCache, into line: inout ProgressLine) -> Bool {
        var index = start
        while index < end, bytes[index] == 32 { index += 1 }
        guard index < end, bytes[index] &- 48 <= 9,
              let (step, afterStep) = PrintedNumber.integer(bytes, from: index, to: end),
              afterStep + 1 < end, bytes[afterStep] == UInt8(ascii: "/"),
              let (total, afterTotal) = PrintedNumber.integer(bytes, from: afterStep + 1, to: end),
              afterTotal + 1 < end, bytes[afterTotal] == 32, bytes[afterTotal + 1] == UInt8(ascii: "["),
              let close = firstIndex(of: UInt8(ascii: "]"), bytes, afterTotal + 2, end),
              matches(bytes, close + 1, end, " - ETA: "),
              let (eta, afterETA) = duration(bytes, close + 9, end) else { return false }
        keys.begin()
        guard readExpectedMetrics(bytes, from: afterETA, to: end, keys: &keys) else { return false }
        var result = ProgressLine()
        result.style = .bracketBar
        result.step = step
        result.total = total
        result.hasETALabel = true
        result.eta = eta
        // `1:33` ends in digits, `93s` in `s` (`duration` reads nothing else).
        result.etaClock = bytes[afterETA - 1] != UInt8(ascii: "s")
        result.metricCount = keys.count
        line = result
        return true
    }

    /// Skips one `ESC [ digits m` at `index`; false when there is none.
    @inline(__always)
    private static func skipSGR(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int, _ end: Int) -> Bool {
        guard index + 2 < end, bytes[index] == 27, bytes[index + 1] == UInt8(ascii: "[") else { return false }
        var next = index + 2
        while next < end, bytes[next] &- 48 <= 9 { next += 1 }
        guard next < end, bytes[next] == UInt8(ascii: "m") else { return false }
        index = next + 1
        return true
    }

    private mutating func collect(_ keys: inout MetricKeyCache) {
        metricCount = keys.count
    }

    /// Parses everything after the counter and bar: time words and ` - key: value` pairs.
    private mutating func parseTail(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                                    keys: inout MetricKeyCache) {
        var index = start
        while true {
            // Separators: spaces and a lone `-`.
            var sawSeparator = false
            while index < end {
                let byte = bytes[index]
                if byte == 32 { index += 1; continue }
                if byte == UInt8(ascii: "-"), index + 1 < end, bytes[index + 1] == 32 {
                    sawSeparator = true
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "-"), index + 1 == end { index += 1; continue }
                break
            }
            _ = sawSeparator
            if index >= end { return }
            let tokenStart = index
            // `ETA: 1:36` (the first byte rules out every other token cheaply)
            if bytes[index] == UInt8(ascii: "E"), ProgressLine.matches(bytes, index, end, "ETA: ") {
                if let (value, next) = ProgressLine.duration(bytes, index + 5, end) {
                    hasETALabel = true
                    eta = value
                    etaClock = bytes[next - 1] != UInt8(ascii: "s")
                    index = next
                    continue
                }
                trailerStart = tokenStart
                return
            }
            // A time word: `0s`, `1:36`, `9ms/step`, `576ms/epoch`.
            if bytes[index] >= 48, bytes[index] <= 57 {
                if let (seconds, unit, next) = ProgressLine.timeWord(bytes, index, end),
                   next == end || bytes[next] == 32 {
                    if keys.count > 0 { timeAfterMetrics = true }
                    switch unit {
                    case .step: secondsPerStep = seconds
                    case .epoch: secondsPerEpoch = seconds
                    case .none: if duration == nil { duration = seconds }
                    }
                    index = next
                    continue
                }
                trailerStart = tokenStart
                return
            }
            // `key: value`, usually the name the last update had at this place.
            if let (name, valueStart) = keys.expectedName(bytes, index, end),
               let (value, next) = PrintedNumber.parse(bytes, from: valueStart, to: end) {
                keys.add(name: name, value: value)
                index = next
                if index < end, bytes[index] != 32 {
                    trailerStart = index
                    return
                }
                continue
            }
            var colon = index
            while colon < end, bytes[colon] != UInt8(ascii: ":"), bytes[colon] != 32 { colon += 1 }
            guard colon > index, colon + 1 < end, bytes[colon] == UInt8(ascii: ":"), bytes[colon + 1] == 32,
                  let (value, next) = PrintedNumber.parse(bytes, from: colon + 2, to: end) else {
                trailerStart = tokenStart
                return
            }
            keys.add(bytes, index, colon, value: value)
            index = next
            // A value must be followed by a separator, padding or the end; anything else is a
            // message glued onto the bar (`0.5938E0000 00:00:…`, `nanBatch 8: Invalid loss`).
            if index < end, bytes[index] != 32 {
                trailerStart = index
                return
            }
        }
    }

    enum TimeUnit { case none, step, epoch }

    /// `5s`, `1:36`, `1:02:03`, `687ms/step`, `83us/step`, `1s/step`, `576ms/epoch`.
    static func timeWord(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (Double, TimeUnit, Int)? {
        guard let (value, next) = PrintedNumber.integer(bytes, from: start, to: end), next < end else { return nil }
        var index = next
        var seconds: Double
        if bytes[index] == UInt8(ascii: ":") {
            guard let (value, next) = duration(bytes, start, end) else { return nil }
            return (value, .none, next)
        } else if bytes[index] == UInt8(ascii: "s") {
            seconds = Double(value)
            index += 1
        } else if index + 1 < end, bytes[index] == UInt8(ascii: "m"), bytes[index + 1] == UInt8(ascii: "s") {
            seconds = Double(value) / 1000
            index += 2
        } else if index + 1 < end, bytes[index] == UInt8(ascii: "u"), bytes[index + 1] == UInt8(ascii: "s") {
            seconds = Double(value) / 1_000_000
            index += 2
        } else if index + 2 < end, bytes[index] == 0xC2, bytes[index + 1] == 0xB5, bytes[index + 2] == UInt8(ascii: "s") {
            seconds = Double(value) / 1_000_000 // `µs` in some Keras 2 builds
            index += 3
        } else {
            return nil
        }
        if index < end, bytes[index] == UInt8(ascii: "/") {
            if matches(bytes, index + 1, end, "step") { return (seconds, .step, index + 5) }
            if matches(bytes, index + 1, end, "epoch") { return (seconds, .epoch, index + 6) }
            if matches(bytes, index + 1, end, "sample") { return (seconds, .step, index + 7) }
            return nil
        }
        return (seconds, .none, index)
    }

    /// A bare duration: `5s`, `1:36` (M:SS), `1:02:03` (H:MM:SS).
    static func duration(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (Double, Int)? {
        guard let (first, next) = PrintedNumber.integer(bytes, from: start, to: end) else { return nil }
        if next < end, bytes[next] == UInt8(ascii: "s") { return (Double(first), next + 1) }
        guard next < end, bytes[next] == UInt8(ascii: ":"),
              let (second, afterSecond) = PrintedNumber.integer(bytes, from: next + 1, to: end) else { return nil }
        if afterSecond < end, bytes[afterSecond] == UInt8(ascii: ":"),
           let (third, afterThird) = PrintedNumber.integer(bytes, from: afterSecond + 1, to: end) {
            return (Double(first * 3600 + second * 60 + third), afterThird)
        }
        return (Double(first * 60 + second), afterSecond)
    }

    @inline(__always)
    static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard start + count <= end else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count where bytes[start + offset] != pointer[offset] { return false }
        return true
    }

    @inline(__always)
    static func firstIndex(of byte: UInt8, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        guard start < end else { return nil }
        let index = ControlByteScan.first(byte, bytes, from: start, to: end)
        return index < end ? index : nil
    }
}

/// Interns metric names: Keras prints the same keys in the same order on every update, so
/// comparing bytes against the previous names avoids a String allocation per key per update,
/// and an update with the previous update's key sequence shares its keys: building its
/// `MetricValues` then costs one allocation (the values).
struct MetricKeyCache {
    /// Every distinct name's bytes, back to back; `spans[i]` locates name `i`, with its first 8
    /// bytes as one little-endian word (zero past its end) for comparing a short name at once.
    private var storage: [UInt8] = []
    private var spans: [(start: Int, count: Int, head: UInt64)] = []
    private var names: [String] = []
    private var cursor = 0
    /// The key sequence of the update being parsed, as name indices; only the first `count`
    /// entries of `current` and `values` are live. Kept at their high-water size and overwritten
    /// rather than emptied per update: `removeAll(keepingCapacity:)` went through the generic
    /// `replaceSubrange` and a uniqueness check, ~2% of parsing a log of in-epoch updates.
    private var current: [Int] = [Int](repeating: 0, count: InlineValues.capacity)
    /// At least `InlineValues.capacity` long, so an update's values can be copied inline whole.
    private var values: [Double] = [Double](repeating: 0, count: InlineValues.capacity)
    /// Metrics collected for the update being parsed.
    private(set) var count = 0
    /// The last update's key sequence and its names array (shared by every update that repeats it).
    private var lastSequence: [Int] = [] {
        // An update following the old sequence keeps its names.
        willSet { materialize() }
        didSet {
            rows = nil
            lastNames = nil
            triedInterning = false
        }
    }
    /// `lastTemplate`'s names interned (`MetricNameList`), once asked for.
    private var lastNames: Unmanaged<MetricNameList>?
    private var triedInterning = false
    private var lastTemplate = MetricValues()
    /// The block the next in-epoch update's values go to (its template is `lastTemplate`), and
    /// how many of its rows are written.
    private var rows: MetricRows?
    private var rowsUsed = 0
    /// Rows in the next block for the same names: blocks start small (names that change every
    /// update cost little) and double up to `valuesPerBlock` values.
    private var nextBlockRows = 8
    /// Values per block at most (16 KiB): one allocation per ~1,000 updates of a two-metric
    /// bar, and an update kept alive keeps at most this much.
    static let valuesPerBlock = 2048
    /// Upper bound on interned names: 4096 keeps a garbage-heavy stream from growing the cache.
    private static let capacity = 4096

    /// Starts collecting one update's metrics.
    mutating func begin() {
        count = 0
        followsLast = true
    }

    /// Records `bytes[start..<end]: value`.
    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, value: Double) {
        add(name: intern(bytes, start, end), value: value)
    }

    /// When `bytes[start...]` is the name the last update had at this position followed by
    /// `": "`, that name's index and where its value starts. Keras prints the same names in
    /// the same order on every update, so this one compare usually replaces scanning for the
    /// colon and looking the name up.
    @inline(__always)
    func expectedName(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (name: Int, valueStart: Int)? {
        guard count < lastSequence.count else { return nil }
        let name = lastSequence[count]
        guard name >= 0 else { return nil }
        let span = spans[name]
        let colon = start + span.count
        guard colon + 1 < end, bytes[colon] == UInt8(ascii: ":"), bytes[colon + 1] == 32 else { return nil }
        var offset = 0
        if span.count >= 8 || start + 8 <= bytes.count, let base = bytes.baseAddress {
            // The first 8 bytes (or the whole name) in one compare; the buffer holds the
            // colon and a space after the name, and a shorter name's word is masked.
            let word = UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: start, as: UInt64.self))
            let mask: UInt64 = span.count >= 8 ? ~0 : (1 << (8 * UInt64(span.count))) &- 1
            guard word & mask == span.head else { return nil }
            offset = min(span.count, 8)
        }
        if offset < span.count {
            let same: Bool = storage.withUnsafeBufferPointer { stored in
                while offset < span.count, stored[span.start + offset] == bytes[start + offset] { offset += 1 }
                return offset == span.count
            }
            guard same else { return nil }
        }
        return (name, colon + 2)
    }

    /// True while the names collected so far are a prefix of `lastSequence`: `current` is then
    /// not written (the update's names are `lastSequence[0..<count]`) until a name differs.
    /// Nearly every update repeats the last one's names, so this saves a write per metric and
    /// makes `repeatsLastSequence` a comparison of counts.
    private var followsLast = true

    /// Records name `name` (an index from `expectedName` or `intern`) with `value`.
    @inline(__always)
    mutating func add(name: Int, value: Double) {
        if followsLast, !(count < lastSequence.count && lastSequence[count] == name) {
            materialize()
        }
        if !followsLast {
            if count < current.count { current[count] = name } else { current.append(name) }
        }
        if count < values.count { values[count] = value } else { values.append(value) }
        count += 1
    }

    /// Writes the names collected so far into `current` and stops following `lastSequence`.
    private mutating func materialize() {
        guard followsLast else { return }
        followsLast = false
        for index in 0..<count {
            if index < current.count { current[index] = lastSequence[index] } else { current.append(lastSequence[index]) }
        }
    }

    /// True when the update being collected has the last update's names in the same order.
    private var repeatsLastSequence: Bool {
        followsLast && count == lastSequence.count
    }

    /// The names of the update being collected (materialized from `lastSequence` if needed).
    private var sequence: ArraySlice<Int> {
        mutating get {
            materialize()
            return current[0..<count]
        }
    }

    /// The interned names when the update being collected repeats the last update's names
    /// and has at most `InlineValues.capacity` values, whose list is already interned: then
    /// `inlineValues` is all `store()` would keep.
    @inline(__always)
    var repeatedInlineNames: Unmanaged<MetricNameList>? {
        repeatsLastSequence && count <= InlineValues.capacity && triedInterning ? lastNames : nil
    }

    /// The update's values for `.inline` storage (see `repeatedInlineNames`).
    @inline(__always)
    var inlineValues: InlineValues {
        values.withUnsafeBufferPointer { InlineValues(first: $0) }
    }

    /// Stores the collected metrics of the last parsed update for a `BatchProgress`: inline
    /// next to the interned name list when there are at most four, else as the next row of a
    /// shared block. Nil when the update repeats a name (then use `finish()`). Call at most
    /// once per update, before the next parse, and not together with `finish()`.
    mutating func store() -> BatchValues? {
        if !repeatsLastSequence {
            guard adoptIfUnique() else { return nil }
            nextBlockRows = 8
        }
        if count <= InlineValues.capacity {
            if !triedInterning {
                triedInterning = true
                lastNames = MetricNameList.interned(lastTemplate)
            }
            if let lastNames { return .inline(lastNames, inlineValues) }
        }
        let block: MetricRows
        if let current = rows, rowsUsed < current.capacity {
            block = current
        } else {
            block = MetricRows(template: lastTemplate, rows: nextBlockRows)
            nextBlockRows = min(nextBlockRows * 2, max(1, Self.valuesPerBlock / max(count, 1)))
            rows = block
            rowsUsed = 0
        }
        let row = rowsUsed
        if count > 0 {
            values.withUnsafeBufferPointer { block.write(row: row, from: $0.baseAddress!) }
        }
        rowsUsed += 1
        return .row(block, row)
    }

    /// The collected metrics of the last parsed update, in printed order (a repeated key keeps
    /// its last value). Call at most once per update, before the next parse.
    mutating func finish() -> MetricValues {
        if repeatsLastSequence {
            // Same keys as last time: the last dictionary's keys with this update's values; the
            // copy-on-write of the values is the only allocation.
            return values.withUnsafeBufferPointer { source in lastTemplate.filled { source[$0] } }
        }
        if adoptIfUnique() { return lastTemplate }
        let sequence = self.sequence
        var metrics = MetricValues()
        for (index, value) in zip(sequence, values[0..<count]) { metrics[names[index]] = value }
        return metrics
    }

    /// Makes the update's names the last sequence when no name repeats; false (nothing
    /// changed) when one does.
    private mutating func adoptIfUnique() -> Bool {
        let names = sequence
        var seen = Set<Int>()
        guard names.allSatisfy({ seen.insert($0).inserted }) else { return false }
        adopt(names)
        return true
    }

    /// Makes `names` (unique name indices, the update being collected) the last sequence. The
    /// update's names then equal it, so it keeps following it.
    private mutating func adopt(_ names: ArraySlice<Int>) {
        lastSequence = Array(names)
        lastTemplate = MetricValues(uncheckedUniqueKeys: names.map { self.names[$0] }, values: values[0..<count])
        followsLast = true
    }

    /// `bytes[start..<min(end, start + 8)]` as a little-endian word, zero-padded.
    private static func head(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        var word: UInt64 = 0
        for offset in 0..<min(8, end - start) { word |= UInt64(bytes[start + offset]) << (8 * UInt64(offset)) }
        return word
    }

    private mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        let count = end - start
        let total = spans.count
        if total > 0 {
            let found: Int? = storage.withUnsafeBufferPointer { stored in
                for attempt in 0..<min(total, 64) {
                    var slot = cursor + attempt
                    if slot >= total { slot -= total * (slot / total) }
                    let span = spans[slot]
                    guard span.count == count else { continue }
                    var offset = 0
                    while offset < count, stored[span.start + offset] == bytes[start + offset] { offset += 1 }
                    if offset == count { return slot }
                }
                return nil
            }
            if let found {
                cursor = found + 1
                return found
            }
        }
        let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        if total >= Self.capacity {
            // Full (a stream of garbage keys): reuse the last slot for the newcomer.
            names[total - 1] = name
            storage.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
            spans[total - 1] = (storage.count - count, count, Self.head(bytes, start, end))
            lastSequence = [-1]
            return total - 1
        }
        storage.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
        spans.append((storage.count - count, count, Self.head(bytes, start, end)))
        names.append(name)
        cursor = spans.count
        return spans.count - 1
    }
}
