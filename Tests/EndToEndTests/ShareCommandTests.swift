import Foundation
import Testing
import TestSupport

/// `fitwatch plot` and `check --format markdown` run as a CI job runs them.
@Suite struct ShareCommandTests {
    static let regression = Fixtures.url("keras-logs/k3tf_acc_regression.pipe.log").path
    static let callbacks = Fixtures.url("keras-logs/k3_callbacks.pipe.log").path

    @Test func plotWritesTheSVGToStdoutOrAtomicallyToAFile() throws {
        let out = try ContractTests.fitwatch(["plot", Self.regression])
        #expect(out.status == 0)
        #expect(out.stderr.isEmpty)
        #expect(out.stdout.hasPrefix("<svg "))
        #expect(out.stdout.hasSuffix("</svg>\n"))

        let scratch = try ContractTests.Scratch()
        let file = scratch.path("plots.svg")
        let written = try ContractTests.fitwatch(["plot", Self.regression, Self.callbacks, "--smoothing", "0.6", "--metric", "^loss$", "-o", file])
        #expect(written.status == 0)
        #expect(written.stdout.isEmpty)
        let svg = try String(contentsOfFile: file, encoding: .utf8)
        // One chart: only the loss family matched.
        #expect(svg.components(separatedBy: "class=\"chart\"").count == 2)
        #expect(svg.contains("data-metric=\"loss\""))
        #expect(!svg.contains("data-metric=\"acc\""))
        // No temporary file left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == ["plots.svg"])
    }

    @Test func plotBadInputIsOneLineAndExitTwo() throws {
        ContractTests.expectBadInput(try ContractTests.fitwatch(["plot", "/nonexistent/train.log"]), mentions: ["/nonexistent/train.log"])
        ContractTests.expectBadInput(try ContractTests.fitwatch(["plot", Self.regression, "--metric", "("]), mentions: ["--metric"])
        ContractTests.expectBadInput(try ContractTests.fitwatch(["plot", Self.regression, "--metric", "nothing-like-it"]),
                                     mentions: ["nothing-like-it", "loss"])
        ContractTests.expectBadInput(try ContractTests.fitwatch(["plot", Self.regression, "--smoothing", "1.5"]), mentions: ["--smoothing"])
        let scratch = try ContractTests.Scratch()
        let garbage = try scratch.file("garbage.log", ContractTests.garbage())
        ContractTests.expectBadInput(try ContractTests.fitwatch(["plot", garbage]), mentions: ["garbage.log"])
        ContractTests.expectBadInput(try ContractTests.fitwatch(["plot", Self.regression, "-o", scratch.path("no/such/dir/out.svg")]),
                                     mentions: ["out.svg"])
    }

    @Test func checkMarkdownKeepsCheckExitCodes() throws {
        let found = try ContractTests.fitwatch(["check", "--format", "markdown", Self.regression])
        #expect(found.status == 1)
        #expect(found.stdout.hasPrefix("## fitwatch check\n"))
        #expect(found.stdout.contains("`accuracy-on-regression`"))
        let healthy = try ContractTests.fitwatch(["check", "--format", "markdown", Fixtures.url("keras-logs/tfk_s9_long_run_300_epochs.pipe.log").path])
        #expect(healthy.status == 0)
        #expect(healthy.stdout.contains("✅"))
        // The text and JSON outputs are what they were.
        let text = try ContractTests.fitwatch(["check", Self.regression])
        let plain = try ContractTests.fitwatch(["check", "--format", "text", Self.regression])
        #expect(text.stdout == plain.stdout)
        let json = try ContractTests.fitwatch(["check", "--json", Self.regression])
        let formatJSON = try ContractTests.fitwatch(["check", "--format", "json", Self.regression])
        #expect(json.stdout == formatJSON.stdout)
        ContractTests.expectBadInput(try ContractTests.fitwatch(["check", "--format", "html", Self.regression]), mentions: ["html"])
    }
}
