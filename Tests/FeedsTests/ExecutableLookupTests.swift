import Foundation
import Testing
import TestSupport

/// The ssh and terminal tests find their tools as a shell would; a tool missing from one
/// machine's fixed path used to skip those tests silently, or run the wrong binary.
@Suite struct ExecutableLookupTests {
    @Test func aToolIsFoundOnPathThenInTheSbinBesideAPathFolderThenNamedByItsVariable() throws {
        let root = TemporaryDirectory("fitwatch-which")
        defer { root.remove() }
        let fm = FileManager.default
        for folder in ["usr/bin", "usr/sbin", "opt"] {
            try fm.createDirectory(atPath: root.file(folder), withIntermediateDirectories: true)
        }
        for path in ["usr/bin/tmux", "usr/sbin/sshd", "opt/sshd", "usr/bin/notes.txt"] {
            _ = fm.createFile(atPath: root.file(path), contents: Data("#!/bin/sh\n".utf8),
                          attributes: [.posixPermissions: path.hasSuffix(".txt") ? 0o644 : 0o755])
        }
        let environment = ["PATH": "relative/bin:" + root.file("usr/bin")]
        #expect(Executable.find("tmux", environment: environment) == root.file("usr/bin/tmux"))
        #expect(Executable.find("sshd", environment: environment) == root.file("usr/sbin/sshd"))
        #expect(Executable.find("notes.txt", environment: environment) == nil, "not executable")
        #expect(Executable.find("ssh", environment: environment) == nil)
        var named = environment
        named["FITWATCH_SSHD"] = root.file("opt/sshd")
        #expect(Executable.find("sshd", variable: "FITWATCH_SSHD", environment: named) == root.file("opt/sshd"))
        named["FITWATCH_SSHD"] = root.file("opt/missing")
        #expect(Executable.find("sshd", variable: "FITWATCH_SSHD", environment: named) == nil, "a variable naming nothing finds nothing")
    }
}
