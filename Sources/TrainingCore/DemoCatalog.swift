import Foundation

/// The run specs and CSVs bundled with the binary (Sources/TrainingCore/DemoData, a copy of
/// the repository's demo-data/ checked equal by a test), so `fitwatch` and
/// `fitwatch train boston-accuracy` work from any directory.
public enum DemoCatalog {
    /// The bundled demo-data directory.
    public static var directory: URL? {
        Bundle.module.url(forResource: "DemoData", withExtension: nil)
    }

    /// Names of the bundled specs (`boston-accuracy`, `iris-bce`, …), sorted.
    public static var names: [String] {
        guard let directory,
              let files = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return files.filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The bundled spec called `name` (with or without `.toml`).
    public static func spec(named name: String) -> URL? {
        let base = name.hasSuffix(".toml") ? String(name.dropLast(5)) : name
        guard let url = directory?.appendingPathComponent(base + ".toml"),
              FileManager.default.fileExists(atPath: url.path) else { return nil }
        return url
    }

    /// The spec the built-in demo runs: Boston housing with `metrics=['accuracy']` and an mse loss.
    public static let demoName = "boston-accuracy"
}
