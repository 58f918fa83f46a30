import Foundation
import Testing
import KerasModel
import TestSupport

/// Model files the fuzzer found crashing a reader (`Tests/Fixtures/fuzz/model-json`): each is
/// read to a graph or rejected with a one-line error, never a trap.
@Test func fuzzFoundModelFilesAreReadOrRejectedWithOneLine() throws {
    let folder = Fixtures.url("fuzz/model-json")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    #expect(!names.isEmpty)
    for name in names {
        let path = folder.appendingPathComponent(name).path
        do {
            let graph = try ModelFileReader.read(path: path)
            // A graph without readable outputs compiles to no per-output settings.
            #expect(graph.outputs.count <= graph.layers.count + 1, "\(name)")
        } catch {
            #expect(!"\(error)".contains("\n"), "\(name): \(error)")
        }
    }
}
