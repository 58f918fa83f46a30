import ArgumentParser
import Feeds

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch Keras logs (local, stdin '-', user@host:/path, ssh://...) or, with none, the built-in demo."
    )

    @Argument(help: "Logs to follow: a file or directory, '-' for stdin, user@host:/path or ssh://user@host:port/path.")
    var sources: [String] = []

    @OptionGroup var options: WatchOptions

    func run() throws {
        let feeds: [any Feed]
        if sources.isEmpty {
            feeds = [try DemoFeed.make()]
        } else {
            feeds = try FeedFactory.makeAll(arguments: sources, format: options.format)
        }
        let status = try watch(feeds: feeds, options: options)
        if status != 0 { throw ExitCode(status) }
    }
}
