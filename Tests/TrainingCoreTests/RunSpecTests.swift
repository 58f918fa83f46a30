import Foundation
import TestSupport
import Testing
@testable import TrainingCore

/// Bad specs fail before anything runs, with one line naming the file and the line, layer or column.
final class RunSpecTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fitwatch-spec-tests-\(UUID().uuidString)")

    deinit { try? FileManager.default.removeItem(at: directory) }

    func write(_ name: String, _ text: String) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func spec(csv: String = "data.csv", targets: String = "[\"y\"]", layers: String, compile: String = "loss = \"mse\"") -> String {
        """
        [data]
        csv = "\(csv)"
        targets = \(targets)

        [model]
        \(layers)

        [compile]
        \(compile)

        [fit]
        epochs = 2
        """
    }

    let dense = """
    [[model.layers]]
    type = "Dense"
    units = 1
    """

    func error(_ spec: String, csv: String = "a,b,y\n1,2,3\n4,5,6\n") throws -> String {
        _ = try write("data.csv", csv)
        let url = try write("bad.toml", spec)
        do {
            _ = try TrainingSession(contentsOf: url)
            Issue.record("expected an error")
            return ""
        } catch let error as SpecError {
            #expect(!error.description.contains("\n"), "one line")
            return error.description
        }
    }

    @Test func unknownLayerTypeNamesTheLine() throws {
        let message = try error(spec(layers: "\(dense)\n[[model.layers]]\ntype = \"Conv2D\"\nfilters = 3"))
        #expect(message == "bad.toml line 9 (layer 2): unknown layer type 'Conv2D' (known: Input, Dense, Activation, Dropout, Concatenate, Add)")
    }

    @Test func unknownLossNamesTheKey() throws {
        let message = try error(spec(layers: dense, compile: "loss = \"mean_cubed_error\""))
        #expect(message == "bad.toml line 11: compile.loss names an unknown loss 'mean_cubed_error'")
    }

    @Test func missingColumnListsTheColumns() throws {
        let message = try error(spec(targets: "[\"price\"]", layers: dense))
        #expect(message == "bad.toml: data.csv: no column 'price' (columns: a, b, y)")
    }

    @Test func nonNumericCellNamesLineAndColumn() throws {
        let message = try error(spec(layers: dense), csv: "a,b,y\n1,2,3\n4,five,6\n")
        #expect(message == "data.csv line 3, column 'b': 'five' is not a number")
    }

    @Test func emptyDataIsRefused() throws {
        let message = try error(spec(layers: dense), csv: "a,b,y\n")
        #expect(message == "data.csv: no data rows after the header")
    }

    @Test func outputShapeMismatchExplainsTheFix() throws {
        let layers = "[[model.layers]]\ntype = \"Dense\"\nunits = 3\nactivation = \"softmax\""
        let message = try error(spec(layers: layers, compile: "loss = \"categorical_crossentropy\""))
        #expect(message.hasPrefix("bad.toml: output 'dense' has 3 units and loss categorical_crossentropy, so it needs 3 target columns; got 1 (y)"))
        #expect(message.contains("one_hot"))
    }

    @Test func dropoutRateAboveOneIsRejectedAsKeras3Does() throws {
        let layers = "\(dense)\n[[model.layers]]\ntype = \"Dropout\"\nrate = 1.5"
        let message = try error(spec(layers: layers))
        #expect(message == "bad.toml line 9 (layer 2): Dropout rate must be between 0 and 1 (Keras 3 rejects it), got 1.5")
    }

    @Test func unknownInputLayerIsNamed() throws {
        let layers = "\(dense)\n[[model.layers]]\ntype = \"Dense\"\nname = \"head\"\nunits = 1\ninputs = [\"B\"]"
        let message = try error(spec(layers: layers))
        #expect(message == "bad.toml: layer 'head' (line 9): input 'B' is not a layer defined before it")
    }

    @Test func misspelledKeyIsRejectedRatherThanIgnored() throws {
        let message = try error(spec(layers: dense).replacingOccurrences(of: "epochs = 2", with: "epoch = 2"))
        #expect(message == "bad.toml line 14: unknown key 'epoch' in [fit] (known: batch_size, epochs, validation_split, shuffle, seed)")
    }

    @Test func tomlSyntaxErrorNamesTheLine() throws {
        let message = try error("[data]\ncsv = \"data.csv\nx = 1\n")
        #expect(message.hasPrefix("bad.toml line 2:"))
    }

    @Test func everyBundledSpecLoads() throws {
        #expect(DemoCatalog.names.count == 9)
        for name in DemoCatalog.names {
            let session = try TrainingSession(contentsOf: DemoCatalog.spec(named: name)!)
            #expect(session.x.rows > 0, "\(name)")
        }
    }

    /// demo-data/ (what users see and edit) and the bundled copy the binary carries must not drift.
    @Test func bundledDemoDataEqualsTheRepositoryCopy() throws {
        let repo = Fixtures.packageRoot.appendingPathComponent("demo-data")
        let bundled = try #require(DemoCatalog.directory)
        let files = try FileManager.default.contentsOfDirectory(atPath: repo.path).sorted()
        #expect(try FileManager.default.contentsOfDirectory(atPath: bundled.path).sorted() == files)
        for file in files {
            let a = try Data(contentsOf: repo.appendingPathComponent(file))
            let b = try Data(contentsOf: bundled.appendingPathComponent(file))
            #expect(a == b, "\(file) differs between demo-data/ and Sources/TrainingCore/DemoData/")
        }
    }
}
