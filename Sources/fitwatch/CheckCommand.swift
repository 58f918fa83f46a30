import ArgumentParser
import Diagnostics
import Foundation
import KerasModel
import RunModel
import Sharing
import TrainingCore
import TrainingLog

/// `fitwatch check`: runs the diagnostics over finished logs and prints the findings.
/// Exit status: 0 no warning or error, 1 a warning or error was found, 2 bad input.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a log or run spec for metrics that mean nothing and other pathologies.",
        discussion: """
        SOURCE is a Keras log (any flavour the readers know, pipe or terminal capture), a \
        CSVLogger file, a TensorBoard run directory, a directory or glob (every run under it), or a run spec \
        (`.toml` or a bundled spec's name such as `boston-accuracy`, as `fitwatch train` takes; its model, compile config and data are checked \
        without training). Each `fit` call in a log is checked on its own. Without --model, config problems are inferred \
        from the log where it carries the evidence and reported as `suspected`; with the model \
        file they are `certain`. Exit status: 0 when no warning or error was found, 1 when one \
        was, 2 on bad input.
        """
    )

    @Option(name: .long, help: ArgumentHelp(
        "The run's model: a Keras 3 .keras archive or a model.to_json() file (Keras 3 or tf-keras).",
        valueName: "FILE"))
    var model: String?

    @Flag(name: .long, help: "Print {\"runs\": [{\"source\", \"warnings\": [...]}]} as JSON (the same as --format json).")
    var json = false

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    @Option(name: .long, help: "Output: text, json (as --json) or markdown (a CI job summary: per run its status, a sparkline per metric, the findings with their fix).")
    var format: OutputFormat = .text

    @OptionGroup var input: InputFormatOption

    @Argument(help: "Log files, directories or globs to check.")
    var sources: [String]

    func run() throws {
        var graph: ModelGraph?
        if let model {
            do {
                graph = try ModelFileReader.read(path: model)
            } catch {
                throw Self.badInput("\(error)")
            }
            if let graph, !graph.hasCompileConfig {
                // Said, since it changes what can be certain: a tf-keras `model.to_json()` holds the
                // layers only, so the loss and metrics come from the log (as without --model).
                FileHandle.standardError.write(Data(("fitwatch: \(model) has no compile config (losses, metrics): they are "
                    + "read from the log; the .keras file has them\n").utf8))
            }
        }
        let forced = try input.forced()
        var checked: [(source: String, runs: [CheckedRun])] = []
        // A directory or glob is every run under it, as `fitwatch DIR` and `export` read it.
        for expanded in try ExportCommand.expanded(sources) {
            let source = expanded.path
            if source.hasSuffix(".toml") {
                checked.append((source, [try Self.checkSpec(source)]))
                continue
            }
            // A bundled spec's name, as `train` accepts it (`fitwatch check boston-accuracy`).
            if !FileManager.default.fileExists(atPath: source), let bundled = DemoCatalog.spec(named: source) {
                checked.append((source, [try Self.checkSpec(bundled.path)]))
                continue
            }
            // Streamed, as `export` is: memory follows the run's epochs, not the log's size.
            var run = Run(source: SourceID(source), modelOverride: graph, keepsEverySegment: true)
            do {
                try LogLoader.stream(at: source, format: forced) { run.apply($0) }
            } catch {
                throw Self.badInput("\(error)")
            }
            guard run.sawTrainingOutput else {
                // One empty log of a sweep is said, not fatal; a log named on its own is.
                if expanded.discoveredName != nil {
                    FileHandle.standardError.write(Data("fitwatch: \(expanded.name): no Keras training output found\n".utf8))
                    continue
                }
                throw Self.badInput("\(source): no Keras training output found")
            }
            run.apply(state: .finished)
            // Named as `fitwatch DIR`, `--jsonl` and `export` name it.
            checked.append((expanded.name, run.reports().map(CheckedRun.init)))
        }
        switch json ? .json : format {
        case .text: print(Self.text(checked))
        case .json: print(Self.json(checked))
        case .markdown: print(MarkdownReport.document(checked), terminator: "")
        }
        let serious = checked.contains { $0.runs.contains { $0.findings.contains { $0.severity >= .warning } } }
        if serious { throw ExitCode(1) }
    }

    /// A run spec's config, diagnosed before any training: the core builds the model and
    /// reads the data, so the graph is exact and each output's target encoding is known.
    static func checkSpec(_ path: String) throws -> CheckedRun {
        let session: TrainingSession
        do {
            session = try TrainingSession(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw badInput("\(error)")
        }
        var graph = session.trainer.graph(name: session.spec.modelName)
        for index in graph.outputs.indices where index < session.y.count {
            let units = graph.outputUnits(graph.outputs[index].name) ?? 0
            let columns = session.y[index].cols
            graph.outputs[index].target = TargetEncoding(outputUnits: units, targetColumns: columns)
        }
        var history = RunHistory()
        history.apply(.runStarted(RunStart(epochs: session.spec.fit.epochs, format: .trainingCore)))
        history.apply(.modelKnown(graph))
        return CheckedRun(history: history, logLines: [],
                          findings: Diagnostics.findings(history: history, model: graph, flavour: .keras3))
    }

    /// Per source (and per run when a source holds several `fit` calls) a header line, then the findings.
    static func text(_ checked: [(source: String, runs: [CheckedRun])]) -> String {
        var blocks: [String] = []
        for entry in checked {
            for run in entry.runs {
                let name = run.title(source: entry.source, among: entry.runs)
                let count = run.findings.count
                var block = "\(name): \(run.status.map { $0.text + ", " } ?? "")" + (count == 0 ? "no findings" : "\(count) finding\(count == 1 ? "" : "s")")
                if count > 0 { block += "\n" + FindingReport.text(run.findings) }
                blocks.append(block)
            }
        }
        blocks.append(CheckedRun.totals(checked.flatMap(\.runs)))
        return blocks.joined(separator: "\n\n")
    }

    /// `{"runs": [{"source": ..., "warnings": [...]}]}`, one entry per run.
    static func json(_ checked: [(source: String, runs: [CheckedRun])]) -> String {
        let runs = checked.flatMap { entry in
            entry.runs.map { run in
                "{\"source\":\(ExportJSON.string(entry.source)),\"fit\":\(run.fit),\"status\":\(run.status.map { ExportJSON.string($0.word) } ?? "null"),\"warnings\":\(FindingReport.json(run.findings))}"
            }
        }
        return ExportJSON.document(runs: runs)
    }

    /// Bad input: one line on stderr naming it, exit status 2.
    static func badInput(_ message: String) -> CLIError {
        CLIError("fitwatch: \(message)")
    }
}
