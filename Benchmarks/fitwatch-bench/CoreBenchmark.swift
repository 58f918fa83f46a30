import Foundation
import TestSupport
import TrainingCore

/// `fitwatch-bench core`: fitwatch's training core against Keras 3 (jax, CPU) on the same
/// two fits, timed in the same run: (a) Boston, Dense(13, relu) -> Dense(1), adam, mse,
/// batch 5, 100 epochs, validation_split 0.2; (b) digits, 64 -> Dense(128, relu) ->
/// Dense(10, softmax), sparse categorical CE, adam, batch 32, 50 epochs. Only `fit` is timed
/// on both sides. Keras runs when a Python with keras is found (FITWATCH_KERAS_PYTHON,
/// the repository's .venv/bin/python, or python3) and FITWATCH_BENCH_NO_KERAS is unset; otherwise
/// fitwatch's times print alone.
enum CoreBenchmark {
    struct Case {
        var name: String
        var spec: String
        var epochs: Int
        var validationSplit: Double
    }

    static let cases = [
        Case(name: "boston", spec: "boston-accuracy", epochs: 100, validationSplit: 0.2),
        Case(name: "digits", spec: "digits-mlp", epochs: 50, validationSplit: 0),
    ]

    /// fitwatch fits per case; the median is reported (3 keeps the run short on 2 shared cores).
    static let repetitions = 3

    static func run() {
        print("core: fitwatch training core vs Keras 3 model.fit (fit only, same data, same hyper-parameters)")
        var mine: [String: (seconds: Double, loss: Double)] = [:]
        for c in cases {
            var times: [Double] = []
            var loss = Double.nan
            for _ in 0..<repetitions {
                guard let url = DemoCatalog.spec(named: c.spec), let session = try? TrainingSession(contentsOf: url) else {
                    print("core: cannot load bundled spec \(c.spec)"); return
                }
                let start = ProcessInfo.processInfo.systemUptime
                _ = try? session.run()
                times.append(ProcessInfo.processInfo.systemUptime - start)
                loss = session.trainer.history.last?["loss"] ?? .nan
            }
            let median = times.sorted()[times.count / 2]
            mine[c.name] = (median, loss)
        }
        // FITWATCH_BENCH_NO_KERAS=1 times fitwatch alone (profiling without the Python child).
        let keras = ProcessInfo.processInfo.environment["FITWATCH_BENCH_NO_KERAS"] == nil ? runKeras() : nil
        for c in cases {
            let (seconds, loss) = mine[c.name]!
            var line = String(format: "core %@: fitwatch %.3f s (final loss %.4f)", c.name, seconds, loss)
            if let k = keras?[c.name] {
                line += String(format: " | keras %.3f s (final loss %.4f) | %.1fx faster", k.seconds, k.loss, k.seconds / seconds)
            }
            print(line)
        }
        if keras == nil { print("core: keras not importable; fitwatch times alone") }
    }

    static let script = #"""
    import json, os, sys, time
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import numpy as np
    import keras
    data = sys.argv[1]
    keras.utils.set_random_seed(7)
    out = {"keras": keras.__version__, "backend": keras.backend.backend()}
    d = np.loadtxt(os.path.join(data, "housing.csv"), delimiter=",", skiprows=1, dtype="float32")
    x, y = d[:, :-1], d[:, -1:]
    m = keras.Sequential([keras.Input((13,)), keras.layers.Dense(13, activation="relu"), keras.layers.Dense(1)])
    m.compile(loss="mean_squared_error", optimizer="adam", metrics=["accuracy"])
    t = time.perf_counter()
    h = m.fit(x, y, batch_size=5, epochs=100, validation_split=0.2, verbose=0)
    out["boston"] = [time.perf_counter() - t, float(h.history["loss"][-1])]
    d = np.loadtxt(os.path.join(data, "digits.csv"), delimiter=",", skiprows=1, dtype="float32")
    x, y = d[:, :-1], d[:, -1:].astype("int32")
    m = keras.Sequential([keras.Input((64,)), keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    m.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    t = time.perf_counter()
    h = m.fit(x, y, batch_size=32, epochs=50, verbose=0)
    out["digits"] = [time.perf_counter() - t, float(h.history["loss"][-1])]
    print(json.dumps(out))
    """#

    /// Keras's timings, or nil when no Python with keras is available.
    static func runKeras() -> [String: (seconds: Double, loss: Double)]? {
        guard let data = DemoCatalog.directory else { return nil }
        var candidates = [FileManager.default.currentDirectoryPath + "/.venv/bin/python"] + [Executable.find("python3")].compactMap { $0 }
        if let python = ProcessInfo.processInfo.environment["FITWATCH_KERAS_PYTHON"] { candidates.insert(python, at: 0) }
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let scriptURL = FileManager.default.temporaryDirectory.appendingPathComponent("fitwatch-core-bench-\(getpid()).py")
        guard (try? script.write(to: scriptURL, atomically: true, encoding: .utf8)) != nil else { return nil }
        defer { try? FileManager.default.removeItem(at: scriptURL) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [scriptURL.path, data.path]
        var environment = ProcessInfo.processInfo.environment
        environment["KERAS_BACKEND"] = "jax"
        environment["JAX_PLATFORMS"] = "cpu"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = String(decoding: bytes, as: UTF8.self).split(separator: "\n").last,
              let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        print("core: keras \(json["keras"] ?? "?") backend \(json["backend"] ?? "?") via \(python)")
        var result: [String: (seconds: Double, loss: Double)] = [:]
        for name in ["boston", "digits"] {
            if let pair = json[name] as? [Double], pair.count == 2 { result[name] = (pair[0], pair[1]) }
        }
        return result
    }
}
