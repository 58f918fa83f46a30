/// Reads TensorBoard event files (`events.out.tfevents.*`): TFRecord framing (little-endian
/// length, masked CRC32C of the length, data, masked CRC32C of the data) around `Event` protos
/// whose summaries hold scalars as `simple_value` or as a one-element tensor.
///
/// Keras writes one value per epoch under tags `epoch_<metric>` (step = 0-based epoch) in
/// `train/` and `validation/`; `prefix` (`"val_"` for the validation file) turns the tag into
/// the key Keras prints. Other tags (`batch_*`, `evaluation_*`) are ignored. An epoch's
/// `seconds` come from the events' wall times: from the previous epoch's last scalar (the
/// file's first event, written when Keras opened it, for the first epoch) to its own last one.
public struct TensorBoardReader: LogReader {
    private var pending: [UInt8] = []
    private let prefix: String
    private var currentStep: Int64?
    private var metrics: MetricValues = [:]
    private var runOpen = false
    private var corrupt = false
    /// Wall time of the file's first event, of the last epoch flushed, of the current step's
    /// latest scalar.
    private var firstWallTime: Double?
    private var lastEpochWallTime: Double?
    private var stepWallTime: Double?
    /// Bytes of the file before `pending[0]` (for offsets in messages; found by fuzzing: the
    /// offset was `pending`'s, so it depended on how the file was read).
    private var consumed = 0
    /// Bytes still to pass over of a record longer than `maximumRecordBytes`.
    private var skipping = 0
    /// Longest record read: 16 MiB (a scalar event is under 200 bytes).
    public static let maximumRecordBytes = 16 << 20

    /// `prefix` goes before every metric name: `"val_"` for a run's `validation/` file.
    public init(prefix: String = "") {
        self.prefix = prefix
    }

    /// Consumes the next bytes; returns the events they completed.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [TrainingEvent] {
        guard !corrupt else { return [] }
        var bytes = bytes[...]
        if skipping > 0 {
            let skipped = min(skipping, bytes.count)
            skipping -= skipped
            consumed += skipped
            bytes = bytes.dropFirst(skipped)
        }
        pending.append(contentsOf: bytes)
        var events: [TrainingEvent] = []
        var offset = 0
        while pending.count - offset >= 12 {
            // Bounded as a UInt64 before it becomes an Int: garbage with the high bit set
            // trapped in `Int(_:)` (SIGILL on `fitwatch check` of random bytes). 1 GiB is far
            // beyond any real scalar event, so a larger length is bad framing.
            let rawLength = readUInt64(offset)
            let length = rawLength < 1 << 30 ? Int(rawLength) : -1
            let lengthCRC = readUInt32(offset + 8)
            guard length >= 0,
                  CRC32C.masked(pending[offset..<offset + 8]) == lengthCRC else {
                corrupt = true
                events.append(.noise("TensorBoard file: bad record framing at byte offset \(consumed + offset); the rest is skipped"))
                pending = []
                return events
            }
            if length > Self.maximumRecordBytes {
                // An image, histogram or graph far bigger than any scalar event: passed over as
                // it arrives instead of held whole, so memory stays bounded on any input.
                events.append(.noise("TensorBoard file: a record of \(length) bytes skipped (over \(Self.maximumRecordBytes))"))
                let whole = 12 + length + 4
                let available = pending.count - offset
                if available >= whole {
                    offset += whole
                    continue
                }
                skipping = whole - available
                offset = pending.count
                break
            }
            guard pending.count - offset >= 12 + length + 4 else { break }
            let data = pending[(offset + 12)..<(offset + 12 + length)]
            let dataCRC = readUInt32(offset + 12 + length)
            if CRC32C.masked(data) != dataCRC {
                events.append(.noise("TensorBoard file: record with a bad checksum skipped"))
            } else {
                handle(event: data, into: &events)
            }
            offset += 12 + length + 4
        }
        pending.removeFirst(offset)
        consumed += offset
        return events
    }

    /// See `LogReader.discardPartialLine()`: a partial record is dropped.
    public mutating func discardPartialLine() {
        pending.removeAll(keepingCapacity: false)
        skipping = 0
        consumed = 0
    }

    /// The input ended: flushes what is pending, reports a cut-off epoch and the run's end.
    public mutating func finish() -> [TrainingEvent] {
        var events: [TrainingEvent] = []
        flushStep(into: &events)
        if runOpen { events.append(.runEnded(.finished)) }
        runOpen = false
        return events
    }

    private func readUInt64(_ offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(pending[offset + index]) << (8 * UInt64(index)) }
        return value
    }

    private func readUInt32(_ offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(pending[offset + index]) << (8 * UInt32(index)) }
        return value
    }

    private mutating func flushStep(into events: inout [TrainingEvent]) {
        guard let record = pendingEpoch() else { return }
        if !runOpen {
            runOpen = true
            events.append(.runStarted(RunStart(epochs: nil, format: .tensorBoard, startsMidRun: record.epoch != 1)))
        }
        events.append(.epochEnded(record))
        lastEpochWallTime = stepWallTime ?? lastEpochWallTime
        metrics = [:]
    }

    /// The epoch whose scalars were read so far, without ending it: a followed file's last
    /// epoch has no next step to end it. More scalars of the same step may follow; the epoch
    /// is then reported again, complete, when the next step begins or the input ends.
    public func pendingEpoch() -> EpochRecord? {
        guard let step = currentStep, !metrics.isEmpty else { return nil }
        var seconds: Double?
        if let end = stepWallTime, let start = lastEpochWallTime ?? firstWallTime, end >= start, (end - start).isFinite {
            seconds = end - start
        }
        var record = EpochRecord(epoch: Int(step) + 1, seconds: seconds, metrics: metrics)
        record.wallTime = stepWallTime
        return record
    }

    private mutating func handle(event data: ArraySlice<UInt8>, into events: inout [TrainingEvent]) {
        var step: Int64 = 0
        var summary: ArraySlice<UInt8>?
        var wallTime: Double?
        var reader = ProtoReader(data)
        while let (field, wire) = reader.nextKey() {
            switch (field, wire) {
            case (1, 1): wallTime = reader.fixed64().map { Double(bitPattern: $0) }.flatMap { $0.isFinite ? $0 : nil }
            case (2, 0): step = Int64(bitPattern: reader.varint() ?? 0)
            case (5, 2): summary = reader.bytes()
            default: if !reader.skip(wire) { return }
            }
        }
        if firstWallTime == nil { firstWallTime = wallTime }
        guard let summary else { return }
        // A step is a 0-based epoch; a negative or absurd one (a checksummed but hostile
        // record) would trap in `Int(step) + 1`. 1 << 40 epochs is far beyond any real run.
        guard step >= 0, step < 1 << 40 else {
            events.append(.noise("TensorBoard file: event with step \(step) skipped"))
            return
        }
        var values = ProtoReader(summary)
        while let (field, wire) = values.nextKey() {
            guard field == 1, wire == 2, let value = values.bytes() else {
                if !values.skip(wire) { return }
                continue
            }
            guard let (tag, scalar) = Self.scalar(value), tag.hasPrefix("epoch_") else { continue }
            if currentStep != step {
                flushStep(into: &events)
                currentStep = step
            }
            metrics[prefix + String(tag.dropFirst(6))] = scalar
            if let wallTime { stepWallTime = wallTime }
        }
    }

    /// A `Summary.Value`: tag (1), simple_value (2, float), tensor (8, TensorProto).
    private static func scalar(_ data: ArraySlice<UInt8>) -> (String, Double)? {
        var reader = ProtoReader(data)
        var tag: String?
        var value: Double?
        while let (field, wire) = reader.nextKey() {
            switch (field, wire) {
            case (1, 2): tag = reader.bytes().map { String(decoding: $0, as: UTF8.self) }
            case (2, 5): value = reader.fixed32().map { Double(Float(bitPattern: $0)) }
            case (8, 2): value = reader.bytes().flatMap(tensorScalar)
            default: if !reader.skip(wire) { return nil }
            }
        }
        guard let tag, let value else { return nil }
        return (tag, value)
    }

    /// A scalar `TensorProto`: dtype (1), tensor_content (4), float_val (5), double_val (6),
    /// int_val (7), int64_val (10). DT_FLOAT = 1, DT_DOUBLE = 2, DT_INT32 = 3, DT_INT64 = 9.
    private static func tensorScalar(_ data: ArraySlice<UInt8>) -> Double? {
        var reader = ProtoReader(data)
        var dtype: UInt64 = 1
        var content: ArraySlice<UInt8>?
        var value: Double?
        while let (field, wire) = reader.nextKey() {
            switch (field, wire) {
            case (1, 0): dtype = reader.varint() ?? 1
            case (4, 2): content = reader.bytes()
            case (5, 2): value = reader.bytes().flatMap { $0.count >= 4 ? Double(Float(bitPattern: le32($0)))  : nil }
            case (5, 5): value = reader.fixed32().map { Double(Float(bitPattern: $0)) }
            case (6, 2): value = reader.bytes().flatMap { $0.count >= 8 ? Double(bitPattern: le64($0)) : nil }
            case (6, 1): value = reader.fixed64().map { Double(bitPattern: $0) }
            case (7, 0), (10, 0): value = reader.varint().map { Double(Int64(bitPattern: $0)) }
            default: if !reader.skip(wire) { return nil }
            }
        }
        if value == nil, let content {
            switch dtype {
            case 1 where content.count >= 4: value = Double(Float(bitPattern: le32(content)))
            case 2 where content.count >= 8: value = Double(bitPattern: le64(content))
            case 3 where content.count >= 4: value = Double(Int32(bitPattern: le32(content)))
            case 9 where content.count >= 8: value = Double(Int64(bitPattern: le64(content)))
            default: break
            }
        }
        return value
    }

    private static func le32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var value: UInt32 = 0
        for (index, byte) in bytes.prefix(4).enumerated() { value |= UInt32(byte) << (8 * UInt32(index)) }
        return value
    }

    private static func le64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        for (index, byte) in bytes.prefix(8).enumerated() { value |= UInt64(byte) << (8 * UInt64(index)) }
        return value
    }
}

/// A minimal protobuf wire-format reader: just what Event/Summary/TensorProto need.
struct ProtoReader {
    private let data: ArraySlice<UInt8>
    private var index: Int

    init(_ data: ArraySlice<UInt8>) {
        self.data = data
        index = data.startIndex
    }

    mutating func nextKey() -> (field: UInt64, wire: UInt64)? {
        guard index < data.endIndex, let key = varint() else { return nil }
        return (key >> 3, key & 7)
    }

    mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < data.endIndex, shift < 64 {
            let byte = data[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    mutating func bytes() -> ArraySlice<UInt8>? {
        guard let length = varint(), length <= UInt64(data.endIndex - index) else { return nil }
        let slice = data[index..<(index + Int(length))]
        index += Int(length)
        return slice
    }

    mutating func fixed32() -> UInt32? { fixed() }

    mutating func fixed64() -> UInt64? { fixed() }

    /// A little-endian fixed-width field.
    private mutating func fixed<Value: FixedWidthInteger & UnsignedInteger>() -> Value? {
        let size = Value.bitWidth / 8
        guard data.endIndex - index >= size else { return nil }
        var value: Value = 0
        for offset in 0..<size { value |= Value(data[index + offset]) << (8 * offset) }
        index += size
        return value
    }

    /// Skips a field of this wire type; false on a malformed or unsupported one.
    mutating func skip(_ wire: UInt64) -> Bool {
        switch wire {
        case 0: return varint() != nil
        case 1: return fixed64() != nil
        case 2: return bytes() != nil
        case 5: return fixed32() != nil
        default:
            index = data.endIndex
            return false
        }
    }
}

/// CRC-32C (Castagnoli) with TFRecord's mask: `((crc >> 15) | (crc << 17)) + 0xa282ead8`.
enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { byte in
        var crc = UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    static func masked(_ bytes: some Sequence<UInt8>) -> UInt32 {
        let crc = checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}
