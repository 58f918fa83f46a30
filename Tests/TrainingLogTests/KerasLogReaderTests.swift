import Foundation
import KerasModel
import Testing
import TestSupport
import TrainingLog

private func events(_ text: String) -> [TrainingEvent] {
    var reader = KerasLogReader()
    return reader.feed(Array(text.utf8)) + reader.finish()
}

private func updates(_ events: [TrainingEvent]) -> [BatchProgress] {
    events.compactMap { if case .batchProgress(let progress) = $0 { progress } else { nil } }
}

private func messages(_ events: [TrainingEvent]) -> [CallbackMessage] {
    events.compactMap { if case .message(let message) = $0 { message } else { nil } }
}

@Suite struct KerasLogReaderTests {
    /// In-epoch updates keep their values inline (up to four, next to an interned name list)
    /// or as rows of shared blocks (`MetricRows`); an update handed out must keep its own
    /// values however much the reader reads afterwards, across blocks, key changes and feed
    /// calls, and read the same as an update that holds a dictionary.
    @Test(arguments: [0, 2, 5])
    func everyUpdateKeepsItsOwnValuesAcrossBlocksAndFeedCalls(extraMetrics: Int) {
        func value(_ step: Int, _ metric: Int) -> Double { Double((step * (metric + 3) + metric) % 10_000) / 10_000 }
        let names = ["loss", "accuracy"] + (0..<extraMetrics).map { "m\($0)" }
        var text = "Epoch 1/2\n"
        for step in 1...5000 {
            text += "\u{8}\u{8}\r\(step)/5001 [=====>....] - ETA: 1:00"
            for (metric, name) in names.enumerated() { text += " - \(name): \(String(format: "%.4f", value(step, metric)))" }
        }
        text += "\r5001/5001 [==========] - 9s 2ms/step - loss: 0.5000 - accuracy: 0.2500 - val_loss: 0.6000 - val_accuracy: 0.3000\n"
        text += "Epoch 2/2\n\r1/5 [==>...] - ETA: 1s - loss: 0.4000\r2/5 [===>...] - ETA: 1s - loss: 0.3500 - mae: 0.1000\n"
        var reader = KerasLogReader()
        var all: [TrainingEvent] = []
        let bytes = Array(text.utf8)
        for start in stride(from: 0, to: bytes.count, by: 4093) {
            all += reader.feed(bytes[start..<min(start + 4093, bytes.count)])
        }
        all += reader.finish()
        let first = updates(all).filter { $0.epoch == 1 }
        #expect(first.map(\.step) == Array(1...5000))
        for (metric, name) in names.enumerated() {
            #expect(first.map { $0.metrics[name] } == (1...5000).map { value($0, metric) }, "\(name)")
        }
        #expect(first.allSatisfy { Array($0.metrics.keys) == names })
        var visited: [String] = []
        first[1234].forEachMetric { name, value in visited.append("\(name)=\(value)") }
        #expect(visited == names.enumerated().map { "\($0.element)=\(value(1235, $0.offset))" })
        var dictionary = MetricValues()
        for (metric, name) in names.enumerated() { dictionary[name] = value(1235, metric) }
        #expect(first[1234] == BatchProgress(epoch: 1, step: 1235, total: 5001, eta: 60, metrics: dictionary))
        let second = updates(all).filter { $0.epoch == 2 }
        #expect(second.map { Array($0.metrics.keys) } == [["loss"], ["loss", "mae"]])
        #expect(second.map { $0.metrics["loss"] } == [0.4, 0.35])
        // The cut-off second epoch keeps its last update's values.
        let cut = all.compactMap { if case .epochEnded(let record) = $0, !record.complete { record } else { nil } }
        #expect(cut.first?.metrics == ["loss": 0.35, "mae": 0.1])
    }

    /// The reader follows the previous update's names while they repeat; updates whose names
    /// diverge from them at any place (a name added, dropped, renamed or repeated) must keep
    /// exactly the names and values they printed.
    @Test func updatesWhoseNamesChangeKeepTheirOwnNames() {
        let shapes: [[(String, String)]] = [
            [("loss", "0.5000"), ("acc", "0.2500")],
            [("loss", "0.4000"), ("acc", "0.2600")],
            [("loss", "0.3000"), ("mae", "1.5000")],
            [("loss", "0.2000")],
            [("loss", "0.1000"), ("mae", "1.4000"), ("acc", "0.3000")],
            [("val", "2.0000"), ("loss", "0.0900")],
            [("loss", "0.0800"), ("loss", "0.0700")],
            [("loss", "0.0600"), ("mae", "1.3000"), ("acc", "0.3100")],
        ]
        var text = "Epoch 1/1\n"
        for (step, shape) in shapes.enumerated() {
            text += "\r\(step + 1)/100 [>....] - ETA: 9s" + shape.map { " - \($0.0): \($0.1)" }.joined()
        }
        // Ended by a redraw: an update the input ends inside may be cut short and is not read.
        text += "\r"
        let read = updates(events(text))
        #expect(read.count == shapes.count)
        for (update, shape) in zip(read, shapes) {
            var expected = MetricValues()
            for (name, value) in shape { expected[name] = Double(value)! }
            #expect(update.metrics == expected, "step \(update.step)")
            var visited: [String] = []
            update.forEachMetric { name, _ in visited.append(name) }
            #expect(visited == Array(expected.keys), "step \(update.step)")
        }
    }

    /// Keras 3 updates are read with their colour sequences in place when a whole update is in
    /// one read, and stripped first otherwise; both must give exactly what the same log without
    /// any colour gives, or the per-batch chart would depend on how the bytes arrived.
    @Test(arguments: ["k3_s1_seed_regression_accuracy.tty.log", "k3_callbacks.tty.log", "k3_killed.tty.log",
                      "k3_nan.pipe.log", "k3_s4_multi_output_functional.tty.log"])
    func keras3UpdatesReadTheSameWithOrWithoutTheirColours(_ name: String) throws {
        let bytes = [UInt8](try Fixtures.data("keras-logs/\(name)"))
        var plain: [UInt8] = []
        var index = 0
        while index < bytes.count {
            // Drop every `ESC [ params m` (Keras 3 prints no other escape).
            if bytes[index] == 27, index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "[") {
                var next = index + 2
                while next < bytes.count, bytes[next] != UInt8(ascii: "m") { next += 1 }
                index = next + 1
                continue
            }
            plain.append(bytes[index])
            index += 1
        }
        #expect(plain.count < bytes.count || !name.contains("tty"))
        var coloured = KerasLogReader(), stripped = KerasLogReader()
        let drawn = coloured.feed(bytes) + coloured.finish()
        let clean = stripped.feed(plain) + stripped.finish()
        #expect(updates(drawn).count > 0)
        #expect(drawn.count == clean.count)
        let firstDifference = zip(drawn, clean).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(firstDifference == nil, "event \(firstDifference?.offset ?? -1): \(String(describing: firstDifference?.element))")
    }

    @Test func jaxBareCarriageReturnRedrawsAreEachAnUpdate() throws {
        // k3 S1 tty: epoch 1 draws 1/81, then 3/81, 5/81, 6/81 each after a bare `\r`.
        let all = try readFixture("keras-logs/k3_s1_seed_regression_accuracy.tty.log")
        let firstEpoch = updates(all).filter { $0.epoch == 1 }
        #expect(firstEpoch.map(\.step).prefix(4) == [1, 3, 5, 6])
        #expect(firstEpoch.first?.eta == 42)
        #expect(firstEpoch.first?.metrics["loss"] == 12738.3213)
    }

    @Test func stderrGluedMidBarIsNoiseAndTheUpdateKeepsItsValues() throws {
        let all = try readFixture("keras-logs/tfk_s9_long_run_300_epochs.tty.log")
        #expect(all.contains { if case .noise(let text) = $0 { text.contains("NodeDef mentions attribute") } else { false } })
        let glued = updates(all).first { $0.epoch == 1 && $0.step == 1 }
        #expect(glued?.metrics["accuracy"] == 0.5938)
    }

    @Test func logStartingMidEpochNumbersItsFirstEpochFromTheNextHeader() throws {
        let bytes = [UInt8](try Fixtures.data("keras-logs/k3_s1_seed_regression_accuracy.pipe.log"))
        let header = Array("Epoch 3/100".utf8)
        let start = try #require(firstRange(of: header, in: bytes)).upperBound + 40
        var reader = AutoReader()
        let all = reader.feed(bytes[start...]) + reader.finish()
        let segment = try #require(RunSegment.segments(from: all).first)
        #expect(segment.startsMidRun)
        #expect(segment.epochs.map(\.epoch) == Array(3...100))
        let truth = try KerasTruth.load("k3_s1_seed_regression_accuracy", mode: "pipe")
        #expect(KerasTruth.same(try #require(segment.epochs.first?.metrics["val_loss"]), truth.history["val_loss"]![2]))
    }

    @Test func runCutMidEpochReportsTheIncompleteEpochWithItsLastStep() throws {
        let bytes = [UInt8](try Fixtures.data("keras-logs/k3_s4_multi_output_functional.pipe.log"))
        let header = Array("Epoch 11/20".utf8)
        let cut = try #require(firstRange(of: header, in: bytes)).upperBound + 300
        var reader = AutoReader()
        let all = reader.feed(bytes[..<cut]) + reader.finish()
        let segment = try #require(RunSegment.segments(from: all).first)
        let last = try #require(segment.epochs.last)
        #expect(segment.epochs.count == 11)
        #expect(!last.complete)
        #expect(last.epoch == 11)
        #expect(last.steps == 1)
        #expect(last.metrics["out1_mae"] == 0.4530)
        #expect(all.last == .runEnded(.interrupted("the log ends in the middle of epoch 11")))
    }

    @Test func secondFitCallInOneLogIsASecondSegment() {
        let log = """
        Epoch 1/2
        3/3 [==============================] - 0s 9ms/step - loss: 1.0000 - accuracy: 0.5000
        Epoch 2/2
        3/3 [==============================] - 0s 9ms/step - loss: 0.9000 - accuracy: 0.6000
        Epoch 1/1
        3/3 [==============================] - 0s 9ms/step - loss: 0.8000 - accuracy: 0.7000

        """
        let segments = RunSegment.segments(from: events(log))
        #expect(segments.map { $0.epochs.map(\.epoch) } == [[1, 2], [1]])
        #expect(segments[1].epochs[0].metrics["loss"] == 0.8)
    }

    @Test func callbackMessagesAreTyped() {
        let log = """
        Epoch 4/40
        \r20/20 ━━━━━━━━━━━━━━━━━━━━ 0s 1ms/step - loss: 0.6900
        Epoch 4: ReduceLROnPlateau reducing learning rate to 0.004999999888241291.

        Epoch 4: val_loss did not improve from 0.70997
        \u{8}\u{8}\u{8}\r20/20 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - loss: 0.6912 - val_loss: 0.7135
        Epoch 00012: early stopping
        Restoring model weights from the end of the best epoch: 9.
        \r 8/81 [==>...........................] - ETA: 0s - loss: nanBatch 8: Invalid loss, terminating training
        /x/softmax.py:12: UserWarning: You are using a softmax over axis -1 of a tensor of shape (None, 1).

        """
        let all = events(log)
        let found = messages(all)
        #expect(found.map(\.kind) == [.learningRateChange, .checkpoint, .earlyStopping, .restoredBestWeights,
                                      .terminatedOnNaN, .warning])
        #expect(found[0].value == 0.004999999888241291)
        #expect(found[0].epoch == 4)
        #expect(found[2].epoch == 12)
        #expect(found[3].value == 9)
        #expect(found[3].epoch == 9, "the restored message refers to the best epoch, as the training core's does")
        #expect(found[4].value == 8)
        // The message cut into the bar; the later final line (with val_loss) is epoch 4.
        let epochs = RunSegment.segments(from: all).first?.epochs
        #expect(epochs?.count == 1)
        #expect(epochs?.first?.metrics["val_loss"] == 0.7135)
    }

    @Test func tracebackEndsTheRunAndKeepsTheCutEpoch() {
        let log = """
        Epoch 1/3
        \r 10/100 [==>...........................] - ETA: 1:36 - loss: 0.5000^CTraceback (most recent call last):
          File "train.py", line 3, in <module>
            model.fit(x, y)
        KeyboardInterrupt

        """
        let all = events(log)
        #expect(updates(all).first?.eta == 96)
        #expect(all.contains(.runEnded(.interrupted("KeyboardInterrupt"))))
        let epochs = RunSegment.segments(from: all).first?.epochs
        #expect(epochs?.first?.complete == false)
        #expect(epochs?.first?.steps == 10)
        #expect(messages(all).map(\.kind) == [.interrupted, .traceback, .exception])
    }

    @Test func verbose2FormsGiveEpochTimes() {
        let keras3 = events("Epoch 1/4\n81/81 - 2s - 29ms/step - loss: 4156.0532 - val_loss: 0.0000e+00\n")
        let tfKeras = events("Epoch 1/4\n3/3 - 0s - loss: 1.0198 - accuracy: 0.4896 - 576ms/epoch - 7ms/step\n")
        let first = RunSegment.segments(from: keras3).first?.epochs.first
        #expect(first?.seconds == 2)
        #expect(first?.secondsPerStep == 0.029)
        #expect(first?.metrics["val_loss"] == 0)
        let second = RunSegment.segments(from: tfKeras).first?.epochs.first
        #expect(second?.metrics.keys.elementsEqual(["loss", "accuracy"]) == true)
        #expect(second?.secondsPerStep == 0.007)
    }

    @Test func hugeNanAndInfValuesAreRead() {
        let all = events("Epoch 1/1\n1/1 [==============================] - 1s 1s/step - loss: 123456789012.3456 - mae: nan - val_loss: inf - val_mae: -inf\n")
        let metrics = RunSegment.segments(from: all).first?.epochs.first?.metrics
        #expect(metrics?["loss"] == 123456789012.3456)
        #expect(metrics?["mae"]?.isNaN == true)
        #expect(metrics?["val_loss"] == .infinity)
        #expect(metrics?["val_mae"] == -.infinity)
    }

    @Test func userPrintsAndAbslLinesNeverInventEpochs() {
        let log = """
        I0000 00:00:1795975628.296597    6843 port.cc:153] oneDNN custom operations are on.
        lAllocator: After 14014 get requests, put_count=14032 evicted_count=1000
        - item one
        10/20 apples eaten
        2026/11/29 it happened

        """
        let all = events(log)
        #expect(RunSegment.segments(from: all).isEmpty)
        #expect(all.allSatisfy { if case .noise = $0 { true } else { false } })
    }
}

@Suite struct SummaryTableTests {
    @Test(arguments: ["pipe", "tty"])
    func keras3FunctionalTableGivesLayersShapesCountsAndEdges(mode: String) throws {
        let all = try readFixture("keras-logs/k3_s4_multi_output_functional.\(mode).log")
        let graph = try #require(all.compactMap { if case .modelKnown(let graph) = $0 { graph } else { nil } }.first)
        #expect(graph.name == "two_heads")
        #expect(graph.provenance == .summaryTable)
        #expect(graph.layers.map(\.name) == ["x", "A", "B", "C", "D", "out1", "out2"])
        #expect(graph.layers.map(\.className) == ["InputLayer", "Dense", "Dense", "Dense", "Dense", "Dense", "Dense"])
        #expect(graph.layers.map(\.parameters) == [0, 288, 528, 136, 136, 9, 9])
        #expect(graph.layers.compactMap(\.parameters).reduce(0, +) == 1106)
        #expect(graph.layer(named: "A")?.outputShape == [32])
        #expect(graph.outputs.map(\.name) == ["out1", "out2"])
        #expect(graph.inputs == ["x"])
        #expect(Array(graph.layersReached(byOutput: "out1")) == ["x", "A", "B", "C", "out1"])
    }

    @Test(arguments: ["pipe", "tty"])
    func tfKerasAsciiTableGivesAChain(mode: String) throws {
        let all = try readFixture("keras-logs/tfk_s2_bce_on_multiclass.\(mode).log")
        let graph = try #require(all.compactMap { if case .modelKnown(let graph) = $0 { graph } else { nil } }.first)
        #expect(graph.name == "iris_classifier")
        #expect(graph.layers.map(\.name) == ["features", "hidden", "species"])
        #expect(graph.layers.map(\.parameters) == [0, 40, 27])
        #expect(graph.layer(named: "species")?.outputShape == [3])
        #expect(graph.layer(named: "features")?.outputShape == [4])
        #expect(graph.edges.map { "\($0.from)->\($0.to)" } == ["features->hidden", "hidden->species"])
    }

    @Test func keras2FunctionalTableWithSeveralInboundLayers() throws {
        let table = """
        Model: "merge"
        __________________________________________________________________________________________________
         Layer (type)                   Output Shape         Param #     Connected to
        ==================================================================================================
         a (InputLayer)                 [(None, 4)]          0           []

         b (InputLayer)                 [(None, 4)]          0           []

         concat (Concatenate)           (None, 8)            0           ['a[0][0]',
                                                                          'b[0][0]']

         out (Dense)                    (None, 1)            9           ['concat[0][0]']

        ==================================================================================================
        Total params: 9 (36.00 Byte)
        Trainable params: 9 (36.00 Byte)
        Non-trainable params: 0 (0.00 Byte)
        __________________________________________________________________________________________________
        """
        let graph = try #require(SummaryTableParser.parse(table))
        #expect(graph.layer(named: "concat")?.inbound == ["a", "b"])
        #expect(graph.layer(named: "out")?.inbound == ["concat"])
        #expect(graph.inputs == ["a", "b"])
        #expect(graph.outputs.map(\.name) == ["out"])
    }
}

func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
    guard haystack.count >= needle.count else { return nil }
    for start in 0...(haystack.count - needle.count) where haystack[start..<start + needle.count].elementsEqual(needle) {
        return start..<start + needle.count
    }
    return nil
}

@Suite struct BoundedInputTests {
    @Test func overlongLineIsCutTheSameWayWhateverTheChunking() {
        var bytes = Array("Epoch 1/1\n".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 200_000) + [10]
        bytes += Array("1/1 [==============================] - 0s 1ms/step - loss: 0.5000\n".utf8)
        var whole = KerasLogReader()
        let expected = whole.feed(bytes) + whole.finish()
        var pieces = KerasLogReader()
        var events: [TrainingEvent] = []
        for chunk in randomChunks(bytes, maxChunk: 5000, seed: 3) { events += pieces.feed(chunk) }
        events += pieces.finish()
        #expect(events == expected)
        let noise = expected.compactMap { if case .noise(let text) = $0 { text } else { nil } }
        #expect(noise.first?.utf8.count == KerasLogReader.segmentLimit)
        #expect(RunSegment.segments(from: expected).first?.epochs.first?.metrics["loss"] == 0.5)
    }
}

@Suite struct UnknownTotalTests {
    @Test func datasetWithoutCardinalityCountsUpThenFinalizesAtTheSeenTotal() {
        // A first epoch over a dataset of unknown size: `%7d/Unknown`, then the final line with
        // the steps seen as the total (Keras sets target = seen when the epoch ends).
        let keras3 = "Epoch 1/2\n\r\u{1B}[1m     12/Unknown\u{1B}[0m \u{1B}[1m1s\u{1B}[0m 5ms/step - loss: 0.5000"
            + "\u{8}\u{8}\u{8}\r\u{1B}[1m20/20\u{1B}[0m \u{1B}[32m━━━━━━━━━━━━━━━━━━━━\u{1B}[0m\u{1B}[37m\u{1B}[0m \u{1B}[1m1s\u{1B}[0m 5ms/step - loss: 0.4000\n"
        let tfKeras = "Epoch 1/2\n\r     12/Unknown - 1s 5ms/step - loss: 0.5000\u{8}\u{8}\r20/20 [==============================] - 1s 5ms/step - loss: 0.4000\n"
        for log in [keras3, tfKeras] {
            var reader = KerasLogReader()
            let all = reader.feed(Array(log.utf8)) + reader.finish()
            let update = all.compactMap { if case .batchProgress(let progress) = $0 { progress } else { nil } }.first
            #expect(update?.step == 12)
            #expect(update?.total == nil)
            #expect(update?.metrics["loss"] == 0.5)
            let epochs = RunSegment.segments(from: all).first?.epochs
            #expect(epochs?.map(\.steps) == [20])
            #expect(epochs?.first?.metrics["loss"] == 0.4)
        }
    }
}
