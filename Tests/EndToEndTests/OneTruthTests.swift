import Foundation
import Testing
import KerasModel
import Monitor
import RunModel
import TerminalCore
import TestSupport
import TrainingLog

/// One truth on every surface: the same input gives the same findings on the screen (the
/// monitor's state, fed the source's events and its diagnoses), in headless `--jsonl`
/// output (what was reported minus what was withdrawn), in `check --json` and in `export`.
@Suite(.serialized) struct OneTruthTests {
    /// Every recorded input the readers know: Keras logs of every flavour, CSVLogger files,
    /// TensorBoard runs and callback streams.
    static var fixtures: [String] {
        let folder = Fixtures.url("keras-logs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var paths = names.filter { $0.hasSuffix(".log") || $0.hasSuffix(".csv") || $0.hasSuffix(".tensorboard") }
            .filter { !$0.hasSuffix(".stderr.log") }
            .map { folder.appendingPathComponent($0).path }
        let streams = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.url("fitwatch").path)) ?? []
        paths += streams.filter { $0.hasSuffix(".jsonl") }.map { Fixtures.url("fitwatch/\($0)").path }
        let models = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.url("models").path)) ?? []
        paths += models.filter { $0.hasSuffix(".log") || $0.hasSuffix(".csv") }.map { Fixtures.url("models/\($0)").path }
        let healthy = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.url("healthy").path)) ?? []
        paths += healthy.filter { $0.hasSuffix(".log") && !$0.hasSuffix(".stderr.log") }.map { Fixtures.url("healthy/\($0)").path }
        return paths.sorted()
    }

    /// The model file saved by the run that wrote `path`, when the fixtures have one.
    static func modelFile(for path: String) -> String? {
        guard path.contains("/models/") || path.contains("/healthy/") else { return nil }
        var stem = URL(fileURLWithPath: path).deletingPathExtension()
        if ["pipe", "tty"].contains(stem.pathExtension) { stem = stem.deletingPathExtension() }
        let keras = stem.appendingPathExtension("keras").path
        return FileManager.default.fileExists(atPath: keras) ? keras : nil
    }

    /// The findings the screen shows for the last `fit` of `path`: every event through the
    /// monitor's update, the source finished, its diagnosis answered.
    static func screenFindings(_ path: String, model: String?) throws -> [String] {
        let events = try LogLoader.load(at: path, format: nil).events
        var state = MonitorState(size: Size(width: 120, height: 40))
        state.modelOverride = try model.map { try ModelFileReader.read(path: $0) }
        let id = SourceID(path)
        _ = state.update(.tick(1_000))
        for event in events { _ = state.update(.feed(.event(id, event))) }
        _ = state.update(.feed(.state(id, .finished)))
        _ = state.settle(state.update(.tick(1_001)))
        return state.runs[id]?.findings.map(\.id) ?? []
    }

    @Test func everyFixtureGivesTheSameFindingsOnScreenHeadlessCheckAndExport() throws {
        let paths = Self.fixtures
        #expect(paths.count >= 40, "the fixture set is all there")
        var compared = 0
        // Each log with a recorded model file is read both ways: with it and from the log alone.
        let readings = paths.flatMap { path in
            Self.modelFile(for: path).map { [(path, $0 as String?), (path, nil)] } ?? [(path, nil)]
        }
        for (path, model) in readings {
            let name = URL(fileURLWithPath: path).lastPathComponent + (model == nil ? "" : " with its model")
            let screen = try Self.screenFindings(path, model: model)
            let modelArguments = model.map { ["--model", $0] } ?? []

            let check = try FeedsCLI.run(["check", "--json"] + modelArguments + [path])
            let checkRuns = try #require(Self.runs(in: check.stdout), "check --json of \(name): \(check.stderr)")
            let checkLast = (checkRuns.last?["warnings"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }

            let export = try FeedsCLI.run(["export"] + modelArguments + [path])
            let exportRuns = Self.runs(in: export.stdout) ?? []
            let exportLast = (exportRuns.last?["warnings"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }

            let headless = try FeedsCLI.run(["replay", "--instant", "--jsonl"] + modelArguments + [path])
            var reported: [String] = []
            for object in headless.objects {
                if let finding = object["finding"] as? [String: Any], let id = finding["id"] as? String { reported.append(id) }
                if let withdrawn = object["withdrawn"] as? String { reported.removeAll { $0 == withdrawn } }
            }

            #expect(Set(checkLast) == Set(screen), "\(name): check \(checkLast) vs screen \(screen)")
            #expect(Set(reported) == Set(screen), "\(name): --jsonl \(reported) vs screen \(screen)")
            if !exportRuns.isEmpty {
                #expect(exportRuns.count == checkRuns.count, "\(name): export and check split the runs alike")
                for (exported, checked) in zip(exportRuns, checkRuns) {
                    let a = (exported["warnings"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                    let b = (checked["warnings"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                    #expect(a == b, "\(name): export \(a) vs check \(b)")
                    #expect(exported["status"] as? String == checked["status"] as? String, "\(name): the same status")
                }
                #expect(Set(exportLast) == Set(screen), "\(name): export \(exportLast) vs screen \(screen)")
            }
            compared += 1
        }
        #expect(compared == readings.count)
    }

    static func runs(in json: String) -> [[String: Any]]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return nil }
        return object["runs"] as? [[String: Any]]
    }
}

/// Headless output withdraws what stopped being true, and never uses another run's model.
struct HeadlessTruthTests {
    @Test func aFindingThatStopsBeingTrueIsWithdrawnInJSONLines() throws {
        // A healthy recorded Keras 3 run delivered in two parts: EarlyStopping stops at epoch
        // 67 (no restore yet: the finding is true), then "Restoring model weights", which
        // Keras 3 prints when training ends, follows a moment later (it is not any more).
        let firstFit = try String(contentsOf: Fixtures.url("healthy/k3_housing_regression.pipe.log"), encoding: .utf8)
        let cut = try #require(firstFit.range(of: "Restoring model weights"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fitwatch-withdraw-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = directory.appendingPathComponent("before.log"), after = directory.appendingPathComponent("after.log")
        try Data(firstFit[..<cut.lowerBound].utf8).write(to: before)
        try Data(firstFit[cut.lowerBound...].utf8).write(to: after)
        let script = "cat '\(before.path)'; sleep 1.5; cat '\(after.path)'"
        let result = try FeedsCLI.run(["run", "--jsonl", "--", "sh", "-c", script])
        #expect(result.status == 0, "\(result.stderr)")
        let objects = result.objects
        let reported = objects.firstIndex { ($0["finding"] as? [String: Any])?["id"] as? String == "early-stopping-without-restore" }
        let withdrawn = objects.firstIndex { $0["withdrawn"] as? String == "early-stopping-without-restore" }
        #expect(reported != nil, "the finding was true after the first part:\n\(result.stdout)")
        #expect(withdrawn != nil, "the finding was not withdrawn:\n\(result.stdout)")
        if let reported, let withdrawn { #expect(reported < withdrawn) }
        let status = objects.last { $0["status"] != nil }
        #expect(status?["status"] as? String == "early-stopped", "\(result.stdout)")
        #expect(status?["reason"] as? String == "at epoch 67, best epoch 62 restored", "\(result.stdout)")
    }

    @Test func checkRejectsTheModelOfAnotherRunAndKeepsTheRealFinding() throws {
        // A binary-crossentropy classifier's model file given for the Boston regression log.
        let log = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path
        let other = Fixtures.url("models/tfk_s2_bce_on_multiclass.keras").path
        let result = try FeedsCLI.run(["check", "--model", other, log])
        #expect(result.status == 1)
        #expect(result.stdout.contains("warning model-mismatch"), "\(result.stdout)")
        #expect(result.stdout.contains("warning accuracy-on-regression"), "the real finding was suppressed:\n\(result.stdout)")
        #expect(!result.stdout.contains("categorical_accuracy"), "\(result.stdout)")
        // Its own model file is used, and makes the finding certain.
        let own = try FeedsCLI.run(["check", "--model", Fixtures.url("models/k3_s1_seed_regression_accuracy.keras").path, log])
        #expect(!own.stdout.contains("model-mismatch"), "\(own.stdout)")
        #expect(own.stdout.contains("accuracy-on-regression") && own.stdout.contains("(certain)"), "\(own.stdout)")
    }
}

/// A log that goes on with another Keras (rotated, or a new `fit` from another script) names
/// the Keras of the run shown, not the first one's.
@Test func aLogRotatedFromKeras3ToTfKerasSaysTfKerasInTheHeader() throws {
    let keras3 = try Data(contentsOf: Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log"))
    let tfKeras = try Data(contentsOf: Fixtures.url("keras-logs/tfk_s2_bce_on_multiclass.pipe.log"))
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("fitwatch-rotated-\(UUID().uuidString.prefix(8)).log")
    try (keras3 + tfKeras).write(to: path)
    defer { try? FileManager.default.removeItem(at: path) }
    var state = MonitorState(size: Size(width: 160, height: 40))
    let id = SourceID("train.log")
    for event in try LogLoader.load(at: path.path, format: nil).events { _ = state.update(.feed(.event(id, event))) }
    _ = state.update(.feed(.state(id, .finished)))
    _ = state.settle(state.update(.tick(1)))
    let header = MonitorView.render(state).lines[0]
    #expect(header.contains("tf-keras"), "\(header)")
    #expect(!header.contains("keras3"), "\(header)")
    // export names each run's own Keras.
    let export = try FeedsCLI.run(["export", path.path])
    let flavours = (OneTruthTests.runs(in: export.stdout) ?? []).map { $0["keras_flavour"] as? String }
    #expect(flavours == ["keras3", "tf-keras"], "\(export.stdout.prefix(300))")
}
