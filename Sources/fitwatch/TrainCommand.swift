import ArgumentParser
import Feeds
import Foundation
import RunModel
import TrainingCore
import TrainingLog
import Diagnostics

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model from a run spec with the in-process training core.",
        discussion: """
        SPEC is a TOML run spec (see demo-data/) or the name of a bundled one: \
        \(DemoCatalog.names.joined(separator: ", ")). By default the monitor shows the run; \
        --headless prints Keras 3's progress output instead.
        """
    )

    @Argument(help: "A run spec file (TOML) or the name of a bundled spec.")
    var spec: String

    @Option(name: .long, help: "Also write Keras 3-format progress output to FILE (readable by 'fitwatch FILE' and 'replay').")
    var log: String?

    @Option(name: .long, help: "Also write a Keras CSVLogger file to FILE.")
    var csv: String?

    @OptionGroup var options: WatchOptions

    func run() throws {
        let session = try Self.loadSession(spec)
        let logWriter = try log.map { try FileWriter(path: $0) }
        let csvWriter = try csv.map { try FileWriter(path: $0) }
        let clock: @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }
        @Sendable func fileCallbacks() -> [TrainingCallback] {
            var callbacks: [TrainingCallback] = []
            if let csvWriter { callbacks.append(CSVLogger(write: csvWriter.write)) }
            if let logWriter { callbacks.append(ProgressPrinter(clock: clock, write: logWriter.write)) }
            return callbacks
        }
        if options.headless && !options.jsonl {
            let stdout = FileWriter.standardOutput
            let printer = ProgressPrinter(clock: clock, write: stdout.write)
            // Keras's own bytes stay on stdout; what fitwatch found goes to stderr, once per id,
            // as soon as an epoch shows it (the demo's accuracy warning appears after epoch 1).
            let alerts = Alerts.make(options: options, screen: false)
            defer { alerts?.finish() }
            let findings = FindingPrinter(alerts: alerts)
            let ending = try session.run(extra: fileCallbacks() + [printer], events: findings.apply)
            findings.end()
            if case .failed(let why) = ending { throw CLIError("fitwatch: training failed: \(why)", code: 1) }
            return
        }
        let feed = TrainingFeed(id: SourceID("train: \(session.spec.name)"), session: session, callbacks: fileCallbacks)
        let status = try watch(feeds: [feed], options: options)
        if status != 0 { throw ExitCode(status) }
    }

    /// A spec path, or a bundled spec's name; every spec problem becomes one CLI error line.
    static func loadSession(_ argument: String) throws -> TrainingSession {
        var url = URL(fileURLWithPath: argument)
        if !FileManager.default.fileExists(atPath: url.path) {
            guard let bundled = DemoCatalog.spec(named: argument) else {
                throw CLIError("fitwatch: no run spec '\(argument)': not a file, and not a bundled spec (\(DemoCatalog.names.joined(separator: ", ")))")
            }
            url = bundled
        }
        do {
            return try TrainingSession(contentsOf: url)
        } catch let error as SpecError {
            throw CLIError("fitwatch: \(error.description)")
        }
    }
}

/// Appends text to a file (or stdout) unbuffered, from whichever thread trains.
final class FileWriter: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()

    static let standardOutput = FileWriter(handle: .standardOutput)

    private init(handle: FileHandle) { self.handle = handle }

    /// Create or truncate `path`.
    convenience init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw CLIError("fitwatch: cannot write \(path)")
        }
        self.init(handle: handle)
    }

    func write(_ text: String) {
        lock.lock()
        handle.write(Data(text.utf8))
        lock.unlock()
    }
}

/// Prints each new finding of a headless training run to stderr as `check` headlines it, and
/// withdraws one that stopped being true, through the same run model as every other surface.
final class FindingPrinter {
    private var run = Run(source: SourceID("training core"))
    private let alerts: Alerts?
    private var ends = RunEventTracker()

    init(alerts: Alerts? = nil) {
        self.alerts = alerts
    }

    /// `--notify` / `--on-event` problems: one line on stderr.
    private static let reportProblem: @Sendable (String) -> Void = { text in
        FileHandle.standardError.write(Data("fitwatch: \(text)\n".utf8))
    }

    /// Training is over: announce how it ended (`--notify`, `--on-event`).
    func end() {
        run.apply(state: .finished)
        report()
        if let status = ends.end(of: run, now: nil) { alerts?.announce(.ended(status), source: run.source, fit: run.fitNumber, notice: Self.reportProblem) }
    }

    private func announce(_ added: [Finding]) {
        for finding in added {
            alerts?.announce(.finding(finding, provisional: run.findings.provisional.contains(finding.id)), source: run.source,
                             fit: run.fitNumber, notice: Self.reportProblem)
        }
    }

    func apply(_ event: TrainingEvent) {
        run.apply(event)
        switch event {
        case .epochEnded, .runEnded, .modelKnown: break
        default: return
        }
        report()
    }

    /// Diagnose; say what changed on stderr, and announce what was added.
    private func report() {
        guard let change = run.diagnose() else { return }
        for finding in change.withdrawn {
            FileHandle.standardError.write(Data("fitwatch: withdrawn \(finding.id): no longer true\n".utf8))
        }
        for finding in change.added {
            let soFar = run.findings.provisional.contains(finding.id) ? " (so far)" : ""
            FileHandle.standardError.write(Data(("fitwatch: " + FindingReport.headline(finding) + soFar + "\n").utf8))
        }
        announce(change.added)
    }
}
