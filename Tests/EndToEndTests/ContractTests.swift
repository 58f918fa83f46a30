import Testing
import Foundation
import TestSupport

/// The product's contract for bad input, run against the built binary as a user would:
/// one line on stderr naming what is wrong and where, exit status 2, never a crash or a hang.
@Suite struct ContractTests {
    /// What one run of the binary printed and how it ended.
    struct Outcome {
        var status: Int32
        var signalled: Bool
        var stdout: String
        var stderr: String
        /// stderr's non-empty lines.
        var errorLines: [String] { stderr.split(separator: "\n").map(String.init) }
    }

    /// A scratch folder holding the bad inputs of one test.
    final class Scratch {
        let url: URL
        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("fitwatch-contract-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(at: url) }
        /// Writes `data` to `name` inside the folder and returns its path.
        @discardableResult
        func file(_ name: String, _ data: Data) throws -> String {
            let path = url.appendingPathComponent(name)
            try data.write(to: path)
            return path.path
        }
        @discardableResult
        func file(_ name: String, _ text: String) throws -> String { try file(name, Data(text.utf8)) }
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    }

    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    /// `.build/debug/fitwatch`, which `swift build` (and so `swift test`) produces.
    static let binary = Fixtures.packageRoot.appendingPathComponent(".build/debug/fitwatch")

    /// Runs the binary with stdin at /dev/null and stdout/stderr in files (so it is headless and
    /// nothing blocks on a full pipe); killed after `timeout` s so a hang fails the test.
    static func fitwatch(_ arguments: [String], in directory: URL? = nil, timeout: Double = 20) throws -> Outcome {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let scratch = try Scratch()
        let out = scratch.url.appendingPathComponent("stdout"), err = scratch.url.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw Timeout(description: "fitwatch \(arguments.joined(separator: " ")) still running after \(timeout) s")
        }
        return Outcome(status: process.terminationStatus,
                       signalled: process.terminationReason == .uncaughtSignal,
                       stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// The contract for a fatal bad input: exit 2, nothing on stdout, one stderr line holding every `mentions`.
    static func expectBadInput(_ outcome: Outcome, mentions: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!outcome.signalled, "crashed: \(outcome.stderr.prefix(300))", sourceLocation: sourceLocation)
        #expect(outcome.status == 2, "exit \(outcome.status), stderr: \(outcome.stderr)", sourceLocation: sourceLocation)
        #expect(outcome.errorLines.count == 1, "stderr is not one line: \(outcome.stderr)", sourceLocation: sourceLocation)
        #expect(outcome.errorLines.first?.hasPrefix("fitwatch") == true, "\(outcome.stderr)", sourceLocation: sourceLocation)
        #expect(!outcome.stderr.contains("Error: "), "ArgumentParser's prefix leaked: \(outcome.stderr)", sourceLocation: sourceLocation)
        for text in mentions {
            #expect(outcome.stderr.contains(text), "stderr does not name '\(text)': \(outcome.stderr)", sourceLocation: sourceLocation)
        }
        #expect(outcome.stdout.isEmpty, "stdout: \(outcome.stdout.prefix(200))", sourceLocation: sourceLocation)
    }

    /// 4 KiB of reproducible noise, as `head -c 4096 /dev/urandom` would give.
    static func garbage(seed: UInt64 = 7, count: Int = 4096) -> Data {
        var generator = SeededGenerator(seed: seed)
        return Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// A small valid spec over a 6-row CSV; tests break one thing in it.
    static let csv = "a,b,y\n1,2,3\n2,3,5\n3,4,7\n4,5,9\n5,6,11\n6,7,13\n"
    static func spec(csv: String = "data.csv", target: String = "y", layer: String = "Dense") -> String {
        """
        name = "contract"
        [data]
        csv = "\(csv)"
        targets = ["\(target)"]
        [[model.layers]]
        type = "Dense"
        units = 4
        [[model.layers]]
        type = "\(layer)"
        units = 1
        [compile]
        loss = "mse"
        [fit]
        epochs = 2
        batch_size = 2
        """
    }

    // MARK: check

    @Test func checkOfAMissingFileNamesIt() throws {
        let outcome = try Self.fitwatch(["check", "/nonexistent/run.log"])
        Self.expectBadInput(outcome, mentions: ["/nonexistent/run.log", "no such file"])
    }

    @Test func checkOfGarbageBytesEmptyFilesAndBinariesSaysThereIsNoKerasOutput() throws {
        let scratch = try Scratch()
        let inputs = [try scratch.file("noise.log", Self.garbage()), try scratch.file("empty.log", Data()),
                      try scratch.file("zeros.bin", Data(count: 65_536))]
        for path in inputs {
            let outcome = try Self.fitwatch(["check", path])
            Self.expectBadInput(outcome, mentions: [path, "no Keras training output"])
        }
    }

    @Test func checkOfAHugeLineWithoutNewlinesEndsWithTheSameError() throws {
        let scratch = try Scratch()
        let path = try scratch.file("huge.log", Data(repeating: UInt8(ascii: "x"), count: 8 << 20))
        let outcome = try Self.fitwatch(["check", path])
        Self.expectBadInput(outcome, mentions: [path, "no Keras training output"])
    }

    @Test func checkOfADirectoryWithoutLogsSaysSo() throws {
        let scratch = try Scratch()
        let outcome = try Self.fitwatch(["check", scratch.url.path])
        Self.expectBadInput(outcome, mentions: [scratch.url.path, "no log"])
    }

    @Test func checkWithAModelThatIsNotOneNamesTheModelFile() throws {
        let scratch = try Scratch()
        let log = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path
        let archive = try Fixtures.data("models/k3_s4_multi_output_functional.keras")
        let truncated = try scratch.file("cut.keras", archive.prefix(archive.count / 3))
        let notModel = try scratch.file("config.json", #"{"hello": [1, 2, 3]}"#)
        let noise = try scratch.file("noise.keras", Self.garbage(seed: 11))
        let cases: [(String, String)] = [(truncated, "zip"), (notModel, "not a Keras model"),
                                         (noise, "neither a .keras archive nor model JSON"),
                                         (scratch.path("absent.keras"), "no such file")]
        for (model, problem) in cases {
            let outcome = try Self.fitwatch(["check", "--model", model, log])
            Self.expectBadInput(outcome, mentions: [(model as NSString).lastPathComponent, problem])
        }
    }

    @Test func aRealLogIsCheckedAndItsWarningSetsExitStatusOne() throws {
        let log = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path
        let outcome = try Self.fitwatch(["check", log])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("accuracy-on-regression"))
        #expect(outcome.stderr.isEmpty)
    }

    // MARK: run specs

    @Test func aSpecWithAnUnknownLayerNamesTheFileLineAndLayer() throws {
        let scratch = try Scratch()
        try scratch.file("data.csv", Self.csv)
        let spec = try scratch.file("bad.toml", Self.spec(layer: "Conv2D"))
        for command in [["train", "--headless", spec], ["check", spec]] {
            let outcome = try Self.fitwatch(command)
            Self.expectBadInput(outcome, mentions: ["bad.toml", "line 8", "layer 2", "'Conv2D'"])
        }
    }

    @Test func aSpecWithAMissingColumnNamesTheCSVAndTheColumn() throws {
        let scratch = try Scratch()
        try scratch.file("data.csv", Self.csv)
        let spec = try scratch.file("bad.toml", Self.spec(target: "price"))
        let outcome = try Self.fitwatch(["train", "--headless", spec])
        Self.expectBadInput(outcome, mentions: ["data.csv", "'price'"])
    }

    @Test func aNonNumericCellNamesTheLineAndColumn() throws {
        let scratch = try Scratch()
        try scratch.file("data.csv", Self.csv.replacingOccurrences(of: "3,4,7", with: "3,five,7"))
        let spec = try scratch.file("bad.toml", Self.spec())
        let outcome = try Self.fitwatch(["train", "--headless", spec])
        Self.expectBadInput(outcome, mentions: ["data.csv line 4", "column 'b'", "'five' is not a number"])
    }

    @Test func anUnknownSpecNameListsTheBundledOnes() throws {
        let outcome = try Self.fitwatch(["train", "--headless", "no-such-spec"])
        Self.expectBadInput(outcome, mentions: ["'no-such-spec'", "boston-accuracy"])
    }

    @Test func aSpecThatIsNotTOMLNamesTheFile() throws {
        let scratch = try Scratch()
        let spec = try scratch.file("broken.toml", "[data\ncsv = \n")
        let outcome = try Self.fitwatch(["train", "--headless", spec])
        Self.expectBadInput(outcome, mentions: ["broken.toml"])
    }

    // MARK: watch, export, replay

    @Test func aBogusFormatIsRejectedBeforeAnythingRuns() throws {
        let log = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path
        Self.expectBadInput(try Self.fitwatch(["--headless", "--format", "bogus", log]), mentions: ["'bogus'", "keras3"])
        Self.expectBadInput(try Self.fitwatch(["export", "--format", "bogus", log]), mentions: ["'bogus'", "json", "csv"])
        Self.expectBadInput(try Self.fitwatch(["export", "--input-format", "bogus", log]), mentions: ["'bogus'", "keras3"])
    }

    @Test func aBadModelStopsTheWatchBeforeItStarts() throws {
        let scratch = try Scratch()
        let log = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path
        let model = try scratch.file("cut.keras", Self.garbage(seed: 3).prefix(100))
        let outcome = try Self.fitwatch(["--headless", "--model", model, log])
        Self.expectBadInput(outcome, mentions: ["--model", "cut.keras"])
    }

    @Test func aBadThemeIsRejectedHeadlessToo() throws {
        let scratch = try Scratch()
        let log = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path
        let theme = try scratch.file("broken-theme.toml", "[styles]\ntext = { fg = \"chartreuse-ish\" }\n")
        Self.expectBadInput(try Self.fitwatch(["--headless", "--theme", theme, log]), mentions: ["broken-theme.toml", "chartreuse-ish"])
        Self.expectBadInput(try Self.fitwatch(["replay", "--jsonl", "--theme", "no-such-theme", log]), mentions: ["no-such-theme", "solarized-dark"])
        // A good one changes nothing in a pipe.
        let good = try Self.fitwatch(["replay", "--headless", "--speed", "1024", "--theme", "light", log])
        #expect(good.status == 0)
        #expect(good.stdout.contains("epoch 100/100"))
    }

    @Test func aMalformedSSHTargetNamesTheArgument() throws {
        Self.expectBadInput(try Self.fitwatch(["--headless", "ssh://nobody@127.0.0.1:99999/x"]), mentions: ["ssh://nobody@127.0.0.1:99999/x", "port"])
        Self.expectBadInput(try Self.fitwatch(["--headless", "nobody@:/x"]), mentions: ["nobody@:/x", "no host"])
    }

    @Test func exportOfMissingAndEmptySources() throws {
        let scratch = try Scratch()
        Self.expectBadInput(try Self.fitwatch(["export", scratch.path("gone.log")]), mentions: ["gone.log", "no such file"])
        // Documented: a source with no training output is not an error, but says so on stderr.
        let empty = try scratch.file("empty.log", Data())
        let outcome = try Self.fitwatch(["export", empty])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains(#"{"runs":[]}"#))
        #expect(outcome.errorLines.count == 1 && outcome.stderr.contains("empty.log"))
    }

    @Test func replayOfAMissingFileNamesIt() throws {
        let outcome = try Self.fitwatch(["replay", "--headless", "/nonexistent/run.log"])
        Self.expectBadInput(outcome, mentions: ["/nonexistent/run.log", "no such file"])
    }

    // MARK: in a terminal

    /// A malformed theme or model given to the full-screen monitor: the error is one line on a
    /// normal terminal (not lost on the alternate screen), exit 2, echo back on.
    @Test(.enabled(if: TmuxSession.available, "tmux is not installed"))
    func aFatalErrorOnTheScreenLeavesTheTerminalUsable() throws {
        let scratch = try Scratch()
        let log = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path
        let theme = try scratch.file("broken-theme.toml", "[styles]\ntext = { fg = \"chartreuse-ish\" }\n")
        let model = try scratch.file("cut.keras", Self.garbage(seed: 5).prefix(64))
        for (arguments, mentions) in [(["--theme", theme, log], ["broken-theme.toml", "chartreuse-ish"]),
                                      (["--model", model, log], ["cut.keras"])] {
            let session = try TmuxSession(arguments: arguments, width: 200, height: 30)
            defer { session.kill() }
            let done = session.waitFor { $0.contains("EXIT=") && $0.contains("echo") }
            #expect(done.ok, "fitwatch did not exit:\n\(done.screen)")
            #expect(done.screen.contains("EXIT=2"), "\(done.screen)")
            let errorLines = done.screen.split(separator: "\n").filter { $0.hasPrefix("fitwatch") }
            #expect(errorLines.count == 1, "\(done.screen)")
            for text in mentions { #expect(errorLines.first?.contains(text) == true, "\(done.screen)") }
            #expect(!done.screen.contains("-echo "), "echo is still off:\n\(done.screen)")
            #expect(session.display("#{alternate_on}") == "0")
        }
    }

    // MARK: the command line itself

    @Test func usageMistakesAreOneLineAndPointAtTheHelp() throws {
        let log = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path
        Self.expectBadInput(try Self.fitwatch(["--no-such-flag"]), mentions: ["'--no-such-flag'", "fitwatch --help"])
        // `check --format` takes text, json or markdown (the log format is --input-format).
        Self.expectBadInput(try Self.fitwatch(["check", "--format", "keras3", log]), mentions: ["'keras3'", "'--format <format>'", "fitwatch check --help"])
        Self.expectBadInput(try Self.fitwatch(["train"]), mentions: ["<spec>", "fitwatch train --help"])
        Self.expectBadInput(try Self.fitwatch(["replay", "--speed", "fast", log]), mentions: ["'fast'", "fitwatch replay --help"])
        // A negative speed is a value, said to be one (it read "missing value for '--speed'").
        Self.expectBadInput(try Self.fitwatch(["replay", "--speed", "-3", log]), mentions: ["--speed must be a positive number", "-3"])
    }

    @Test func helpAndVersionStillGoToStdoutWithStatusZero() throws {
        let help = try Self.fitwatch(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: fitwatch"))
        #expect(help.stdout.contains("export"))
        let version = try Self.fitwatch(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }
}

/// `check --model` with a tf-keras `model.to_json()`: it holds the layers only, so nothing about
/// the loss can be certain from it. `check` said "no findings" with no word of that.
@Suite struct ModelWithoutCompileConfigTests {
    @Test func checkSaysTheModelFileHasNoCompileConfig() throws {
        let model = Fixtures.url("models/tfk_dropout_one.model.json").path
        let log = Fixtures.url("keras-logs/tfk_s2_bce_on_multiclass.pipe.log").path
        let outcome = try ContractTests.fitwatch(["check", "--json", "--model", model, log])
        #expect(!outcome.signalled)
        #expect(outcome.stderr.contains("has no compile config"), "stderr: \(outcome.stderr)")
        #expect(outcome.stderr.split(separator: "\n").count == 1)
        // stdout stays the JSON document.
        #expect((try? JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8))) != nil)
        // A .keras archive has its compile config: nothing to say.
        let keras = Fixtures.url("models/k3_softmax_single_unit.keras").path
        let exact = try ContractTests.fitwatch(["check", "--model", keras, Fixtures.url("models/k3_softmax_single_unit.log").path])
        #expect(exact.status == 1 && !exact.stderr.contains("no compile config"), "\(exact.stderr)")
    }
}
