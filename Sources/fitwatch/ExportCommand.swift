import ArgumentParser
import Diagnostics
import Foundation
import KerasModel
import TrainingLog

/// `fitwatch export`: prints what the readers made of each source, as the JSON contract of
/// `ExportJSON` or as a CSVLogger-style table.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print what fitwatch read from logs as JSON or CSV.",
        discussion: """
        SOURCE is a Keras log (any flavour, pipe or terminal capture), a CSVLogger file, a \
        TensorBoard event file or run directory, or a directory (its newest log is read). \
        Each `fit` call in a source becomes one run.
        """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case json, csv
    }

    @Option(name: .long, help: "Output format: json (the export schema) or csv (CSVLogger-style, one header per run).")
    var format: OutputFormat = .json

    @OptionGroup var input: InputFormatOption

    @Argument(help: "Log files or directories to read.")
    var sources: [String]

    func run() throws {
        let forced = try input.forced()
        var runs: [(source: String, segment: RunSegment)] = []
        for source in sources {
            // Streamed: a read's events are folded into segments and dropped, so exporting a
            // 1 GB log takes the memory of its epochs, not of its bytes or in-epoch updates.
            var builder = RunSegment.Builder()
            do {
                try LogLoader.stream(at: source, format: forced) { builder.add($0) }
            } catch {
                throw CLIError("fitwatch: \(error)")
            }
            for segment in builder.segments {
                runs.append((source, segment))
            }
        }
        switch format {
        case .json:
            // `ExportJSON.document`'s bytes, written a run at a time: each run's text is built,
            // printed and freed, instead of every run's and then the whole document's copy.
            guard !runs.isEmpty else { print(ExportJSON.document(runs: [])); break }
            print("{\"runs\":[")
            for (index, run) in runs.enumerated() {
                let text = ExportJSON.run(source: run.source, segment: run.segment, model: run.segment.model.map(ModelGraphJSON.json),
                                          warnings: FindingReport.json(Diagnostics.findings(history: run.segment.history,
                                                                                            model: nil, flavour: nil)))
                print(text, terminator: index + 1 < runs.count ? ",\n" : "\n")
            }
            print("]}")
        case .csv:
            print(ExportCSV.table(runs.map(\.segment)), terminator: "")
        }
        if runs.isEmpty {
            FileHandle.standardError.write(Data("fitwatch: no training output found in \(sources.joined(separator: ", "))\n".utf8))
        }
    }

}
