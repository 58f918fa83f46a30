import Testing
import TestSupport
import TrainingLog

/// Real runs recorded for fitwatch (Tests/Fixtures/keras-logs/record): each `fit` call is a
/// segment whose epochs equal what Keras handed its callbacks, at printed precision.
@Suite struct RecordedLogTests {
    static let runs: [String] = ["k3", "tfk"].flatMap { flavour in
        ["verbose2.pipe", "verbose2.tty", "callbacks.pipe", "callbacks.tty", "killed.pipe", "killed.tty",
         "nan.pipe", "softmax1.tty"].map { "\(flavour)_\($0)" }
    }

    @Test(arguments: runs)
    func everyFitCallMatchesItsCallbackLogs(name: String) throws {
        let truth = try RecordedTruth.load("keras-logs/\(name).truth.json")
        let events = try readFixture("keras-logs/\(name).log")
        let segments = RunSegment.segments(from: events)
        #expect(segments.count == truth.fits.count)
        let verbose2 = name.contains("verbose2")
        for (segment, fit) in zip(segments, truth.fits) {
            let complete = segment.epochs.filter(\.complete)
            #expect(complete.map(\.epoch) == fit.epochs)
            for (index, record) in complete.enumerated() {
                #expect(Set(record.metrics.keys) == Set(fit.history.keys), "\(name) epoch \(record.epoch) keys")
                for (key, values) in fit.history {
                    let parsed = try #require(record.metrics[key], "\(name) epoch \(record.epoch) lacks \(key)")
                    #expect(KerasTruth.same(parsed, values[index], verbose2: verbose2),
                            "\(name) epoch \(record.epoch) \(key): read \(parsed), Keras had \(values[index])")
                }
            }
        }
        if let evaluate = truth.evaluate {
            let printed = try #require(events.compactMap { event -> MetricValues? in
                if case .evaluated(let values) = event { values } else { nil }
            }.last)
            for (key, value) in printed {
                #expect(KerasTruth.same(value, try #require(evaluate[key]), verbose2: verbose2), "\(name) evaluate \(key)")
            }
        }
    }

    @Test(arguments: ["k3_callbacks.pipe", "k3_callbacks.tty", "tfk_callbacks.pipe", "tfk_callbacks.tty"])
    func callbackMessagesCarryEpochsAndValues(name: String) throws {
        let truth = try RecordedTruth.load("keras-logs/\(name).truth.json")
        let segment = try #require(RunSegment.segments(from: try readFixture("keras-logs/\(name).log")).first)
        let messages = segment.notes.compactMap { note -> CallbackMessage? in
            if case .message(let message) = note { message } else { nil }
        }
        let stopped = try #require(truth.fits.first?.epochs.last)
        #expect(messages.first { $0.kind == .earlyStopping }?.epoch == stopped)
        #expect(messages.contains { $0.kind == .restoredBestWeights && $0.value != nil })
        #expect(messages.contains { $0.kind == .checkpoint && $0.epoch == 1 })
        let rates = messages.filter { $0.kind == .learningRateChange }
        #expect(!rates.isEmpty)
        // The new rate is the one Keras logs for the next epoch (an epoch logs the rate it ran with).
        let history = try #require(truth.fits.first?.history)
        let logged = try #require(history["learning_rate"] ?? history["lr"])
        for rate in rates {
            let epoch = try #require(rate.epoch)
            if epoch < logged.count { #expect(rate.value == logged[epoch], "epoch \(epoch)") }
        }
    }

    @Test(arguments: ["k3_killed.tty", "tfk_killed.tty", "k3_killed.pipe", "tfk_killed.pipe"])
    func interruptedRunKeepsTheCutEpochAsIncomplete(name: String) throws {
        let events = try readFixture("keras-logs/\(name).log")
        let segment = try #require(RunSegment.segments(from: events).first)
        let last = try #require(segment.epochs.last)
        #expect(segment.epochs.count == 2)
        #expect(!last.complete)
        #expect(last.epoch == 2)
        #expect((last.steps ?? 0) > 0 && (last.steps ?? 0) < 2000)
        #expect(last.metrics["loss"] != nil)
        if name.hasSuffix("tty") {
            #expect(events.contains(.runEnded(.interrupted("KeyboardInterrupt"))))
        }
    }

    @Test func tfKerasETAOverAMinuteIsReadAsSeconds() throws {
        let events = try readFixture("keras-logs/tfk_killed.pipe.log")
        let first = try #require(events.compactMap { event -> BatchProgress? in
            if case .batchProgress(let progress) = event { progress } else { nil }
        }.first)
        // The first step printed `ETA: 1:57:32` (H:MM:SS); later ones `ETA: 1:59` (M:SS).
        #expect(first.eta == Double(1 * 3600 + 57 * 60 + 32))
    }

    @Test(arguments: ["k3_nan.pipe", "tfk_nan.pipe"])
    func terminateOnNaNGluedToTheBarIsTyped(name: String) throws {
        let events = try readFixture("keras-logs/\(name).log")
        let message = try #require(events.compactMap { event -> CallbackMessage? in
            if case .message(let message) = event, message.kind == .terminatedOnNaN { message } else { nil }
        }.first)
        #expect(message.epoch == 1)
        #expect(message.value == 1)
        #expect(RunSegment.segments(from: events).first?.epochs.first?.metrics["loss"] == .infinity)
    }

    @Test func softmaxOverOneUnitWarningIsAWarning() throws {
        let events = try readFixture("keras-logs/k3_softmax1.tty.log")
        #expect(events.contains { event in
            if case .message(let message) = event { message.kind == .warning && message.text.contains("softmax over axis -1") } else { false }
        })
    }
}
