import ArgumentParser
import Diagnostics
import Foundation
import KerasModel
import RunModel
import Feeds
import TrainingLog

/// `fitwatch export`: prints what the readers made of each source, as the JSON contract of
/// `ExportJSON` or as a CSVLogger-style table.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print what fitwatch read from logs as JSON or CSV.",
        discussion: """
        SOURCE is a Keras log (any flavour, pipe or terminal capture), a CSVLogger file, a \
        TensorBoard event file or run directory, or a directory or glob: every run under it \
        (as `fitwatch DIR` finds them), each named as `--jsonl` names it: by its path under \
        the directory. Each `fit` call in a source \
        becomes one run.
        """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case json, csv
    }

    @Option(name: .long, help: "Output format: json (the export schema) or csv (CSVLogger-style, one header per run).")
    var format: OutputFormat = .json

    @Option(name: .long, help: ArgumentHelp(
        "The run's model: a Keras 3 .keras archive or a model.to_json() file (Keras 3 or tf-keras), as check takes it.",
        valueName: "FILE"))
    var model: String?

    @OptionGroup var input: InputFormatOption

    @Argument(help: "Log files, directories or globs to read.")
    var sources: [String]

    func run() throws {
        let forced = try input.forced()
        var graph: ModelGraph?
        if let model {
            do { graph = try ModelFileReader.read(path: model) } catch { throw CLIError("fitwatch: \(error)") }
        }
        var runs: [(source: String, segment: RunSegment, epochs: EpochList, report: Run.Report)] = []
        for expanded in try Self.expanded(sources) {
            let source = expanded.path
            // Streamed: a read's events are folded into segments and dropped, so exporting a
            // 1 GB log takes the memory of its epochs, not of its bytes or in-epoch updates.
            // The same events make the run model, whose findings every surface reports; its
            // segments hold the epochs (once), the builder only the notes between them.
            var builder = RunSegment.Builder(keepsEpochs: false)
            var run = Run(source: SourceID(source), modelOverride: graph, keepsEverySegment: true)
            do {
                try LogLoader.stream(at: source, format: forced) { events in
                    builder.add(events)
                    run.apply(events)
                }
            } catch {
                throw CLIError("fitwatch: \(error)")
            }
            run.apply(state: .finished)
            var segments = builder.segments
            let reports = run.reports()
            // The epochs each exported segment read (none for a run that failed before training).
            let readEpochs = !segments.isEmpty
            if segments.isEmpty, run.sawTrainingOutput, let report = reports.last, !report.findings.isEmpty || report.status.isOver {
                // A run that failed before its first epoch: exported with its status, messages
                // and findings, as `check` and the screen report it.
                var failed = RunSegment(format: report.segment.history.format, epochsRequested: report.segment.history.epochsRequested)
                failed.notes = report.segment.history.messages.map { .message($0) }
                segments = [failed]
            }
            guard segments.count == reports.count || segments.isEmpty else {
                throw CLIError("fitwatch: \(source): internal error: \(segments.count) runs exported but \(reports.count) diagnosed")
            }
            let read = expanded.name
            for (segment, report) in zip(segments, reports) {
                runs.append((read, segment, readEpochs ? report.segment.history.epochs : EpochList(), report))
            }
        }
        switch format {
        case .json:
            // `ExportJSON.document`'s bytes, written a run at a time: each run's text is built,
            // printed and freed, instead of every run's and then the whole document's copy.
            guard !runs.isEmpty else { print(ExportJSON.document(runs: [])); break }
            var out = BufferedOutput()
            out.write("{\"runs\":[\n")
            for (index, run) in runs.enumerated() {
                ExportJSON.write(source: run.source, fit: run.report.fit, segment: run.segment, epochs: run.epochs, model: run.report.model.map(ModelGraphJSON.json),
                                 warnings: FindingReport.json(run.report.findings), status: run.report.status.word) { out.write($0) }
                out.write(index + 1 < runs.count ? ",\n" : "\n")
            }
            out.write("]}\n")
            out.flush()
        case .csv:
            var out = BufferedOutput()
            for run in runs { ExportCSV.write(epochs: run.epochs) { out.write($0) } }
            out.flush()
        }
        if runs.isEmpty {
            FileHandle.standardError.write(Data("fitwatch: no training output found in \(sources.joined(separator: ", "))\n".utf8))
        }
    }

    /// A source to read: a path, and for a run found under a directory or glob the name
    /// `fitwatch DIR` and `--jsonl` give it (`b/train.log` under `runs/`; with several roots
    /// given, the root in front; a root's one run, the root as given).
    struct Expanded: Equatable {
        var path: String
        var discoveredName: String?
        /// The run's name in the output: a path given by itself names itself, a TensorBoard
        /// run folder by the run it holds.
        var name: String { discoveredName ?? LogLoader.resolvedSource(path) }
    }

    /// Every source as the runs it holds: a directory or a glob is every run under it (the
    /// discovery rules `fitwatch DIR` follows), a TensorBoard run folder itself when it is one.
    static func expanded(_ sources: [String]) throws -> [Expanded] {
        var result: [Expanded] = []
        let kinds = sources.map { try? FeedFactory.kind(of: $0) }
        let localRoots = kinds.filter { kind in
            switch kind { case .directory?, .glob?: return true
            default: return false }
        }.count
        for (source, kind) in zip(sources, kinds) {
            let glob: PathGlob?
            switch kind {
            case .directory?: glob = nil
            case .glob?: glob = PathGlob(source)
            default:
                result.append(Expanded(path: source))
                continue
            }
            let limits = RunDiscovery.Limits()
            let listing = LocalListing.list(root: source, glob: glob, limits: limits)
            let found = listing.runs(root: glob?.root ?? source, limits: limits)
            if let note = RunDiscovery.note(found, root: source, limits: limits) {
                FileHandle.standardError.write(Data("fitwatch: \(note)\n".utf8))
            }
            guard !found.runs.isEmpty else {
                if glob != nil { throw CLIError("fitwatch: \(source): nothing matches") }
                // The loader says why, naming the rule.
                result.append(Expanded(path: source))
                continue
            }
            // Named as `DiscoveryFeed` names them, so `--jsonl` and these agree.
            let prefix = RunDiscovery.rootPrefix(source, localRoots: localRoots)
            let single = found.runs.count == 1
            result += found.runs.map { Expanded(path: $0.path, discoveredName: single ? source : prefix + $0.name) }
        }
        return result
    }
}

/// Text for stdout gathered into 64 KB pieces, each printed at once (`print`, so it stays in
/// order with everything else printed).
struct BufferedOutput {
    private var pending = ""

    mutating func write(_ text: String) {
        pending += text
        if pending.utf8.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !pending.isEmpty else { return }
        print(pending, terminator: "")
        pending.removeAll(keepingCapacity: true)
    }
}
