import CursesBackend
import Foundation
import Feeds

/// Watches `feeds` until they end or the user quits, on the screen or headless, and returns
/// the process exit status. Every monitoring command ends here. A wrapped command's exit
/// status is fitwatch's (if the screen quit first, stopping the feed ended the command).
func watch(feeds: [any Feed], options: WatchOptions) throws -> Int32 {
    let status: Int32
    var headless = options.jsonl || options.headless || isatty(STDOUT_FILENO) == 0
    if !headless, let reason = CursesTerminal.unusableReason() {
        // A terminal ncurses cannot drive would show a blank screen: say so once and print
        // the lines headless output prints instead.
        FileHandle.standardError.write(Data("fitwatch: \(reason), so no full screen: printing lines instead (--headless)\n".utf8))
        headless = true
    }
    if headless {
        // Headless output has no colours, but a mistyped or malformed --theme is still bad
        // input: the same command must not fail on a terminal and pass in a pipe or CI.
        _ = try MonitorSetup.theme(nameOrPath: options.theme)
        status = try HeadlessRunner.run(feeds: feeds, options: options, style: options.jsonl ? .jsonLines : .lines)
    } else {
        status = try MonitorLoop.run(feeds: feeds, options: options)
    }
    return feeds.compactMap { ($0 as? any InterruptibleFeed)?.exitStatus }.first ?? status
}
