/// Where each epoch number sits in an epoch list, so replacing a re-reported epoch or appending
/// a new one costs O(1) instead of a scan of the whole list (which made reading n epochs cost
/// n², 11 s for 100k short epochs). Derived data: it never makes two values unequal.
struct EpochIndex: Sendable, Equatable {
    private var positions: [Int: Int] = [:]

    static func == (_: EpochIndex, _: EpochIndex) -> Bool { true }

    /// Puts `record` in `epochs`: in place of the latest record with the same epoch number,
    /// else at the end. Rebuilds itself when `epochs` changed behind its back.
    mutating func upsert(_ record: EpochRecord, into epochs: inout [EpochRecord]) {
        if positions.count != epochs.count || epochs.isEmpty != positions.isEmpty {
            positions = [:]
            for (position, epoch) in epochs.enumerated() { positions[epoch.epoch] = position }
        }
        if let position = positions[record.epoch], position < epochs.count, epochs[position].epoch == record.epoch {
            epochs[position] = record
        } else {
            positions[record.epoch] = epochs.count
            epochs.append(record)
        }
    }

    mutating func removeAll() { positions = [:] }
}
