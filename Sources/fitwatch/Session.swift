import Foundation
import Feeds

/// Watches `feeds` until they end or the user quits, on the screen or headless, and returns
/// the process exit status. Every monitoring command ends here.
func watch(feeds: [any Feed], options: WatchOptions) throws -> Int32 {
    if options.jsonl || options.headless || isatty(STDOUT_FILENO) == 0 {
        // Headless output has no colours, but a mistyped or malformed --theme is still bad
        // input: the same command must not fail on a terminal and pass in a pipe or CI.
        _ = try MonitorSetup.theme(nameOrPath: options.theme)
    }
    if options.jsonl {
        return try HeadlessRunner.run(feeds: feeds, options: options, style: .jsonLines)
    }
    if options.headless || isatty(STDOUT_FILENO) == 0 {
        return try HeadlessRunner.run(feeds: feeds, options: options, style: .lines)
    }
    return try MonitorLoop.run(feeds: feeds, options: options)
}
