import Foundation
import Testing
import TestSupport
import TrainingLog

/// CSVLogger files and TensorBoard runs hold the exact History values (full precision).
@Suite struct FileFormatTests {
    @Test(arguments: KerasTruth.sharedNames)
    func csvLoggerFileHoldsHistoryExactly(name: String) throws {
        let truth = try KerasTruth.load(name, mode: "pipe")
        let loaded = try LogLoader.load(at: Fixtures.url("keras-logs/\(name).csvlogger.csv").path, format: nil)
        #expect(loaded.format == .csvLogger)
        let epochs = try #require(RunSegment.segments(from: loaded.events).first?.epochs)
        #expect(epochs.map(\.epoch) == Array(1...truth.epochsRun))
        for (index, record) in epochs.enumerated() {
            for (key, values) in truth.history {
                #expect(record.metrics[key] == values[index], "\(name) epoch \(record.epoch) \(key)")
            }
        }
    }

    @Test func csvLoggerAppendRestartIsANewRun() {
        var reader = AutoReader()
        let text = "epoch,loss\n0,0.5\n1,0.25\nepoch,loss\n0,0.75\n1,nan\n"
        let events = reader.feed(Array(text.utf8)) + reader.finish()
        let segments = RunSegment.segments(from: events)
        #expect(segments.map { $0.epochs.map(\.epoch) } == [[1, 2], [1, 2]])
        #expect(segments[1].epochs[1].metrics["loss"]?.isNaN == true)
    }

    @Test func tensorBoardRunDirectoryMergesTrainAndValidation() throws {
        let name = "k3_s4_multi_output_functional"
        let truth = try KerasTruth.load(name, mode: "pipe")
        let loaded = try LogLoader.load(at: Fixtures.url("keras-logs/\(name).tensorboard").path, format: nil)
        #expect(loaded.format == .tensorBoard)
        let epochs = try #require(RunSegment.segments(from: loaded.events).first?.epochs)
        #expect(epochs.count == truth.epochsRun)
        for (index, record) in epochs.enumerated() {
            for (key, values) in truth.history {
                // TensorBoard stores float32; History holds the same float32 widened.
                #expect(record.metrics[key] == values[index], "epoch \(record.epoch) \(key)")
            }
        }
    }

    @Test func tensorBoardEventFileIsDetectedFromItsBytes() throws {
        let directory = Fixtures.url("keras-logs/k3_s4_multi_output_functional.tensorboard/validation")
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path).first)
        let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(file)))
        #expect(AutoReader.detect(Array(bytes.prefix(64)), final: false) == .tensorBoard)
        var reader = AutoReader()
        var events: [TrainingEvent] = []
        // One byte at a time first: detection must wait until the framing is recognisable.
        for byte in bytes.prefix(16) { events += reader.feed([byte]) }
        for chunk in randomChunks(Array(bytes.dropFirst(16)), maxChunk: 13, seed: 9) { events += reader.feed(chunk) }
        events += reader.finish()
        #expect(RunSegment.segments(from: events).first?.epochs.count == 20)
    }

    @Test func callbackStreamGoesToTheFitwatchStreamReader() {
        let line = Array("\n{\"fitwatch\": 1, \"event\": \"run_started\"}\n".utf8)
        var auto = AutoReader()
        var direct = FitwatchStreamReader()
        let viaAuto = auto.feed(line) + auto.finish()
        #expect(auto.format == .fitwatchCallback)
        #expect(viaAuto == direct.feed(line) + direct.finish())
    }

    /// `export` and `check` stream files in `LogLoader.readSize` reads: a log several reads
    /// long must give exactly the events of reading it whole, and the segments `export` prints.
    @Test func streamingAFileManyReadsLongGivesTheEventsOfReadingItWhole() throws {
        var bytes: [UInt8] = []
        let erase = [UInt8](repeating: 8, count: 40)
        for epoch in 1...3 {
            bytes += Array("Epoch \(epoch)/3\n".utf8)
            for step in 1...9000 {
                let fraction = String(10_000 + step % 7919).dropFirst() // four digits
                bytes += erase
                bytes += Array("\r\(step)/9000 [====>....] - ETA: 0s - loss: 0.\(fraction) - mae: 1.\(fraction)".utf8)
            }
            bytes += Array("\r9000/9000 [==========] - 3s 1ms/step - loss: 0.25\(epoch)0 - val_loss: 0.30\(epoch)0\n".utf8)
        }
        #expect(bytes.count > 2 * LogLoader.readSize)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fitwatch-stream-\(getpid()).log").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }

        var calls = 0
        var streamed: [TrainingEvent] = []
        let format = try LogLoader.stream(at: path, format: nil) { events in
            calls += 1
            streamed += events
        }
        var whole = AutoReader()
        let expected = whole.feed(bytes) + whole.finish()
        #expect(calls > 2)
        #expect(format == .keras2)
        #expect(streamed.count == expected.count)
        #expect(streamed == expected)
        var builder = RunSegment.Builder()
        builder.add(streamed)
        #expect(builder.segments == RunSegment.segments(from: expected))
        #expect(builder.segments.first?.epochs.map { $0.metrics["val_loss"] } == [0.301, 0.302, 0.303])
    }

    @Test func missingPathErrorIsOneLineNamingThePath() {
        #expect(throws: LogLoadError.self) { try LogLoader.events(at: "/no/such/train.log", format: nil) }
        do {
            _ = try LogLoader.events(at: "/no/such/train.log", format: nil)
        } catch {
            #expect("\(error)" == "/no/such/train.log: no such file or directory")
        }
    }
}

@Suite struct MetricNameTests {
    @Test func splitsValidationOutputAndMetric() {
        #expect(MetricName.parse("val_out2_accuracy") == MetricName(validation: true, output: "out2", metric: "accuracy"))
        #expect(MetricName.parse("out1_loss") == MetricName(validation: false, output: "out1", metric: "loss"))
        #expect(MetricName.parse("dense_3_mae") == MetricName(validation: false, output: "dense_3", metric: "mae"))
        #expect(MetricName.parse("loss") == MetricName(validation: false, output: nil, metric: "loss"))
        #expect(MetricName.parse("val_acc") == MetricName(validation: true, output: nil, metric: "acc"))
        #expect(MetricName.parse("learning_rate").output == nil)
        #expect(MetricName.parse("out_sparse_categorical_accuracy").metric == "sparse_categorical_accuracy")
        #expect(MetricName.parse("head_precision_2") == MetricName(validation: false, output: "head", metric: "precision_2"))
    }

    @Test func knownOutputsDecideThePrefix() {
        let outputs = ["out1", "out1_aux"]
        #expect(MetricName.parse("out1_aux_loss", outputs: outputs).output == "out1_aux")
        #expect(MetricName.parse("val_out1_custom_thing", outputs: outputs) ==
                MetricName(validation: true, output: "out1", metric: "custom_thing"))
        #expect(MetricName.parse("loss", outputs: outputs).output == nil)
    }
}

@Suite struct ExportJSONTests {
    @Test func epochIsCompactWithNonFiniteValuesAsStrings() {
        let record = EpochRecord(epoch: 3, of: 10, steps: 81, seconds: 2, secondsPerStep: 0.013,
                                 metrics: ["loss": 4156.0532, "mae": .nan, "val_loss": .infinity, "val_mae": -.infinity],
                                 complete: false)
        #expect(ExportJSON.epoch(record) ==
                #"{"epoch":3,"of":10,"steps":81,"complete":false,"seconds":2.0,"metrics":{"loss":4156.0532,"mae":"nan","val_loss":"inf","val_mae":"-inf"}}"#)
        #expect(ExportJSON.epoch(record, source: "a \"b\".log", fit: 2).hasPrefix(#"{"source":"a \"b\".log","fit":2,"epoch":3,"#))
    }

    @Test func documentIsValidJSONWithTheContractKeys() throws {
        let events = try readFixture("keras-logs/tfk_s2_bce_on_multiclass.pipe.log")
        let segment = try #require(RunSegment.segments(from: events).first)
        let document = ExportJSON.document(runs: [ExportJSON.run(source: "s2.log", segment: segment,
                                                                 warnings: #"[{"id":"x"}]"#)])
        let parsed = try JSONSerialization.jsonObject(with: Data(document.utf8)) as! [String: Any]
        let run = try #require((parsed["runs"] as? [[String: Any]])?.first)
        #expect(run["source"] as? String == "s2.log")
        #expect(run["format"] as? String == "keras2")
        #expect((run["epochs"] as? [Any])?.count == 30)
        #expect(run["model"] is NSNull)
        #expect((run["warnings"] as? [[String: Any]])?.first?["id"] as? String == "x")
        let kinds = (run["events"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        #expect(kinds == ["evaluate", "run_ended"])
        let ended = (run["events"] as? [[String: Any]])?.last?["status"] as? String
        #expect(ended == "finished")
        // An input that ends cleanly after EarlyStopping ends an early-stopped run: its
        // `run_ended` says what the run's `status` says.
        let stopped = ExportJSON.run(source: "s2.log", segment: segment, status: "early-stopped")
        #expect(stopped.contains(#"{"kind":"run_ended","epoch":null,"status":"early-stopped"}"#))
        #expect(ExportJSON.document(runs: []) == #"{"runs":[]}"#)
    }

    @Test func csvExportReadsBackAsTheSameEpochs() throws {
        let events = try readFixture("keras-logs/k3_s4_multi_output_functional.pipe.log")
        let segments = RunSegment.segments(from: events)
        let csv = ExportCSV.table(segments)
        #expect(csv.hasPrefix("epoch,loss,out1_loss,out1_mae,out2_accuracy,out2_loss,val_loss,"))
        var reader = AutoReader()
        let again = RunSegment.segments(from: reader.feed(Array(csv.utf8)) + reader.finish())
        #expect(again.first?.epochs.map(\.metrics) == segments.first?.epochs.map { record in
            var sorted = MetricValues()
            for key in record.metrics.keys.sorted() { sorted[key] = record.metrics[key] }
            return sorted
        })
    }
}
