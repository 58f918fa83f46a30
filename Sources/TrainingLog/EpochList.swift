import Collections

/// The epochs of one `fit` segment, in order: what `RunHistory.epochs` holds. It reads like an
/// array of `EpochRecord`s (a random-access collection: `count`, `last`, `[i]`, `for … in`),
/// but keeps a long run in columns, so a kept epoch costs about its metric values and a few
/// bytes more instead of a record and a dictionary of its own (export and check of a million
/// epochs held 370-530 bytes per epoch; docs/benchmarks.md has the figures).
///
/// Up to `compactThreshold` epochs are kept as records. Past that, each field is a column: the
/// epoch number (as its distance from the position), `of`, steps, seconds, seconds per step,
/// `complete` and the epoch's key list are one-byte codes into a palette of the distinct
/// values while there are at most 256 of them (they barely vary in a run), else the values
/// themselves; the metric values of every epoch are one flat sequence of doubles; the key
/// lists are interned, so a run that prints the same names every epoch stores them once. All
/// storage is in chunks of 4096 elements, so growing never copies a long run, and a copy
/// (a diagnosis snapshot, a segment passed to `export`) shares every chunk until one changes.
/// Reading `list[i]` builds the record (one allocation, its values); `values(of:)`,
/// `metricNames` and the field accessors read the columns without building records.
public struct EpochList: Sendable {
    /// Past this many epochs a list is kept in columns.
    public static let compactThreshold = 16

    /// The records while the list is short (empty once `columns` holds the epochs).
    private var records: [EpochRecord] = []
    /// The epochs in columns, once the list is long.
    private var columns: EpochColumns?

    /// An empty list.
    public init() {}

    /// The records, in order (kept as they come: an epoch number may repeat).
    public init<S: Sequence>(_ records: S) where S.Element == EpochRecord {
        for record in records { append(record) }
    }

    /// Whether the epochs are kept in columns (past `compactThreshold`).
    public var isColumnar: Bool { columns != nil }

    /// Adds `record` at the end.
    public mutating func append(_ record: EpochRecord) {
        if columns != nil {
            columns!.append(record)
        } else if records.count < Self.compactThreshold {
            records.append(record)
        } else {
            var built = EpochColumns()
            for kept in records { built.append(kept) }
            built.append(record)
            records = []
            columns = built
        }
    }

    /// Puts `record` in place of the latest record with the same epoch number, else at the
    /// end: a later final line for an epoch replaces an earlier one. O(log n) for the usual
    /// rising epoch numbers, O(1) on average otherwise.
    mutating func upsert(_ record: EpochRecord) {
        if columns != nil {
            columns!.upsert(record)
        } else if let position = records.lastIndex(where: { $0.epoch == record.epoch }) {
            records[position] = record
        } else {
            append(record)
        }
    }

    /// Removes the last epoch.
    public mutating func removeLast() {
        precondition(!isEmpty, "removeLast on an empty EpochList")
        if columns != nil { columns!.removeLast() } else { records.removeLast() }
    }

    // MARK: reading without building records

    /// Keras's epoch number of the epoch at `index`.
    public func epoch(at index: Int) -> Int {
        if let columns { return columns.epoch(at: index) }
        return records[index].epoch
    }

    /// Whether the epoch at `index` finished (`EpochRecord.complete`).
    public func isComplete(at index: Int) -> Bool {
        if let columns { return columns.complete[index] }
        return records[index].complete
    }

    /// The wall time Keras printed for the epoch at `index`.
    public func seconds(at index: Int) -> Double? {
        if let columns { return columns.seconds[index].map(Double.init(bitPattern:)) }
        return records[index].seconds
    }

    /// The value of `metric` in the epoch at `index`, nil when that epoch lacks it.
    public func value(of metric: String, at index: Int) -> Double? {
        if let columns { return columns.value(of: metric, at: index) }
        return records[index].metrics[metric]
    }

    /// Epochs that finished (`complete`).
    public var completeCount: Int {
        if let uniform = columns?.complete.uniformValue { return uniform ? count : 0 }
        var count = 0
        for index in indices where isComplete(at: index) { count += 1 }
        return count
    }

    /// The finished epochs alone, in order: the list itself when every epoch finished, and
    /// without copying its storage when only the last one was cut off.
    public func completeOnly() -> EpochList {
        let complete = completeCount
        if complete == count { return self }
        if complete == count - 1, !isComplete(at: count - 1) {
            var list = self
            list.removeLast()
            return list
        }
        return EpochList(indices.lazy.filter { isComplete(at: $0) }.map { self[$0] })
    }

    /// The records cut off before they finished (`complete == false`), in order.
    public var incomplete: [EpochRecord] {
        indices.filter { !isComplete(at: $0) }.map { self[$0] }
    }

    /// The wall times Keras printed, in order, for the epochs that have one.
    public var printedSeconds: [Double] {
        indices.compactMap { seconds(at: $0) }
    }

    /// Per-epoch values of one metric, `missing` where an epoch lacks it.
    public func values(of metric: String, missing: Double = .nan) -> [Double] {
        if let columns { return columns.values(of: metric, missing: missing) }
        return records.map { $0.metrics[metric] ?? missing }
    }

    /// Metric names in first-seen order.
    public var metricNames: [String] {
        if let columns { return columns.metricNames }
        var names = OrderedSet<String>()
        for record in records { names.append(contentsOf: record.metrics.keys) }
        return Array(names)
    }

    /// How many times the values of replaced epochs were compacted away (for tests).
    var compactions: Int { columns?.compactions ?? 0 }

    /// Bytes the list holds on the heap for its epochs (capacity, not count; the interned key
    /// lists and the chunk tables included; estimated for a short list of records): what the
    /// memory test compares.
    public var storageBytes: Int {
        if let columns { return columns.storageBytes }
        return records.capacity * MemoryLayout<EpochRecord>.stride
            + records.reduce(0) { $0 + 32 + $1.metrics.count * MemoryLayout<Double>.stride }
    }
}

extension EpochList: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { columns?.count ?? records.count }

    /// The record at `index` (built from the columns for a long list).
    public subscript(index: Int) -> EpochRecord {
        if let columns {
            precondition(index >= 0 && index < columns.count, "EpochList index out of range")
            return columns.record(at: index)
        }
        return records[index]
    }
}

extension EpochList: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: EpochRecord...) {
        self.init(elements)
    }
}

extension EpochList: Equatable {
    /// Equal when they hold equal records in the same order (however each is stored).
    public static func == (lhs: EpochList, rhs: EpochList) -> Bool {
        lhs.count == rhs.count && lhs.elementsEqual(rhs)
    }
}

extension EpochList: CustomStringConvertible {
    public var description: String { Array(self).description }
}

// MARK: - storage

/// Elements in chunks of `chunkSize`: appending never moves what is stored (a long array
/// doubles, and for a moment holds both copies), and a copy shares every chunk until one is
/// written.
struct ChunkedArray<Element: Sendable>: Sendable {
    static var chunkShift: Int { 12 }
    static var chunkSize: Int { 1 << chunkShift }
    static var chunkMask: Int { chunkSize - 1 }

    private(set) var chunks: [[Element]] = []
    private(set) var count = 0

    init() {}

    subscript(index: Int) -> Element {
        get { chunks[index &>> Self.chunkShift][index & Self.chunkMask] }
        set { chunks[index &>> Self.chunkShift][index & Self.chunkMask] = newValue }
    }

    mutating func append(_ element: Element) {
        if count & Self.chunkMask == 0 {
            var chunk: [Element] = []
            // The first chunk grows as an array does, so a short list stays small; later ones
            // are made whole at once.
            if count > 0 { chunk.reserveCapacity(Self.chunkSize) }
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(element)
        count += 1
    }

    /// Keeps the first `newCount` elements.
    mutating func truncate(to newCount: Int) {
        precondition(newCount >= 0 && newCount <= count, "ChunkedArray truncated past its end")
        guard newCount < count else { return }
        let kept = (newCount + Self.chunkMask) &>> Self.chunkShift
        chunks.removeLast(chunks.count - kept)
        if kept > 0 {
            let inLast = newCount - (kept - 1) << Self.chunkShift
            chunks[kept - 1].removeLast(chunks[kept - 1].count - inLast)
        }
        count = newCount
    }

    /// Heap bytes held: every chunk's capacity and the chunk table.
    var storageBytes: Int {
        chunks.reduce(0) { $0 + $1.capacity * MemoryLayout<Element>.stride } + chunks.capacity * MemoryLayout<[Element]>.stride
    }
}

/// One field of every epoch: a one-byte code per epoch into a palette of the distinct values
/// while there are at most 256 of them, else the values themselves. `Value`'s `==` must be
/// exact (doubles are stored as their bit patterns, so a NaN is one value).
struct CodedColumn<Value: Equatable & Sendable>: Sendable {
    private var palette: [Value] = []
    private var codes = ChunkedArray<UInt8>()
    private var plain: ChunkedArray<Value>?
    private var lastCode = 0

    var count: Int { plain?.count ?? codes.count }

    subscript(index: Int) -> Value {
        if let plain { return plain[index] }
        return palette[Int(codes[index])]
    }

    /// The value when every epoch has the same one.
    var uniformValue: Value? {
        plain == nil && palette.count == 1 ? palette[0] : nil
    }

    mutating func append(_ value: Value) {
        if plain != nil { plain!.append(value); return }
        if let code = code(for: value) { codes.append(code); return }
        becomePlain()
        plain!.append(value)
    }

    mutating func set(_ value: Value, at index: Int) {
        if plain != nil { plain![index] = value; return }
        if let code = code(for: value) { codes[index] = code; return }
        becomePlain()
        plain![index] = value
    }

    mutating func truncate(to newCount: Int) {
        if plain != nil { plain!.truncate(to: newCount) } else { codes.truncate(to: newCount) }
    }

    var storageBytes: Int {
        (plain?.storageBytes ?? 0) + codes.storageBytes + palette.capacity * MemoryLayout<Value>.stride
    }

    private mutating func code(for value: Value) -> UInt8? {
        if lastCode < palette.count, palette[lastCode] == value { return UInt8(truncatingIfNeeded: lastCode) }
        if let known = palette.firstIndex(of: value) {
            lastCode = known
            return UInt8(truncatingIfNeeded: known)
        }
        guard palette.count <= Int(UInt8.max) else { return nil }
        palette.append(value)
        lastCode = palette.count - 1
        return UInt8(truncatingIfNeeded: lastCode)
    }

    private mutating func becomePlain() {
        var values = ChunkedArray<Value>()
        for index in 0..<codes.count { values.append(palette[Int(codes[index])]) }
        plain = values
        codes = ChunkedArray()
        palette = []
    }
}

/// A long `EpochList`'s columns.
struct EpochColumns: Sendable {
    /// Epoch number minus position (wrapping), so a run numbered 1, 2, 3 … stores one value.
    private var epochOffset = CodedColumn<Int>()
    private var of = CodedColumn<Int?>()
    private var steps = CodedColumn<Int?>()
    /// Bit patterns, so every double (NaN included) reads back exactly.
    private(set) var seconds = CodedColumn<UInt64?>()
    private var secondsPerStep = CodedColumn<UInt64?>()
    /// When each epoch ended (the time axes), as bit patterns; nil where the source has none.
    private var wallTime = CodedColumn<UInt64?>()
    private(set) var complete = CodedColumn<Bool>()
    /// Which of `keyLists` each epoch printed.
    private var keyList = CodedColumn<Int>()
    /// The distinct key lists, each as a template whose values are placeholders: a record's
    /// metrics are a copy of it with the values filled in (the names are shared, not copied).
    private var keyLists: [MetricValues] = []
    /// `keyLists` by their keys, once there are more than a few.
    private var keyListIndex: [OrderedSet<String>: Int] = [:]
    private var lastKeyList = 0

    /// Every epoch's metric values, one after the other.
    private var values = ChunkedArray<Double>()
    /// Epochs `0..<regular` have `regularWidth` values each, at `position × regularWidth`;
    /// the rest have their start in `tailStarts`.
    private var regular = 0
    private var regularWidth = 0
    private var tailStarts = ChunkedArray<Int>()
    /// Values no epoch refers to any more (an epoch replaced by one with other keys).
    private var garbage = 0
    private(set) var compactions = 0

    /// Whether epoch numbers strictly rise (then an epoch is found by bisection); else
    /// `positions` maps each number to its latest position.
    private var rising = true
    private var positions: [Int: Int] = [:]

    var count: Int { complete.count }

    func epoch(at index: Int) -> Int { epochOffset[index] &+ index }

    private func start(of index: Int) -> Int {
        index < regular ? index &* regularWidth : tailStarts[index - regular]
    }

    private func width(of index: Int) -> Int { keyLists[keyList[index]].count }

    func record(at index: Int) -> EpochRecord {
        let template = keyLists[keyList[index]]
        let first = start(of: index)
        let metrics = template.isEmpty ? template : template.filled { values[first + $0] }
        var record = EpochRecord(epoch: epoch(at: index), of: of[index], steps: steps[index],
                                 seconds: seconds[index].map(Double.init(bitPattern:)),
                                 secondsPerStep: secondsPerStep[index].map(Double.init(bitPattern:)),
                                 metrics: metrics, complete: complete[index])
        record.wallTime = wallTime[index].map(Double.init(bitPattern:))
        return record
    }

    func value(of metric: String, at index: Int) -> Double? {
        guard let slot = keyLists[keyList[index]].index(forKey: metric) else { return nil }
        return values[start(of: index) + slot]
    }

    mutating func append(_ record: EpochRecord) {
        let index = count
        if rising, index > 0, record.epoch <= epoch(at: index - 1) {
            // Numbers stop rising (an epoch repeated by hand, a restart without a header):
            // from now on each number's latest position is kept in a table.
            rising = false
            for position in 0..<index { positions[epoch(at: position)] = position }
        }
        if !rising { positions[record.epoch] = index }
        let width = record.metrics.count
        if tailStarts.count == 0, regular == 0 || width == regularWidth, values.count == regular &* regularWidth {
            regularWidth = width
            regular += 1
        } else {
            tailStarts.append(values.count)
        }
        for value in record.metrics.values { values.append(value) }
        epochOffset.append(record.epoch &- index)
        keyList.append(keyListNumber(record.metrics))
        setFields(record, at: nil)
    }

    mutating func upsert(_ record: EpochRecord) {
        if let position = position(of: record.epoch) {
            replace(at: position, with: record)
        } else {
            append(record)
        }
    }

    mutating func removeLast() {
        let index = count - 1
        let first = start(of: index)
        if !rising, positions[epoch(at: index)] == index { positions[epoch(at: index)] = nil }
        if first + width(of: index) == values.count { values.truncate(to: first) } else { garbage += width(of: index) }
        if index >= regular { tailStarts.truncate(to: index - regular) } else { regular -= 1 }
        if regular == 0, tailStarts.count == 0 { regularWidth = 0 }
        epochOffset.truncate(to: index)
        keyList.truncate(to: index)
        of.truncate(to: index)
        steps.truncate(to: index)
        seconds.truncate(to: index)
        secondsPerStep.truncate(to: index)
        wallTime.truncate(to: index)
        complete.truncate(to: index)
    }

    /// The position of the latest epoch numbered `epoch`, if any.
    private func position(of epoch: Int) -> Int? {
        guard rising else {
            guard let position = positions[epoch], position < count, self.epoch(at: position) == epoch else { return nil }
            return position
        }
        guard count > 0, epoch <= self.epoch(at: count - 1) else { return nil }
        var low = 0, high = count - 1
        while low <= high {
            let middle = low + (high - low) / 2
            let found = self.epoch(at: middle)
            if found == epoch { return middle }
            if found < epoch { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }

    private mutating func replace(at index: Int, with record: EpochRecord) {
        let width = record.metrics.count
        if width == self.width(of: index) {
            let first = start(of: index)
            for (slot, value) in record.metrics.values.enumerated() { values[first + slot] = value }
        } else {
            if index < regular {
                // From here on the epochs keep their own starts.
                var moved = ChunkedArray<Int>()
                for position in index..<regular { moved.append(position &* regularWidth) }
                for position in 0..<tailStarts.count { moved.append(tailStarts[position]) }
                tailStarts = moved
                regular = index
            }
            garbage += self.width(of: index)
            tailStarts[index - regular] = values.count
            for value in record.metrics.values { values.append(value) }
        }
        keyList.set(keyListNumber(record.metrics), at: index)
        setFields(record, at: index)
        if garbage > 4096, garbage > values.count - garbage { compact() }
    }

    private mutating func setFields(_ record: EpochRecord, at index: Int?) {
        let secondsBits = record.seconds.map(\.bitPattern), perStepBits = record.secondsPerStep.map(\.bitPattern)
        if let index {
            of.set(record.of, at: index)
            steps.set(record.steps, at: index)
            seconds.set(secondsBits, at: index)
            secondsPerStep.set(perStepBits, at: index)
            wallTime.set(record.wallTime.map(\.bitPattern), at: index)
            complete.set(record.complete, at: index)
        } else {
            of.append(record.of)
            steps.append(record.steps)
            seconds.append(secondsBits)
            secondsPerStep.append(perStepBits)
            wallTime.append(record.wallTime.map(\.bitPattern))
            complete.append(record.complete)
        }
    }

    /// Lays the values out again without the garbage (amortised: it runs once the garbage
    /// outweighs the live values).
    private mutating func compact() {
        var packed = ChunkedArray<Double>()
        var newRegular = 0, newWidth = 0
        var newTail = ChunkedArray<Int>()
        for index in 0..<count {
            let first = start(of: index), width = width(of: index)
            if newTail.count == 0, newRegular == 0 || width == newWidth {
                newWidth = width
                newRegular += 1
            } else {
                newTail.append(packed.count)
            }
            for slot in 0..<width { packed.append(values[first + slot]) }
        }
        values = packed
        regular = newRegular
        regularWidth = newWidth
        tailStarts = newTail
        garbage = 0
        compactions += 1
    }

    private mutating func keyListNumber(_ metrics: MetricValues) -> Int {
        if lastKeyList < keyLists.count, keyLists[lastKeyList].keys == metrics.keys { return lastKeyList }
        if keyLists.count <= 8 {
            if let known = keyLists.firstIndex(where: { $0.keys == metrics.keys }) {
                lastKeyList = known
                return known
            }
        } else if let known = keyListIndex[metrics.keys] {
            lastKeyList = known
            return known
        }
        keyLists.append(metrics.filled { _ in 0 })
        lastKeyList = keyLists.count - 1
        if keyLists.count > 8 {
            if keyListIndex.isEmpty {
                for (number, list) in keyLists.enumerated() { keyListIndex[list.keys] = number }
            } else {
                keyListIndex[metrics.keys] = lastKeyList
            }
        }
        return lastKeyList
    }

    func values(of metric: String, missing: Double) -> [Double] {
        let slots = keyLists.map { $0.index(forKey: metric) ?? -1 }
        var result: [Double] = []
        result.reserveCapacity(count)
        if let list = keyList.uniformValue, tailStarts.count == 0 {
            // The usual run: one key list, every epoch laid out alike.
            let slot = slots[list]
            guard slot >= 0 else { return Array(repeating: missing, count: count) }
            for index in 0..<count { result.append(values[index &* regularWidth &+ slot]) }
            return result
        }
        for index in 0..<count {
            let slot = slots[keyList[index]]
            result.append(slot < 0 ? missing : values[start(of: index) + slot])
        }
        return result
    }

    var metricNames: [String] {
        // Key lists in the order epochs first use them (a replaced epoch's list may be unused).
        var seen = [Bool](repeating: false, count: keyLists.count)
        var names = OrderedSet<String>()
        var left = keyLists.count
        for index in 0..<count where left > 0 {
            let list = keyList[index]
            guard !seen[list] else { continue }
            seen[list] = true
            left -= 1
            names.append(contentsOf: keyLists[list].keys)
        }
        return Array(names)
    }

    var storageBytes: Int {
        epochOffset.storageBytes + of.storageBytes + steps.storageBytes + seconds.storageBytes
            + secondsPerStep.storageBytes + wallTime.storageBytes + complete.storageBytes + keyList.storageBytes
            + values.storageBytes + tailStarts.storageBytes
            + keyLists.reduce(0) { $0 + 64 + $1.count * (MemoryLayout<String>.stride + MemoryLayout<Double>.stride) }
            + positions.capacity * (2 * MemoryLayout<Int>.stride)
    }
}
