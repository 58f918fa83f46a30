import Testing
import KerasModel
import RunModel
import TestSupport
import TrainingLog

/// Hyper-parameters as a runs table shows them: read from the run's name, the callback's
/// header, a run spec and the compiled optimizer.
@Suite struct RunParametersTests {
    private func names(_ name: String) -> [String] { RunParameters.fromName(name).map(\.description) }

    @Test func keyValuePiecesInADirectoryName() {
        #expect(names("runs/lr=0.01,bs=32/train.log") == ["lr=0.01", "bs=32"])
        #expect(names("runs/lr=0.01_bs=32/train.log") == ["lr=0.01", "bs=32"])
        #expect(names("opt=adam;wd=1e-4_dropout=0.5") == ["opt=adam", "wd=1e-4", "dropout=0.5"])
        // Common spellings share a column: learning_rate is lr, batch_size is bs.
        #expect(names("sweep/learning_rate=3e-4,batch_size=64.log") == ["lr=3e-4", "bs=64"])
        // The file's own pieces override its directory's.
        #expect(names("lr=0.1/lr=0.2.log") == ["lr=0.2"])
        // A remote run's host is not a parameter.
        #expect(names("gpu1:/scratch/runs/lr=0.1/train.log") == ["lr=0.1"])
    }

    @Test func keyDashNumberPiecesOnlyWhenUnambiguous() {
        #expect(names("runs/lr-0.01_bs-32/train.log") == ["lr=0.01", "bs=32"])
        #expect(names("wd-1e-4_depth-4") == ["wd=1e-4", "depth=4"])
        // A known key alone is enough; an unknown one alone is a name (resnet-50, run-3).
        #expect(names("runs/lr-0.001/out.log") == ["lr=0.001"])
        #expect(names("runs/resnet-50/train.log") == [])
        #expect(names("run-3.log") == [])
        // One piece that is not key-number spoils the component: nothing is guessed from it.
        #expect(names("runs/lr-0.01_final/train.log") == [])
        #expect(names("2024-05-01_lr-0.1/train.log") == [])
        #expect(names("train.log") == [])
    }

    @Test func piecesThatDoNotReadWhollyStateNothing() {
        // An empty value, a key that starts with a digit, a doubled '=': skipped, not half-read.
        #expect(names("lr=,bs=32") == ["bs=32"])
        #expect(names("3x=1") == [])
        #expect(names("lr==0.1") == [])
        // The key before the first '=' is kept whole; the next key starts after a '_' or '-'.
        #expect(names("exp_lr=0.1") == ["exp_lr=0.1"])
        #expect(names("opt=adam_lr=0.1") == ["opt=adam", "lr=0.1"])
    }

    @Test func theCallbackHeaderStatesOptimizerLearningRateBatchSizeAndEpochs() throws {
        var reader = FitwatchStreamReader()
        let events = reader.feed([UInt8](try Fixtures.data("fitwatch/k3_nan.fitwatch.jsonl"))) + reader.finish()
        var run = Run(source: SourceID("diverges.jsonl"))
        run.apply(events)
        let parameters = RunParameters.of(run: run).map(\.description)
        #expect(parameters.contains("opt=SGD"))
        #expect(parameters.contains("lr=10"))
        #expect(parameters.contains("bs=10"))
        #expect(parameters.contains("epochs=5"))
    }

    @Test func theNameKeepsItsSpellingUnlessTheRunSaysOtherwise() {
        var run = Run(source: SourceID("runs/lr=1e-3,bs=32/train.log"))
        run.apply(.runStarted(RunStart(epochs: 10, format: .fitwatchCallback,
                                       parameters: ["lr": RunStart.text(Double(Float(0.001))), "bs": "64"])))
        let parameters = RunParameters.of(run: run).map(\.description)
        // 1e-3 is what ran (a float32 0.001): the name's spelling stays; bs 64 is what ran.
        #expect(parameters == ["lr=1e-3", "bs=64"])
    }

    @Test func aCompiledOptimizerFillsWhatTheLogDoesNotSay() {
        var run = Run(source: SourceID("boston.log"))
        run.apply(.runStarted(RunStart(epochs: 10, format: .keras3)))
        run.apply(.modelKnown(ModelGraph(name: "m", layers: [], inputs: [], outputs: [],
                                         optimizer: OptimizerSpec(name: "adam", learningRate: 0.0010000000474974513),
                                         provenance: .modelFile)))
        #expect(RunParameters.of(run: run).map(\.description) == ["lr=0.001", "opt=adam"])
    }

    @Test func numbersReadAsWritten() {
        #expect(RunStart.text(Double(Float(0.001))) == "0.001")
        #expect(RunStart.text(32) == "32")
        #expect(RunStart.text(3e-4) == "0.0003")
        #expect(RunStart.text(0.123456789) == "0.123457")
    }
}
