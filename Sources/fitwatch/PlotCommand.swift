import ArgumentParser
import Foundation
import Monitor
import RunModel
import Sharing
import TrainingLog

/// `fitwatch plot`: the charts of finished logs as a standalone SVG, to put in a pull
/// request, a report or a paper draft.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Write the charts of one or more logs as a standalone SVG.",
        discussion: """
        Each SOURCE (any log `check` reads) is read to its end. One chart per metric family \
        (train and validation; several sources overlaid, a colour each, validation dashed), \
        with the screen's robust y scale (points beyond it marked on the edge and counted in a \
        note), optional smoothing with the raw line faint, and the runs' events (early stop, \
        restored best, lr change, checkpoint, NaN stop) as marked lines. Written to stdout, \
        or atomically to -o FILE.
        """
    )

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write the SVG to FILE (atomically) instead of stdout.", valueName: "FILE"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Only the metric families whose name matches REGEX (e.g. 'loss|acc').", valueName: "REGEX"))
    var metric: String?

    @Option(name: .long, help: ArgumentHelp("Smoothing: TensorBoard's EMA weight, 0 (off) to 0.999; the raw line stays, faint.", valueName: "W"))
    var smoothing: Double = 0

    @Flag(name: .long, help: "Scale every chart to all of its points (default: robust, outliers marked on the edge).")
    var fullRange = false

    @Flag(name: .long, help: "Log-scale y axes.")
    var log = false

    @Option(name: .long, help: ArgumentHelp("Width of the SVG in pixels (320 to 10000).", valueName: "PX"))
    var width: Int = 760

    @Option(name: .long, help: ArgumentHelp("Height of each chart in pixels (160 to 5000).", valueName: "PX"))
    var height: Int = 300

    @OptionGroup var input: InputFormatOption

    @Argument(help: "Log files or directories to plot.")
    var sources: [String]

    func validate() throws {
        guard smoothing.isFinite, smoothing >= 0, smoothing < 1 else {
            throw ValidationError("--smoothing must be at least 0 and below 1, not \(smoothing)")
        }
        guard (320...10_000).contains(width) else { throw ValidationError("--width must be 320 to 10000, not \(width)") }
        guard (160...5_000).contains(height) else { throw ValidationError("--height must be 160 to 5000, not \(height)") }
    }

    func run() throws {
        let forced = try input.forced()
        var filter: Regex<AnyRegexOutput>?
        if let metric {
            do {
                filter = try Regex(metric)
            } catch {
                throw CLIError("fitwatch plot: --metric '\(metric)' is not a regular expression: \(error)")
            }
        }
        var runs: [PlotRun] = []
        for source in sources {
            var run = Run(source: SourceID(source), keepsEverySegment: true)
            do {
                try LogLoader.stream(at: source, format: forced) { run.apply($0) }
            } catch {
                throw CLIError("fitwatch plot: \(error)")
            }
            guard run.sawTrainingOutput else { throw CLIError("fitwatch plot: \(source): no Keras training output found") }
            run.apply(state: .finished)
            let name = LogLoader.resolvedSource(source)
            // Each `fit` that trained (no diagnosis: the plot draws what was logged).
            let segments = run.segments.map(\.history).filter { !$0.epochs.isEmpty }
            guard !segments.isEmpty else { throw CLIError("fitwatch plot: \(source): no finished epoch to plot") }
            for (index, history) in segments.enumerated() {
                runs.append(PlotRun(name: segments.count > 1 ? "\(name) (fit \(index + 1) of \(segments.count))" : name, history: history))
            }
        }
        let plot = SVGPlot(runs: runs, options: SVGPlot.Options(width: width, chartHeight: height, smoothing: smoothing,
                                                                 robust: !fullRange, logScale: log))
        var families = plot.families
        if let filter, let metric {
            let all = families.map(\.name)
            families = families.filter { family in
                [family.name, family.train, family.validation].compactMap { $0 }.contains { (try? filter.firstMatch(in: $0)) != nil }
            }
            guard !families.isEmpty else {
                throw CLIError("fitwatch plot: --metric '\(metric)' matches none of the metrics (\(all.joined(separator: ", ")))")
            }
        }
        let svg = plot.render(families: families)
        guard let output else {
            FileHandle.standardOutput.write(Data(svg.utf8))
            return
        }
        do {
            try Data(svg.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw CLIError("fitwatch plot: cannot write \(output): \(error.localizedDescription)")
        }
    }
}
