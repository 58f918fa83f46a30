import Testing
import Foundation
import TestSupport

/// Inputs a hostile user (or a fuzzer) found that crashed the binary, run through it for real.
/// Issue 14: every one ends with a reading or one stderr line, never a signal.
@Suite struct HostileInputTests {
    typealias Contract = ContractTests

    /// A Dense layer of 2^32 units on a 2^32-wide input: (fanIn + 1) * units overflowed Int in the
    /// layer config reader and the binary died with SIGILL (exit 132) in export, check,
    /// check --model and --jsonl. Now the parameter count is unknown (null) and the rest is read.
    static let overflowStream = "hostile/dense_units_2pow32.fitwatch.jsonl"
    static let overflowModel = "hostile/dense_units_2pow32.model.json"

    @Test func exportOfAModelWhoseParameterCountOverflowsReadsTheRun() throws {
        let outcome = try Contract.fitwatch(["export", Fixtures.url(Self.overflowStream).path])
        #expect(!outcome.signalled, "crashed: \(outcome.stderr.prefix(300))")
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let run = try #require((json["runs"] as? [[String: Any]])?.first)
        #expect((run["epochs"] as? [Any])?.isEmpty == false)
        let layers = try #require((run["model"] as? [String: Any])?["layers"] as? [[String: Any]])
        let dense = try #require(layers.first { $0["class"] as? String == "Dense" })
        #expect(dense["units"] as? Int == 4_294_967_296)
        #expect(dense["parameters"] is NSNull, "an overflowing count is unknown: \(dense)")
    }

    @Test func checkOfAStreamAndOfAModelWhoseParameterCountOverflowsDiagnoses() throws {
        let stream = try Contract.fitwatch(["check", Fixtures.url(Self.overflowStream).path])
        #expect(!stream.signalled, "crashed: \(stream.stderr.prefix(300))")
        #expect(stream.status == 1, "the stream's infinite loss is a finding; stderr: \(stream.stderr)")
        #expect(stream.stdout.contains("nan-loss"))
        let model = try Contract.fitwatch(["check", "--model", Fixtures.url(Self.overflowModel).path,
                                           Fixtures.url("models/k3_diverging.log").path])
        #expect(!model.signalled, "crashed: \(model.stderr.prefix(300))")
        #expect(model.status == 1, "stderr: \(model.stderr)")
        #expect(model.stdout.contains("diverging"))
    }

    @Test func jsonlOfAStreamWhoseParameterCountOverflowsPrintsItsEpochs() throws {
        let result = try FeedsCLI.run(["--jsonl", Fixtures.url(Self.overflowStream).path], timeout: 30) { process in
            Thread.sleep(forTimeInterval: 3)
            if process.isRunning { process.interrupt() }
        }
        #expect(result.status != 132 && result.status != 134, "crashed: \(result.stderr.prefix(300))")
        #expect(result.objects.contains { $0["epoch"] as? Int == 1 }, "stdout: \(result.stdout.prefix(300))")
    }

    /// A run spec asking for 1e30 units trapped converting to Int; 2^32 units died allocating
    /// 223 GB. Both are now a spec error naming the layer.
    @Test(arguments: ["1e30", "4294967296"])
    func aSpecAskingForMoreWeightsThanTheCoreBuildsIsABadSpec(units: String) throws {
        let scratch = try Contract.Scratch()
        let spec = try String(contentsOf: Fixtures.packageRoot
            .appendingPathComponent("Sources/TrainingCore/DemoData/boston-accuracy.toml"), encoding: .utf8)
        let csv = try Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("Sources/TrainingCore/DemoData/housing.csv"))
        _ = try scratch.file("housing.csv", csv)
        let hostile = try #require(spec.range(of: "units = 13"))
        let path = try scratch.file("huge.toml", spec.replacingCharacters(in: hostile, with: "units = \(units)"))
        Contract.expectBadInput(try Contract.fitwatch(["check", path]), mentions: ["huge.toml", "layer 1", "units"])
    }

    /// Found by `scripts/fuzz.sh` (run-spec target): a TOML table header starting with a
    /// character that cannot start a key (`[+model.layers]]`) failed an assertion inside toml++
    /// and aborted (exit 134) in `check SPEC` and `--theme FILE`, debug and release builds alike.
    @Test func aTableHeaderTOMLCannotParseIsABadSpecNotAnAbort() throws {
        let outcome = try Contract.fitwatch(["check", Fixtures.url("fuzz/run-spec/table-header-plus.toml").path])
        Contract.expectBadInput(outcome, mentions: ["table-header-plus.toml line 3", "table header"])
    }

    /// Found by the long fuzz campaign (run-spec target, 28,405 executions): `""""""""""` inside a
    /// comment made the old line-by-line check believe a multi-line string was open, so the
    /// header `[`data]` below it reached toml++, which asserted and aborted.
    @Test func aHeaderAfterQuotesInACommentIsStillChecked() throws {
        let outcome = try Contract.fitwatch(["check", Fixtures.url("fuzz/run-spec/header-after-quotes-in-a-comment.toml").path])
        Contract.expectBadInput(outcome, mentions: ["header-after-quotes-in-a-comment.toml line 3", "table header"])
    }

    /// Quotes that open no multi-line string (in a comment, inside a one-line string) hide no
    /// header (the theme tests check that a header-like line inside a real one is text).
    @Test(arguments: ["# '''\n[+x]", "description = 'say \"\"\"'\n[+x]"])
    func quotesOutsideStringsHideNoHeader(text: String) throws {
        let scratch = try Contract.Scratch()
        let theme = try scratch.file("quotes.toml", "name = \"quotes\"\n\(text)\n[styles]\n")
        let log = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path
        Contract.expectBadInput(try Contract.fitwatch(["--theme", theme, "--headless", log]), mentions: ["quotes.toml:3", "table header"])
    }

    /// A multi-line string never closed: toml++ named the end of the file (`line 5`), far from
    /// the `"""` to fix; the line that opened it is named, in a spec and in a theme.
    @Test(arguments: ["\"\"\"", "'''"])
    func anUnclosedMultiLineStringIsNamedWhereItOpens(delimiter: String) throws {
        let scratch = try Contract.Scratch()
        let spec = try scratch.file("open.toml", "[model]\nname = \(delimiter)never closed\n\n[fit]\nepochs = 3\n")
        Contract.expectBadInput(try Contract.fitwatch(["check", spec]), mentions: ["open.toml line 2", "\(delimiter) is never closed"])
        let theme = try scratch.file("theme.toml", "name = \"open\"\n[styles]\ntext = { fg = \(delimiter)red }\n")
        let log = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path
        Contract.expectBadInput(try Contract.fitwatch(["--theme", theme, "--headless", log]), mentions: ["theme.toml:3", "never closed"])
    }

    @Test(arguments: ["[ =styles]", "[", "[[ "])
    func aThemeFileWithSuchAHeaderIsABadThemeNotAnAbort(header: String) throws {
        let scratch = try Contract.Scratch()
        let theme = try scratch.file("odd.toml", "name = \"odd\"\n\(header)\n[styles]\n")
        let log = try scratch.file("a.log", Data(contentsOf: Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log")))
        Contract.expectBadInput(try Contract.fitwatch(["--theme", theme, "--headless", log]), mentions: ["odd.toml:2", "table header"])
    }

    /// Found by CI's fuzz step (theme target, 1,811 executions): the light theme with
    /// `attrs = ["bold", }` failed an assertion inside toml++ (`!is_value_terminator`) and
    /// aborted (exit 134). A value left out where TOML needs one is now the parse error.
    @Test func aThemeWithAnArrayClosedByABraceIsABadThemeNotAnAbort() throws {
        let theme = Fixtures.url("fuzz/theme/array-closed-by-brace.toml").path
        let log = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path
        Contract.expectBadInput(try Contract.fitwatch(["--theme", theme, "--headless", log]),
                                mentions: ["array-closed-by-brace.toml:68", "expected value"])
    }

    @Test(arguments: ["a = [1, }", "a = { b = }", "a = ", "a = # nothing", "a = [[1], , 2]", "a = { b = , c = 1 }"])
    func aMissingValueIsAParseError(text: String) throws {
        let scratch = try Contract.Scratch()
        let theme = try scratch.file("gap.toml", "name = \"gap\"\n\(text)\n[styles]\n")
        let log = Fixtures.url("keras-logs/k3_s1_seed_regression_accuracy.pipe.log").path
        Contract.expectBadInput(try Contract.fitwatch(["--theme", theme, "--headless", log]), mentions: ["gap.toml:2", "expected value"])
    }
}
