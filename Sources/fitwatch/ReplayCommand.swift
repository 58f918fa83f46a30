import ArgumentParser
import Foundation
import Feeds
import TrainingLog

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a recorded log at its recorded pace.",
        discussion: """
        Each epoch takes the time the log recorded for it: the printed epoch time, or where \
        that rounds to 0s the per-step time times the steps; the callback stream's timestamps; \
        TensorBoard's wall times. A log with none (CSVLogger) plays at 1 s per epoch.
        Keys on screen: space pauses or resumes, n plays exactly one epoch and pauses, : then an \
        epoch number and Enter seeks to that epoch (Esc cancels), Home and End seek to the first \
        and last epoch (also after the end), +/- double or halve the speed.
        """
    )

    @Argument(help: "A recorded log in any format fitwatch reads.")
    var file: String

    // `.unconditional`: `--speed -3` is a value (then rejected as not positive), not a
    // missing one followed by an unknown option.
    @Option(name: .long, parsing: .unconditional, help: "Speed factor: 10 plays ten times faster than recorded.")
    var speed: Double = 1

    @Flag(name: .long, help: "Load the whole log at once instead of pacing it.")
    var instant = false

    @OptionGroup var options: WatchOptions

    func validate() throws {
        guard speed.isFinite, speed > 0 else {
            throw ValidationError("--speed must be a positive number, not \(speed)")
        }
    }

    func run() throws {
        let format = try FeedFactory.format(options.format)
        let events: [TrainingEvent]
        do {
            // Any format the readers know, TensorBoard run directories included.
            events = try LogLoader.events(at: file, format: format)
        } catch let error as LogLoadError {
            throw CLIError("fitwatch replay: \(error.description)")
        }
        // A directory says which run under it is replayed, as `fitwatch DIR` does.
        var isDirectory: ObjCBool = false
        let reading = FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) && isDirectory.boolValue
            ? DirectoryRun.newest(in: file)?.shown(under: file) : nil
        let feed = ReplayFeed(events: events, id: SourceID(file), speed: speed, instant: instant, reading: reading)
        let status = try watch(feeds: [feed], options: options)
        if status != 0 { throw ExitCode(status) }
    }
}
