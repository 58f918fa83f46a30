import Foundation
import TestSupport
import Testing
import TrainingLog
@testable import TrainingCore

/// The progress printer and the CSV logger write what Keras 3 writes, byte for byte,
/// checked against the real Keras 3.15.1 files of shared scenario S1.
struct KerasOutputFormatTests {
    static let s1Log = try! Fixtures.data("training-core/k3_s1_seed_regression_accuracy.pipe.log")
    static let s1CSV = try! Fixtures.data("training-core/k3_s1_seed_regression_accuracy.csvlogger.csv")

    /// Epoch 2 of S1: one intermediate update at step 1 (1 ms/step) and the final line
    /// (411 us/step). Fed the same values and clock, the bar reproduces Keras's bytes.
    @Test func progbarReproducesKeras3EpochBytes() throws {
        let text = String(decoding: Self.s1Log, as: UTF8.self)
        let start = try #require(text.range(of: "Epoch 2/100\n"))
        let end = try #require(text.range(of: "Epoch 3/100\n"))
        let expected = String(text[start.upperBound..<end.lowerBound])

        var bar = Keras3Progbar(target: 81, start: 0)
        var written = ""
        written += bar.update(current: 1, logs: [("accuracy", 0), ("loss", 1023.9399)], finalize: false, now: 0.001) ?? ""
        let final: [(String, Double)] = [("accuracy", 0), ("loss", 1101.575927734375),
                                         ("val_accuracy", 0), ("val_loss", 6783.72119140625)]
        written += bar.update(current: 81, logs: final, finalize: true, now: 0.001 + 80 * 0.000411) ?? ""
        #expect(written == expected)
    }

    @Test func progbarSkipsRedrawsWithinFiftyMilliseconds() {
        var bar = Keras3Progbar(target: 10, start: 0)
        #expect(bar.update(current: 1, logs: [("loss", 1)], finalize: false, now: 0.01) != nil)
        #expect(bar.update(current: 2, logs: [("loss", 1)], finalize: false, now: 0.03) == nil)
        #expect(bar.update(current: 3, logs: [("loss", 1)], finalize: false, now: 0.07) != nil)
        #expect(bar.update(current: 10, logs: [("loss", 1)], finalize: true, now: 0.08)?.hasSuffix("\n") == true)
    }

    @Test func etaOverAMinuteShowsMinutesAndSeconds() {
        var bar = Keras3Progbar(target: 1000, start: 0)
        // 0.1 s per step, 999 steps left: 99.9 s, printed as Keras's "%d:%02d" -> 1:39.
        let text = bar.update(current: 1, logs: [("loss", 2)], finalize: false, now: 0.1) ?? ""
        #expect(text.contains("\u{1B}[1m   1/1000\u{1B}[0m"))
        #expect(text.contains(" \u{1B}[1m1:39\u{1B}[0m 100ms/step - loss: 2.0000"))
    }

    @Test func numbersUseFourDecimalsOrExponentBelowOneThousandth() {
        #expect(Keras3Progbar.format(4156.05322265625) == "4156.0532")
        #expect(Keras3Progbar.format(0) == "0.0000e+00")
        #expect(Keras3Progbar.format(0.0005) == "5.0000e-04")
        #expect(Keras3Progbar.format(.nan) == "nan")
    }

    /// Feeding S1's own history through the CSV logger gives back Keras's file exactly.
    @Test func csvLoggerReproducesKeras3File() throws {
        let text = String(decoding: Self.s1CSV, as: UTF8.self)
        let rows = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let header = rows[0].split(separator: ",").map(String.init)
        var written = ""
        let logger = CSVLogger { written += $0 }
        let trainer = try Trainer(network: Network(layers: [LayerSpec(name: "d", kind: .dense(units: 1, activation: .linear,
                                  kernel: .zeros, bias: .zeros, useBias: true))], inputWidth: 1, seed: 0),
                                  outputs: [CompiledOutput(name: "d", loss: Loss(kind: .meanSquaredError))], optimizer: Optimizer(.sgd(momentum: 0, nesterov: false)))
        logger.trainBegan(trainer)
        for row in rows.dropFirst() {
            let cells = row.split(separator: ",").map(String.init)
            // Keras's log order is not alphabetical; the logger must sort.
            var logs = MetricValues()
            for (key, cell) in zip(header.dropFirst(), cells.dropFirst()).reversed() { logs[key] = Double(cell)! }
            logger.epochEnded(Int(cells[0])!, logs: &logs, trainer: trainer)
        }
        #expect(written == text)
    }

    @Test func csvNumbersAreWrittenAsPythonReprWouldWriteThem() {
        #expect(CSVLogger.pythonRepr(4156.05322265625) == "4156.05322265625")
        #expect(CSVLogger.pythonRepr(0) == "0.0")
        #expect(CSVLogger.pythonRepr(1.0927506991720293e-05) == "1.0927506991720293e-05")
        #expect(CSVLogger.pythonRepr(67896399101952.0) == "67896399101952.0")
        #expect(CSVLogger.pythonRepr(7.435388284085207e+17) == "7.435388284085207e+17")
        #expect(CSVLogger.pythonRepr(.nan) == "nan")
        #expect(CSVLogger.pythonRepr(.infinity) == "inf")
    }
}
