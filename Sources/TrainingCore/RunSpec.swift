import Foundation
import KerasModel
import TOMLKit
import TOMLPreflight

/// A training run described in TOML: the data, the model, compile and fit arguments, and
/// callbacks. See demo-data/*.toml for every option in use.
public struct RunSpec: Sendable {
    /// One output's compile config as written.
    public struct OutputConfig: Sendable, Equatable {
        /// The output layer's name.
        public var name: String
        /// Its loss.
        public var loss: LossSpec
        /// Its loss weight.
        public var weight: Double
        /// Its metrics as written.
        public var metrics: [String]
        /// Its target columns.
        public var targets: [String]
    }

    /// Callback settings as written.
    public struct Callbacks: Sendable {
        /// `[callbacks.early_stopping]`, when present.
        public var earlyStopping: EarlyStoppingConfig?
        /// `[callbacks.reduce_lr_on_plateau]`, when present.
        public var reduceLROnPlateau: ReduceLRConfig?
        /// `[callbacks] terminate_on_nan = true`.
        public var terminateOnNaN = false
    }

    /// `[callbacks.early_stopping]`.
    public struct EarlyStoppingConfig: Sendable, Equatable {
        /// The log key watched.
        public var monitor = "val_loss"
        /// Epochs without improvement before acting.
        public var patience = 0
        /// Smallest change counted as an improvement.
        public var minDelta = 0.0
        /// Restore the best epoch's weights at the end.
        public var restoreBestWeights = false
        /// Print Keras's message.
        public var verbose = false
    }

    /// `[callbacks.reduce_lr_on_plateau]`.
    public struct ReduceLRConfig: Sendable, Equatable {
        /// The log key watched.
        public var monitor = "val_loss"
        /// Learning-rate multiplier.
        public var factor = 0.1
        /// Epochs without improvement before acting.
        public var patience = 10
        /// Smallest change counted as an improvement.
        public var minDelta = 1e-4
        /// Epochs to wait after a reduction.
        public var cooldown = 0
        /// Floor for the learning rate.
        public var minLR = 0.0
        /// Print Keras's message.
        public var verbose = false
    }

    /// The spec's file name (for messages).
    public var file: String
    /// A short name for the run (`name = …`, default the file name without extension).
    public var name: String
    /// One line saying what the run demonstrates.
    public var description: String
    /// The CSV, resolved against the spec's directory.
    public var csv: URL
    /// Feature columns (default: every column that is not a target).
    public var features: [String]?
    /// Target columns holding integer labels to expand to one-hot rows.
    public var oneHot: [String]
    /// Standardise features to zero mean and unit variance.
    public var standardize: Bool
    /// Use only the first N rows.
    public var rowLimit: Int?
    /// The model's name.
    public var modelName: String
    /// The layers, in order.
    public var layers: [LayerSpec]
    /// Output configs, in output order.
    public var outputs: [OutputConfig]
    /// The optimiser.
    public var optimizer: Optimizer.Algorithm
    /// Its learning rate (nil: Keras's default).
    public var learningRate: Double?
    /// Fit arguments.
    public var fit: FitConfig
    /// Callbacks.
    public var callbacks: Callbacks

    /// Read a spec file.
    public init(contentsOf url: URL) throws {
        // Plain causes ("is a directory", "not UTF-8 text"), not Foundation's
        // "NSCocoaErrorDomain error 256" or "isn't in the correct format".
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw SpecError("\(url.path): cannot read the run spec: no such file")
        }
        if isDirectory.boolValue { throw SpecError("\(url.path): cannot read the run spec: is a directory") }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            let cause = FileManager.default.isReadableFile(atPath: url.path) ? "read error" : "permission denied"
            throw SpecError("\(url.path): cannot read the run spec: \(cause)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SpecError("\(url.path): cannot read the run spec: not UTF-8 text")
        }
        try self.init(toml: text, file: url.lastPathComponent, directory: url.deletingLastPathComponent())
    }

    /// Parse spec text; `directory` resolves the relative CSV path.
    public init(toml text: String, file: String, directory: URL) throws {
        let root: TOMLTable
        if let problem = TOMLPreflight.problem(in: text) { throw SpecError("\(file) line \(problem.line): \(problem.message)") }
        do { root = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw SpecError("\(file) line \(error.source.begin.line): \(error.description)")
        }
        let reader = SpecReader(file: file, text: text)
        try reader.checkKeys(root, allowed: ["name", "description", "data", "model", "compile", "fit", "callbacks"], section: "the spec")
        self.file = file
        name = try reader.string(root, "name") ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        description = try reader.string(root, "description") ?? ""

        // [data]
        let data = try reader.table(root, "data", required: true)!
        try reader.checkKeys(data, allowed: ["csv", "targets", "features", "one_hot", "standardize", "rows"], section: "[data]")
        guard let csvPath = try reader.string(data, "csv", context: "data") else {
            throw SpecError("\(file): [data] needs csv = \"file.csv\"")
        }
        csv = URL(fileURLWithPath: csvPath, relativeTo: directory).standardizedFileURL
        features = try reader.strings(data, "features", context: "data")
        oneHot = try reader.strings(data, "one_hot", context: "data") ?? []
        standardize = try reader.bool(data, "standardize", context: "data") ?? false
        rowLimit = try reader.int(data, "rows", context: "data")

        // [model]
        let model = try reader.table(root, "model", required: true)!
        try reader.checkKeys(model, allowed: ["name", "file", "layers", "outputs"], section: "[model]")
        modelName = try reader.string(model, "name", context: "model") ?? "functional"
        var layers: [LayerSpec] = []
        var fileGraph: ModelGraph?
        if let modelFile = try reader.string(model, "file", context: "model") {
            // A Keras model file (.keras or model.to_json()): layers, and the compile config
            // for whatever [compile] leaves out.
            let path = URL(fileURLWithPath: modelFile, relativeTo: directory).standardizedFileURL.path
            let graph: ModelGraph
            do { graph = try ModelFileReader.read(path: path) } catch {
                throw SpecError("\(file) line \(reader.line(of: "file") ?? 0): model.file: \(error)")
            }
            layers = try graph.layers.map { try Self.layerSpec(from: $0, file: "\(file): model.file \(modelFile)") }
            modelName = graph.name
            fileGraph = graph
        } else {
            guard let layerArray = model["layers"]?.array, !layerArray.isEmpty else {
                throw SpecError("\(file): [model] needs at least one [[model.layers]] entry, or file = \"model.keras\"")
            }
            let layerLines = reader.lines(startingWith: "[[model.layers]]")
            var counters: [String: Int] = [:]
            for (i, value) in layerArray.enumerated() {
                let line = i < layerLines.count ? layerLines[i] : nil
                let at = "\(file) line \(line.map(String.init) ?? "?") (layer \(i + 1))"
                guard let table = value.table else { throw SpecError("\(at): a layer must be a table") }
                layers.append(try reader.layer(table, at: at, line: line, counters: &counters))
            }
        }
        self.layers = layers
        let outputNames = try reader.strings(model, "outputs", context: "model")
            ?? fileGraph?.outputs.map(\.name)
            ?? [layers.last(where: { $0.kind != .input })?.name ?? layers.last!.name]

        // Targets per output.
        var targetsByOutput: [String: [String]] = [:]
        if data["targets"]?.table == nil, let list = try reader.strings(data, "targets", context: "data") {
            guard outputNames.count == 1 else {
                throw SpecError("\(file) line \(reader.line(of: "targets") ?? 0): the model has \(outputNames.count) outputs; give targets per output: targets = { \(outputNames.map { "\($0) = [\"col\"]" }.joined(separator: ", ")) }")
            }
            targetsByOutput[outputNames[0]] = list
        } else if let table = data["targets"]?.table {
            for key in table.keys {
                targetsByOutput[key] = try reader.strings(table, key, context: "data.targets") ?? []
            }
        } else {
            throw SpecError("\(file): [data] needs targets = [\"column\", …]")
        }
        for key in targetsByOutput.keys where !outputNames.contains(key) {
            throw SpecError("\(file) line \(reader.line(of: "targets") ?? 0): targets name '\(key)', which is not an output (outputs: \(outputNames.joined(separator: ", ")))")
        }

        // [compile]
        let compile = try reader.table(root, "compile", required: fileGraph == nil) ?? TOMLTable()
        try reader.checkKeys(compile, allowed: ["loss", "loss_weights", "metrics", "optimizer"], section: "[compile]")
        var outputs: [OutputConfig] = []
        for name in outputNames {
            guard let targets = targetsByOutput[name], !targets.isEmpty else {
                throw SpecError("\(file): output '\(name)' has no target columns in [data] targets")
            }
            let compiled = fileGraph?.outputs.first { $0.name == name }
            let loss: LossSpec
            if compile["loss"] == nil, let fromFile = compiled?.loss {
                loss = fromFile
                do { _ = try Loss(kind: fromFile.kind, fromLogits: fromFile.fromLogits) } catch let error as SpecError {
                    throw SpecError("\(file): model.file: output '\(name)': \(error.description)")
                }
            } else {
                loss = try reader.loss(compile, output: name)
            }
            let weight = compile["loss_weights"] == nil ? (compiled?.lossWeight ?? 1)
                : try reader.lossWeight(compile, output: name, index: outputs.count)
            let metrics = compile["metrics"] == nil ? (compiled?.metrics ?? [])
                : try reader.metrics(compile, output: name)
            outputs.append(OutputConfig(name: name, loss: loss, weight: weight, metrics: metrics, targets: targets))
        }
        self.outputs = outputs
        if compile["optimizer"] == nil, let fromFile = fileGraph?.optimizer {
            let options = TOMLTable()
            options["name"] = fromFile.name
            if let lr = fromFile.learningRate { options["learning_rate"] = lr }
            let wrapper = TOMLTable()
            wrapper["optimizer"] = options
            (optimizer, learningRate) = try reader.optimizer(wrapper)
        } else {
            (optimizer, learningRate) = try reader.optimizer(compile)
        }

        // [fit]
        let fitTable = try reader.table(root, "fit", required: false)
        var fit = FitConfig()
        if let fitTable {
            try reader.checkKeys(fitTable, allowed: ["batch_size", "epochs", "validation_split", "shuffle", "seed"], section: "[fit]")
            fit.batchSize = try reader.int(fitTable, "batch_size", context: "fit") ?? 32
            fit.epochs = try reader.int(fitTable, "epochs", context: "fit") ?? 1
            fit.validationSplit = try reader.double(fitTable, "validation_split", context: "fit") ?? 0
            fit.shuffle = try reader.bool(fitTable, "shuffle", context: "fit") ?? true
            fit.seed = UInt64(max(0, try reader.int(fitTable, "seed", context: "fit") ?? 0))
        }
        guard fit.batchSize > 0 else { throw SpecError("\(file) line \(reader.line(of: "batch_size") ?? 0): batch_size must be positive") }
        guard fit.epochs > 0 else { throw SpecError("\(file) line \(reader.line(of: "epochs") ?? 0): epochs must be positive") }
        guard (0..<1).contains(fit.validationSplit) else {
            throw SpecError("\(file) line \(reader.line(of: "validation_split") ?? 0): validation_split must be in [0, 1), got \(fit.validationSplit)")
        }
        self.fit = fit

        // [callbacks]
        var callbacks = Callbacks()
        if let table = try reader.table(root, "callbacks", required: false) {
            try reader.checkKeys(table, allowed: ["early_stopping", "reduce_lr_on_plateau", "terminate_on_nan"], section: "[callbacks]")
            if let es = try reader.table(table, "early_stopping", required: false) {
                var c = EarlyStoppingConfig()
                try reader.checkKeys(es, allowed: ["monitor", "patience", "min_delta", "restore_best_weights", "verbose"],
                                     section: "[callbacks.early_stopping]")
                c.monitor = try reader.string(es, "monitor", context: "callbacks.early_stopping") ?? c.monitor
                c.patience = try reader.int(es, "patience", context: "callbacks.early_stopping") ?? c.patience
                c.minDelta = try reader.double(es, "min_delta", context: "callbacks.early_stopping") ?? c.minDelta
                c.restoreBestWeights = try reader.bool(es, "restore_best_weights", context: "callbacks.early_stopping") ?? false
                c.verbose = (try reader.int(es, "verbose", context: "callbacks.early_stopping") ?? 0) > 0
                callbacks.earlyStopping = c
            }
            if let lr = try reader.table(table, "reduce_lr_on_plateau", required: false) {
                var c = ReduceLRConfig()
                try reader.checkKeys(lr, allowed: ["monitor", "factor", "patience", "min_delta", "cooldown", "min_lr", "verbose"],
                                     section: "[callbacks.reduce_lr_on_plateau]")
                let ctx = "callbacks.reduce_lr_on_plateau"
                c.monitor = try reader.string(lr, "monitor", context: ctx) ?? c.monitor
                c.factor = try reader.double(lr, "factor", context: ctx) ?? c.factor
                c.patience = try reader.int(lr, "patience", context: ctx) ?? c.patience
                c.minDelta = try reader.double(lr, "min_delta", context: ctx) ?? c.minDelta
                c.cooldown = try reader.int(lr, "cooldown", context: ctx) ?? c.cooldown
                c.minLR = try reader.double(lr, "min_lr", context: ctx) ?? c.minLR
                c.verbose = (try reader.int(lr, "verbose", context: ctx) ?? 0) > 0
                callbacks.reduceLROnPlateau = c
            }
            callbacks.terminateOnNaN = try reader.bool(table, "terminate_on_nan", context: "callbacks") ?? false
        }
        self.callbacks = callbacks
    }

    /// A layer read from a Keras model file, as the core builds it. Initialisers are not part
    /// of `ModelGraph`, so Dense layers get Keras's defaults (glorot_uniform kernel, zero bias).
    static func layerSpec(from layer: Layer, file: String) throws -> LayerSpec {
        let kind: LayerSpec.Kind
        func activation() throws -> Activation {
            guard let act = Activation(keras: layer.activation ?? "linear") else {
                throw SpecError("\(file): layer '\(layer.name)' has activation '\(layer.activation ?? "")', which the training core does not implement")
            }
            return act
        }
        switch layer.className {
        case "InputLayer": kind = .input
        case "Dense":
            guard let units = layer.units else { throw SpecError("\(file): Dense layer '\(layer.name)' has no units") }
            kind = .dense(units: units, activation: try activation(), kernel: .glorotUniform, bias: .zeros, useBias: true)
        case "Dropout": kind = .dropout(rate: layer.rate ?? 0)
        case "Activation": kind = .activation(try activation())
        case "Concatenate": kind = .concatenate
        case "Add": kind = .add
        default:
            throw SpecError("\(file): layer '\(layer.name)' is a \(layer.className), which the training core does not implement (Input, Dense, Activation, Dropout, Concatenate, Add)")
        }
        return LayerSpec(name: layer.name, kind: kind, inputs: layer.inbound)
    }
}
