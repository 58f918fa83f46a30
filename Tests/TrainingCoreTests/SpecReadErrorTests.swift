import Foundation
import Testing
import TestSupport
@testable import TrainingCore

/// Bug: `fitwatch train <a directory>` printed "cannot read the run spec (… NSCocoaErrorDomain
/// error 256.)" and a binary file "The file isn't in the correct format": Foundation's wording.
/// The error now names the plain cause.
@Suite struct SpecReadErrorTests {
    func message(_ url: URL) -> String {
        do {
            _ = try RunSpec(contentsOf: url)
            return "no error"
        } catch let error as SpecError {
            return error.description
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func readErrorsNameThePlainCause() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spec-read-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = folder.appendingPathComponent("binary.toml")
        try Data([0xFF, 0xFE, 0x00, 0xC3, 0x28, 0x80]).write(to: binary)
        #expect(message(folder) == "\(folder.path): cannot read the run spec: is a directory")
        #expect(message(binary) == "\(binary.path): cannot read the run spec: not UTF-8 text")
        let missing = folder.appendingPathComponent("missing.toml")
        #expect(message(missing) == "\(missing.path): cannot read the run spec: no such file")
    }
}
