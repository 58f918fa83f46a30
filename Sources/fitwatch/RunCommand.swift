import ArgumentParser
import Feeds
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a training command under a pseudo-terminal and watch it.",
        discussion: """
        Example: fitwatch run --tee train.log -- python train.py --epochs 10
        Ctrl-C goes to the command; fitwatch exits with the command's exit status. On the \
        screen, q while the command runs asks first: y stops it and quits, n keeps watching.
        """
    )

    @Option(name: .long, help: "Also copy the command's raw output to this file.")
    var tee: String?

    @OptionGroup var options: WatchOptions

    @Argument(parsing: .postTerminator, help: "The command to run, after '--'.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty {
            throw ValidationError("no command given: fitwatch run [--tee FILE] -- python train.py ...")
        }
    }

    func run() throws {
        let format = try FeedFactory.format(options.format)
        if let tee { try Self.checkWritable(tee: tee) }
        let feed = CommandFeed(arguments: command, tee: tee, makeReader: FeedFactory.readerMaker(format: format))
        let status = try watch(feeds: [feed], options: options)
        if status != 0 { throw ExitCode(status) }
    }

    /// A `--tee` file that cannot be written is bad input (exit 2) found before the command
    /// starts, not the command's failure (it was exit 127 "true: failed: cannot write --tee").
    /// Opened without truncating: CommandFeed truncates it when the command starts.
    static func checkWritable(tee path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CLIError("fitwatch: cannot write --tee \(path): \(String(cString: strerror(errno)))")
        }
        close(descriptor)
    }
}
