import Testing
@testable import TrainingLog

/// `values(of: [String])` reads several metrics in one pass: it must give exactly what
/// `values(of:)` gives for each (NaN where an epoch lacks the metric, no value for a cut-off
/// last epoch that never measured it), whatever order the epochs logged their metrics in.
@Suite struct RunHistoryColumnsTests {
    @Test func severalMetricsAtOnceEqualEachOnItsOwn() {
        var history = RunHistory()
        history.apply(.runStarted(RunStart(epochs: 6, format: .keras3)))
        history.apply(.epochEnded(EpochRecord(epoch: 1, metrics: ["loss": 3, "mae": 2, "val_loss": 4])))
        // Another order, and a metric missing.
        history.apply(.epochEnded(EpochRecord(epoch: 2, metrics: ["val_loss": 3.5, "loss": 2.5])))
        history.apply(.epochEnded(EpochRecord(epoch: 3, metrics: ["loss": 2, "mae": 1.5, "val_loss": 3, "lr": 0.01])))
        history.apply(.epochEnded(EpochRecord(epoch: 4, metrics: ["loss": .nan, "mae": 1.4, "val_loss": 2.9])))
        // Cut off before validation.
        history.apply(.epochEnded(EpochRecord(epoch: 5, metrics: ["loss": 1.8, "mae": 1.3], complete: false)))
        let keys = ["loss", "mae", "val_loss", "lr", "absent"]
        let columns = history.values(of: keys)
        for (key, column) in zip(keys, columns) {
            let alone = history.values(of: key)
            #expect(column.map(\.bitPattern) == alone.map(\.bitPattern), "\(key): \(column) vs \(alone)")
        }
        #expect(columns[2].count == 4 && columns[0].count == 5)
    }
}
