import Testing
@testable import TrainingLog

/// `EpochList` keeps a long run in columns; what it reads back must be exactly what was put
/// in, whatever the mix of fields, key lists and replacements.
@Suite struct EpochListTests {
    /// Bitwise equality of records: NaN equals NaN, -0.0 differs from 0.0, key order counts.
    static func same(_ a: EpochRecord, _ b: EpochRecord) -> Bool {
        func bits(_ x: Double?) -> UInt64? { x?.bitPattern }
        return a.epoch == b.epoch && a.of == b.of && a.steps == b.steps && bits(a.seconds) == bits(b.seconds)
            && bits(a.secondsPerStep) == bits(b.secondsPerStep) && a.complete == b.complete
            && Array(a.metrics.keys) == Array(b.metrics.keys)
            && zip(a.metrics.values, b.metrics.values).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    static func expectSame(_ list: EpochList, _ reference: [EpochRecord], _ context: String = "") {
        #expect(list.count == reference.count, "\(context)")
        for (index, record) in reference.enumerated() where index < list.count {
            #expect(same(list[index], record), "epoch at \(index): \(list[index]) != \(record) \(context)")
            if !same(list[index], record) { return }
        }
    }

    @Test func valuesReadBackExactlyPastTheColumnarThreshold() {
        let awkward: [Double] = [.nan, -.nan, .infinity, -.infinity, -0.0, 0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                 0.1 + 0.2, 4156.0532, -1e-300]
        var list = EpochList()
        var reference: [EpochRecord] = []
        for epoch in 1...5_000 {
            let record = EpochRecord(epoch: epoch, of: 5_000, steps: 81, seconds: Double(epoch % 7), secondsPerStep: 0.003,
                                     metrics: ["loss": awkward[epoch % awkward.count], "accuracy": Double(epoch) / 3,
                                               "val_loss": awkward[(epoch * 7) % awkward.count], "val_accuracy": 1 / Double(epoch)])
            list.append(record)
            reference.append(record)
        }
        #expect(list.isColumnar)
        Self.expectSame(list, reference)
        let bits = list.values(of: "loss").map(\.bitPattern)
        #expect(bits == reference.map { $0.metrics["loss"]!.bitPattern })
        #expect(list.metricNames == ["loss", "accuracy", "val_loss", "val_accuracy"])
    }

    @Test func everyFieldKeepsItsValueWhenMoreThan256DistinctValuesArrive() {
        // Seconds that never repeat (the callback stream's exact floats), steps that change,
        // `of` unknown for some epochs: the columns leave their one-byte codes and still hold it all.
        var list = EpochList()
        var reference: [EpochRecord] = []
        for epoch in 1...2_000 {
            var record = EpochRecord(epoch: epoch, of: epoch % 3 == 0 ? nil : 2_000 + epoch, steps: epoch % 5 == 0 ? nil : epoch,
                                     seconds: epoch % 11 == 0 ? nil : Double(epoch) * 1.000_001,
                                     secondsPerStep: Double(epoch).squareRoot(), metrics: ["loss": Double(epoch)],
                                     complete: epoch % 13 != 0)
            // The time each epoch ended (the stream's, TensorBoard's, the core's): the wall-time
            // axis read nil for every epoch past the store's first 16.
            record.wallTime = epoch % 7 == 0 ? nil : 1_700_000_000 + Double(epoch) * 61.5
            list.append(record)
            reference.append(record)
        }
        Self.expectSame(list, reference)
        #expect(list.completeCount == reference.filter(\.complete).count)
        #expect(list.printedSeconds == reference.compactMap(\.seconds))
    }

    @Test func keyOrderAndMixedKeyListsAcrossEpochs() {
        // Validation every third epoch (`validation_freq=3`), a metric that appears late, and
        // an epoch that printed nothing: each epoch keeps its own keys, in its printed order.
        var list = EpochList()
        var reference: [EpochRecord] = []
        for epoch in 1...600 {
            var metrics: MetricValues = ["loss": 1 / Double(epoch)]
            if epoch > 300 { metrics["lr"] = 0.001 }
            if epoch % 3 == 0 { metrics["val_loss"] = 2 / Double(epoch) }
            if epoch == 500 { metrics = [:] }
            if epoch == 400 { metrics = ["val_loss": 9, "loss": 8] }
            let record = EpochRecord(epoch: epoch, metrics: metrics)
            list.append(record)
            reference.append(record)
        }
        Self.expectSame(list, reference)
        #expect(list.metricNames == ["loss", "val_loss", "lr"])
        let validation = list.values(of: "val_loss")
        for (index, record) in reference.enumerated() {
            let expected = record.metrics["val_loss"]
            #expect(expected == nil ? validation[index].isNaN : validation[index] == expected)
        }
        #expect(list.values(of: "absent").allSatisfy { $0.isNaN })
        #expect(list.values(of: "absent").count == 600)
        #expect(Array(list[399].metrics.keys) == ["val_loss", "loss"])
    }

    @Test func aCutLastEpochStaysCutAndIsLeftOutOfTheCompleteOnes() {
        var history = RunHistory()
        history.apply(.runStarted(RunStart(epochs: 100, format: .keras3)))
        for epoch in 1...40 {
            history.apply(.epochEnded(EpochRecord(epoch: epoch, of: 100, steps: 10, metrics: ["loss": Double(epoch), "val_loss": 1])))
        }
        history.apply(.epochEnded(EpochRecord(epoch: 41, of: 100, steps: 3, metrics: ["loss": 0.5], complete: false)))
        #expect(history.epochs.count == 41)
        #expect(history.epochs.last?.complete == false)
        #expect(history.epochs.last?.steps == 3)
        #expect(history.epochs.last?.metrics == ["loss": 0.5])
        let complete = history.epochs.completeOnly()
        #expect(complete.count == 40 && complete.allSatisfy { $0.complete })
        #expect(history.epochs.incomplete.map(\.epoch) == [41])
        // A cut epoch has the values it had; one Keras had not measured yet is left out.
        #expect(history.values(of: "loss").count == 41)
        #expect(history.values(of: "val_loss").count == 40)
        // The same epoch finished after all (a later final line) replaces the cut one.
        history.apply(.epochEnded(EpochRecord(epoch: 41, of: 100, steps: 10, metrics: ["loss": 0.4, "val_loss": 2])))
        #expect(history.epochs.count == 41)
        #expect(history.epochs.last?.complete == true)
        #expect(history.values(of: "val_loss").last == 2)
    }

    @Test func replacementsMatchTheArrayTheyReplaced() {
        // A seeded mix of new epochs, re-reported ones (same keys, other keys, fewer keys),
        // numbers that stop rising and cut epochs, checked against the array `RunHistory` had
        // (the latest record with the same epoch number is replaced, else one is added), long
        // enough for the garbage of replaced values to be compacted several times.
        var random = UInt64(0x2545_F491_4F6C_DD1D)
        func next(_ bound: Int) -> Int {
            random ^= random << 13; random ^= random >> 7; random ^= random << 17
            return Int(random % UInt64(bound))
        }
        let keyLists: [[String]] = [["loss"], ["loss", "accuracy"], ["loss", "accuracy", "val_loss", "val_accuracy"], [],
                                    ["val_loss", "loss"], (0..<20).map { "o\($0)_loss" }]
        var list = EpochList()
        var reference: [EpochRecord] = []
        var latest: [Int: Int] = [:]
        var top = 0
        for step in 0..<30_000 {
            let epoch: Int
            switch next(10) {
            case 0, 1, 2, 4, 5, 6, 7, 8: epoch = max(1, top - next(50)) // an epoch again, usually a recent one
            case 3 where step > 20_000: epoch = -next(5) // numbers that no longer rise
            default: top += 1; epoch = top
            }
            let keys = keyLists[next(10) < 7 ? 2 : next(keyLists.count)]
            var metrics = MetricValues()
            for key in keys { metrics[key] = Double(next(1_000_000)) / 7 }
            let record = EpochRecord(epoch: epoch, of: next(4) == 0 ? nil : 100, steps: next(3) == 0 ? nil : 10,
                                     seconds: Double(next(3)), metrics: metrics, complete: next(20) != 0)
            list.upsert(record)
            if let position = latest[record.epoch] { reference[position] = record } else {
                latest[record.epoch] = reference.count
                reference.append(record)
            }
            if step % 5_000 == 4_999 { Self.expectSame(list, reference, "after \(step + 1) events") }
        }
        Self.expectSame(list, reference)
        #expect(list.compactions > 0, "the replaced values were never compacted")
        for key in ["loss", "val_accuracy", "o7_loss"] {
            let expected = reference.map { $0.metrics[key]?.bitPattern ?? Double.nan.bitPattern }
            #expect(list.values(of: key).map(\.bitPattern) == expected)
        }
        var names: [String] = []
        for record in reference { for key in record.metrics.keys where !names.contains(key) { names.append(key) } }
        #expect(list.metricNames == names)
    }

    @Test func removingTheLastEpochAndCopiesAreIndependent() {
        var list = EpochList((1...5_000).map { EpochRecord(epoch: $0, metrics: ["loss": Double($0)]) })
        let snapshot = list
        list.removeLast()
        list.append(EpochRecord(epoch: 5_000, metrics: ["loss": -1, "val_loss": -2]))
        list.upsert(EpochRecord(epoch: 10, metrics: ["loss": 99]))
        #expect(snapshot.count == 5_000 && snapshot.last?.metrics == ["loss": 5_000])
        #expect(snapshot[9].metrics["loss"] == 10)
        #expect(list.count == 5_000 && list.last?.metrics == ["loss": -1, "val_loss": -2])
        #expect(list[9].metrics["loss"] == 99)
        #expect(list == EpochList(Array(list)))
        #expect(list != snapshot)
    }

    @Test func aLongRunCostsAboutItsValuesInMemory() {
        // 100k epochs of four metrics, as `fitwatch export` folds them: the values (32 bytes
        // an epoch) and a few bytes more, where each epoch used to hold a record and a
        // dictionary of its own (about 170 bytes, twice over during export).
        var history = RunHistory()
        history.apply(.runStarted(RunStart(epochs: 100_000, format: .keras3)))
        for epoch in 1...100_000 {
            let x = Double(epoch)
            history.apply(.epochEnded(EpochRecord(epoch: epoch, of: 100_000, steps: 1, seconds: 0, secondsPerStep: 0.003,
                                                  metrics: ["accuracy": 1 / x, "loss": x, "val_accuracy": 2 / x, "val_loss": x + 1])))
        }
        let perEpoch = Double(history.epochs.storageBytes) / 100_000
        #expect(perEpoch < 48, "\(perEpoch) bytes per epoch")
        #expect(history.values(of: "val_loss").last == 100_001)
    }
}
