import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `fitwatch-bench tensorboard-sweep`: a TensorBoard log directory of 500 runs (each a copy of
/// the recorded Keras 3 run `k3_s4_multi_output_functional.tensorboard`: `train/` and
/// `validation/` event files), read to the last scalar by `fitwatch export DIR` (discovery, one
/// run per train/validation pair) and by TensorBoard's own loader in the same run: `tbparse`
/// (`SummaryReader(DIR).scalars` and `.tensors`: Keras 3 writes its scalars as tensors) under
/// the Python of `FITWATCH_BENCH_PYTHON` (a venv with `pip install tbparse tensorboard`).
/// Without it the benchmark says so and prints fitwatch's time alone. Best of 3 each.
enum TensorBoardSweepBenchmark {
    static let runs = 500

    static func run() {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fitwatch").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("tensorboard-sweep: \(binary) not built; run `swift build -c release` first")
            return
        }
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/Fixtures/keras-logs/k3_s4_multi_output_functional.tensorboard").path
        guard FileManager.default.fileExists(atPath: fixture) else {
            print("tensorboard-sweep: fixture missing at \(fixture)")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fitwatch-tb-sweep-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for index in 0..<runs {
            let run = "\(directory)/logs/lr=\(index % 10),seed=\(index / 10)"
            try? FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
            for group in ["train", "validation"] { try? FileManager.default.copyItem(atPath: "\(fixture)/\(group)", toPath: "\(run)/\(group)") }
        }
        let root = directory + "/logs"
        let output = directory + "/export.json"
        let fitwatch = best(of: 3) { shell("'\(binary)' export '\(root)' > '\(output)'") }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        let exported = text.components(separatedBy: "\"source\":").count - 1
        let epochs = text.components(separatedBy: "{\"epoch\":").count - 1
        print(String(format: "tensorboard-sweep: %d runs (train + validation each): fitwatch export %.3f s for %d runs, %d epochs", runs, fitwatch, exported, epochs))

        guard let python = ProcessInfo.processInfo.environment["FITWATCH_BENCH_PYTHON"], FileManager.default.isExecutableFile(atPath: python) else {
            print("tensorboard-sweep: tbparse baseline skipped: set FITWATCH_BENCH_PYTHON to a Python with tbparse and tensorboard installed")
            return
        }
        let script = "import sys; from tbparse import SummaryReader; r = SummaryReader(sys.argv[1], extra_columns={'dir_name'}); print(len(r.scalars) + len(r.tensors))"
        let countFile = directory + "/tbparse.txt"
        let tbparse = best(of: 3) { shell("'\(python)' -c \"\(script)\" '\(root)' > '\(countFile)' 2>/dev/null") }
        let values = (try? String(contentsOfFile: countFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        print(String(format: "tensorboard-sweep: tbparse (baseline) %.3f s for %@ scalar values; fitwatch takes %.2fx its time", tbparse, values, fitwatch / tbparse))
    }

    static func best(of count: Int, _ body: () -> Double) -> Double {
        (0..<count).map { _ in body() }.min() ?? .infinity
    }

    /// Wall seconds of `sh -c command`.
    static func shell(_ command: String) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        _ = system(command)
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
