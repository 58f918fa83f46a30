// libFuzzer entry point for every input surface fitwatch reads. Built only by
// `scripts/fuzz.sh` (FITWATCH_FUZZ=1, -sanitize=fuzzer,address); the target is picked with
// FITWATCH_FUZZ_TARGET. A crash, a trap, a sanitizer report, or events that depend on how the
// bytes were chunked (a `fatalError` here) is a finding: docs/fuzzing.md.
import Foundation
import Diagnostics
import RunModel
import KerasModel
import TrainingCore
import TerminalCore
import TrainingLog
import Widgets

enum FuzzTarget: String, CaseIterable {
    case kerasLog = "keras-log"
    case autoDetect = "auto"
    case csvLogger = "csvlogger"
    case tensorBoard = "tensorboard"
    case callbackStream = "callback-stream"
    case modelJSON = "model-json"
    case kerasArchive = "keras-archive"
    case summary
    case runSpec = "run-spec"
    case theme
}

let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["FITWATCH_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        fatalError("FITWATCH_FUZZ_TARGET must be one of \(FuzzTarget.allCases.map(\.rawValue)), got '\(name)'")
    }
    return target
}()

/// A scratch file for the targets that read paths (archives, themes).
let scratchPath = NSTemporaryDirectory() + "fitwatch-fuzz-\(getpid())"

/// Where the run-spec target finds the CSVs the bundled specs name.
let demoData = URL(fileURLWithPath: ProcessInfo.processInfo.environment["FITWATCH_FUZZ_DEMO_DATA"]
    ?? "Sources/TrainingCore/DemoData")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = (data == nil || size == 0) ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    switch selectedTarget {
    case .kerasLog: readers({ KerasLogReader() }, bytes)
    case .autoDetect: readers({ AutoReader() }, bytes)
    case .csvLogger: readers({ CSVLoggerReader() }, bytes)
    case .tensorBoard: readers({ TensorBoardReader() }, bytes)
    case .callbackStream: readers({ FitwatchStreamReader() }, bytes)
    case .modelJSON:
        if let graph = try? ModelFileReader.graph(modelConfigJSON: Data(bytes), compileConfigJSON: nil, provenance: .modelFile) {
            use(graph)
        }
    case .kerasArchive:
        guard FileManager.default.createFile(atPath: scratchPath + ".keras", contents: Data(bytes)) else { return 0 }
        if let graph = try? ModelFileReader.read(path: scratchPath + ".keras") { use(graph) }
    case .summary:
        if let graph = SummaryTableParser.parse(String(decoding: bytes, as: UTF8.self)) { use(graph) }
    case .runSpec:
        let text = String(decoding: bytes, as: UTF8.self)
        if let spec = try? RunSpec(toml: text, file: "fuzz.toml", directory: demoData) {
            _ = try? TrainingSession(spec: spec)
        }
    case .theme:
        guard FileManager.default.createFile(atPath: scratchPath + ".toml", contents: Data(bytes)) else { return 0 }
        if let theme = try? Theme.load(nameOrPath: scratchPath + ".toml") {
            _ = theme.degraded(to: .ansi16)
        }
    }
    return 0
}

/// Reads `bytes` whole and again in chunks whose sizes come from the bytes themselves (so an
/// input always chunks the same way); the events must be the same. Then everything `export`
/// and `check` do with them.
func readers<Reader: LogReader>(_ make: () -> Reader, _ bytes: [UInt8]) {
    var whole = make()
    let expected = whole.feed(bytes) + whole.finish()
    var pieces = make()
    var events: [TrainingEvent] = []
    var seed = UInt64(truncatingIfNeeded: bytes.count) &* 0x9E37_79B9_7F4A_7C15 | 1
    for byte in bytes.prefix(64) { seed = (seed ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 | 1 }
    var index = 0
    while index < bytes.count {
        seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
        let end = min(bytes.count, index + 1 + Int(seed % 97))
        events += pieces.feed(bytes[index..<end])
        index = end
    }
    events += pieces.finish()
    // Compared as text when `==` says no: NaN values are equal there, as they are to a user.
    if events != expected, "\(events)" != "\(expected)" {
        fatalError("events depend on chunking:\nwhole:   \(expected)\nchunked: \(events)")
    }
    let segments = RunSegment.segments(from: expected)
    var runs: [String] = []
    for segment in segments {
        let findings = Diagnostics.findings(history: segment.history, model: nil, flavour: nil)
        runs.append(ExportJSON.run(source: "fuzz", segment: segment, model: segment.model.map(ModelGraphJSON.json),
                                   warnings: FindingReport.json(findings)))
    }
    _ = ExportJSON.document(runs: runs)
    _ = ExportCSV.table(segments)
    _ = CheckedRun.runs(events: expected, model: nil)
}

/// What `export --model` and `check --model` do with a model.
func use(_ graph: ModelGraph) {
    _ = ModelGraphJSON.json(graph)
    _ = Diagnostics.findings(history: RunHistory(), model: graph, flavour: nil)
}

// SwiftPM links an executable with `main` defined as `<module>_main`; libFuzzer's own driver
// is reached through `LLVMFuzzerRunDriver` (libFuzzer's entry point for programs with a main).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("fitwatch_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzOne(data, size) }
}
