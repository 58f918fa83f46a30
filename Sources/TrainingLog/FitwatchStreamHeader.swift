import Collections
import KerasModel

/// What the header of one `fit` segment of a fitwatch callback stream says about the run:
/// the Keras that ran it, the exact model and compile config, the metric objects Keras
/// built, and the fit parameters.
public struct FitwatchStreamHeader: Sendable, Equatable {
    /// One metric object Keras built (`BinaryAccuracy`, `MeanMetricWrapper(categorical_accuracy)`).
    public struct MetricObject: Sendable, Equatable {
        /// The metric's own name (`accuracy`, `out1_mae`, `loss`).
        public var name: String
        /// Its Python class name (`BinaryAccuracy`, `MeanMetricWrapper`, `Mean`).
        public var className: String
        /// The class with the wrapped function where there is one: `MeanMetricWrapper(categorical_accuracy)`.
        public var display: String
        /// The wrapped function's name, when the class wraps one (`categorical_accuracy`).
        public var function: String?
        /// The model output it measures, when Keras keeps that apart from the name (Keras 3 multi-output).
        public var output: String?

        /// A metric object as the stream describes it.
        public init(name: String, className: String, display: String? = nil, function: String? = nil, output: String? = nil) {
            self.name = name
            self.className = className
            self.display = display ?? className
            self.function = function
            self.output = output
        }

        /// The key Keras logs it under (`out2_accuracy` for Keras 3's `accuracy` on output `out2`).
        public var logName: String {
            guard let output, !name.hasPrefix(output + "_") else { return name }
            return output + "_" + name
        }
    }

    /// The Keras version (`3.15.1`, `2.21.0`).
    public var kerasVersion: String?
    /// `keras3`, `tf_keras` or `keras2`, as the callback saw it.
    public var flavourName: String?
    /// The backend (`jax`, `tensorflow`, `torch`).
    public var backend: String?
    /// The Python version of the training process.
    public var python: String?
    /// The host the training ran on.
    public var host: String?
    /// The model config exactly as `model.to_json()` gave it (compact JSON text); nil for a
    /// subclassed model, with the reason in `modelError`.
    public var modelConfigJSON: String?
    /// Why the model config is missing.
    public var modelError: String?
    /// `model.get_compile_config()` as JSON text.
    public var compileConfigJSON: String?
    /// The optimizer's class name (`Adam`).
    public var optimizerClass: String?
    /// The learning rate at train begin.
    public var learningRate: Double?
    /// Metric objects Keras built (filled by the header or, for tf-keras, the first batch).
    public var metricObjects: [MetricObject]
    /// Epochs requested (`epochs=` of `fit`).
    public var epochs: Int?
    /// Steps per epoch, when Keras knows them.
    public var steps: Int?
    /// `batch_size` of `fit`.
    public var batchSize: Int?
    /// Training samples (after a validation split).
    public var samples: Int?
    /// True when `fit` validates (a split or validation data).
    public var validation: Bool?

    /// An empty header (every field unknown).
    public init() {
        metricObjects = []
    }

    /// The hyper-parameters the header states, by `RunStart.Key`: the optimizer's class, the
    /// learning rate at train begin, `batch_size` and `epochs` of `fit`.
    public var parameters: OrderedDictionary<String, String> {
        var parameters: OrderedDictionary<String, String> = [:]
        if let optimizerClass { parameters[RunStart.Key.optimizer] = optimizerClass }
        if let learningRate { parameters[RunStart.Key.learningRate] = RunStart.text(learningRate) }
        if let batchSize { parameters[RunStart.Key.batchSize] = String(batchSize) }
        if let epochs { parameters[RunStart.Key.epochs] = String(epochs) }
        return parameters
    }

    /// The Keras line of releases that produced the run.
    public var flavour: KerasFlavour? {
        if flavourName == "keras3" { return .keras3 }
        if let kerasVersion, let flavour = KerasFlavour(version: kerasVersion) { return flavour }
        if flavourName == "tf_keras" { return .keras2 }
        return nil
    }

    /// Read a `header` record; nil when it is not one.
    public init?(record: FitwatchStreamJSON) {
        guard record["type"]?.string == "header" else { return nil }
        self.init()
        let keras = record["keras"]
        kerasVersion = keras?["version"]?.string
        flavourName = keras?["flavour"]?.string
        backend = keras?["backend"]?.string
        python = record["python"]?.string
        host = record["host"]?.string
        if let model = record["model_config"], !model.isNull { modelConfigJSON = model.serialized }
        modelError = record["model_error"]?.string
        if let compile = record["compile_config"], !compile.isNull { compileConfigJSON = compile.serialized }
        optimizerClass = record["compile"]?["optimizer"]?["class_name"]?.string
        learningRate = record["learning_rate"]?.double
        metricObjects = FitwatchStreamHeader.metricObjects(record["metric_objects"])
        let fit = record["fit"]
        epochs = fit?["epochs"]?.int
        steps = fit?["steps"]?.int
        batchSize = fit?["batch_size"]?.int
        samples = fit?["samples"]?.int
        validation = fit?["validation"]?.bool
    }

    /// The `metric_objects` list of a header or `metrics` record.
    static func metricObjects(_ list: FitwatchStreamJSON?) -> [MetricObject] {
        (list?.array ?? []).compactMap { entry in
            guard let name = entry["name"]?.string, let className = entry["class_name"]?.string else { return nil }
            return MetricObject(name: name, className: className, display: entry["display"]?.string,
                                function: entry["fn"]?.string, output: entry["output"]?.string)
        }
    }
}
