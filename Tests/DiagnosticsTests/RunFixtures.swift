import Foundation
import KerasModel
import TestSupport
import TrainingLog
@testable import Diagnostics

/// Runs for the diagnostics tests: real histories from CSVLogger files recorded with Keras
/// (Tests/Fixtures/models/*.csv, see record/scenarios.py) and hand-built ones for rule edges.
enum RunFixtures {
    /// The exact per-epoch history Keras's CSVLogger wrote (`epoch` is 0-based there): the
    /// recorded runs' `models/NAME.csv`, or the shared runs' `keras-logs/NAME.csvlogger.csv`.
    static func history(_ name: String, format: LogFormat? = nil) throws -> RunHistory {
        var url = Fixtures.url("models/\(name).csv")
        if !FileManager.default.fileExists(atPath: url.path) { url = Fixtures.url("keras-logs/\(name).csvlogger.csv") }
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        var history = RunHistory()
        // The recorder knew its Keras: k3_* ran Keras 3.15.1, the others tf-keras 2.21.
        history.apply(.runStarted(RunStart(epochs: lines.count, format: format ?? (name.hasPrefix("k3") ? .keras3 : .keras2),
                                           flavour: format.map(flavour(of:)) ?? (name.hasPrefix("k3") ? .keras3 : .keras2))))
        for line in lines {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var metrics = MetricValues()
            for (key, field) in zip(header, fields).dropFirst() {
                metrics[key] = Double(field) ?? .nan
            }
            let epoch = (Int(fields[0]) ?? 0) + 1
            history.apply(.epochEnded(EpochRecord(epoch: epoch, of: lines.count, metrics: metrics)))
        }
        return history
    }

    static func model(_ file: String) throws -> ModelGraph {
        try ModelFileReader.read(path: Fixtures.url("models/\(file)").path)
    }

    /// The first line of a recorded log containing `text` (ANSI escapes and redraws removed).
    static func logLine(_ name: String, containing text: String) throws -> String {
        let data = try Fixtures.data("models/\(name).log")
        let log = String(decoding: data, as: UTF8.self)
        let lines = log.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\u{8}" })
        guard let line = lines.first(where: { $0.contains(text) }) else {
            throw FixtureError(message: "\(name).log has no line containing \(text)")
        }
        return line.trimmingCharacters(in: .whitespaces)
    }

    /// A run built from columns, in the order given (as Keras prints them).
    /// The Keras a test's made-up run stands for, by the format it names.
    static func flavour(of format: LogFormat) -> KerasFlavour? {
        switch format {
        case .keras3: return .keras3
        case .keras2: return .keras2
        case .keras1: return .keras1
        default: return nil
        }
    }

    static func history(format: LogFormat = .keras3, _ columns: KeyValuePairs<String, [Double]>) -> RunHistory {
        var history = RunHistory()
        let count = columns.first?.value.count ?? 0
        history.apply(.runStarted(RunStart(epochs: count, format: format, flavour: flavour(of: format))))
        for index in 0..<count {
            var metrics = MetricValues()
            for (name, values) in columns { metrics[name] = values[index] }
            history.apply(.epochEnded(EpochRecord(epoch: index + 1, of: count, metrics: metrics)))
        }
        return history
    }

    /// A single-output model: input -> hidden -> output, compiled as given.
    static func singleOutput(units: Int, activation: String, loss: LossSpec?, metrics: [String],
                             target: TargetEncoding? = nil, version: String = "3.15.1",
                             provenance: ModelProvenance = .modelFile) -> ModelGraph {
        ModelGraph(
            name: "m",
            layers: [
                Layer(name: "x", className: "InputLayer", outputShape: [4]),
                Layer(name: "hidden", className: "Dense", activation: "relu", units: 8, inbound: ["x"]),
                Layer(name: "out", className: "Dense", activation: activation, units: units, inbound: ["hidden"]),
            ],
            inputs: ["x"],
            outputs: [OutputSpec(name: "out", loss: loss, metrics: metrics, target: target)],
            kerasVersion: version, provenance: provenance)
    }

    struct FixtureError: Error { var message: String }
}

/// The ids of findings, for compact expectations.
func ids(_ findings: [Finding]) -> [String] { findings.map(\.id) }

/// Ids that are about the model or compile config (as opposed to the curves).
let configIDs: Set<String> = [
    "accuracy-on-regression", "binary-crossentropy-multiclass", "softmax-single-unit", "dropout-rate-one",
    "from-logits-mismatch", "label-encoding-mismatch",
]
