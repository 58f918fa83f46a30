import Foundation
import Testing
import TestSupport
import TrainingLog
@testable import Feeds

/// A directory followed live shows every run under it (`DiscoveryFeed`); `replay` and
/// `check` of a directory read its newest run (`DirectoryRun`). A TensorBoard run followed
/// live reads every event file of the run as it grows, train and validation.
@Suite struct DirectoryRunFeedTests {
    static let fixture = Fixtures.url("keras-logs/k3_s4_multi_output_functional.tensorboard")

    /// The TFRecord records of a file: 8-byte length, 4-byte CRC, data, 4-byte CRC.
    static func records(_ path: String) throws -> [Data] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var records: [Data] = []
        var offset = 0
        while offset + 12 <= data.count {
            var length = 0
            for index in 0..<8 { length |= Int(data[data.startIndex + offset + index]) << (8 * index) }
            let end = offset + 12 + length + 4
            records.append(data.subdata(in: (data.startIndex + offset)..<(data.startIndex + end)))
            offset = end
        }
        return records
    }

    static func eventFile(in group: String) throws -> String {
        let folder = fixture.appendingPathComponent(group).path
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).first { DirectoryRun.isEventFile($0) })
        return (folder as NSString).appendingPathComponent(name)
    }

    static func write(_ records: ArraySlice<Data>, to path: String) {
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = FileHandle(forWritingAtPath: path)!
        handle.seekToEndOfFile()
        for record in records { handle.write(record) }
        handle.closeFile()
    }

    /// The fixture's run copied in as Keras writes it: the training file opened at the start,
    /// the validation file at the first validation, then each epoch's training scalars followed
    /// by its validation scalars, into `runs/fit/`; the validation folder appears after the
    /// feed found the run.
    @Test func followedTensorBoardRunHasEveryValidationValueAndTheLastEpoch() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let trainSource = try Self.eventFile(in: "train"), validationSource = try Self.eventFile(in: "validation")
        let train = try Self.records(trainSource), validation = try Self.records(validationSource)
        let run = directory.file("fit")
        try FileManager.default.createDirectory(atPath: run + "/train", withIntermediateDirectories: true)
        let trainPath = run + "/train/" + (trainSource as NSString).lastPathComponent
        let validationPath = run + "/validation/" + (validationSource as NSString).lastPathComponent
        // Each file's first record is its file_version event, written when Keras opens it.
        Self.write(train.prefix(1), to: trainPath)

        let feed = DiscoveryFeed(root: directory.path, rescanInterval: 0.1) { AutoReader() }
        let probe = FeedProbe(feed)
        defer { feed.stop() }
        #expect(probe.wait { $0.messages.contains { if case .reading = $0 { return true } else { return false } } })
        try FileManager.default.createDirectory(atPath: run + "/validation", withIntermediateDirectories: true)
        Self.write(validation.prefix(1), to: validationPath)
        // The rest an epoch's worth at a time, validation trailing training.
        let epochs = 20
        let trainPerEpoch = (train.count - 1) / epochs, validationPerEpoch = (validation.count - 1) / epochs
        for epoch in 0..<epochs {
            let trainEnd = epoch == epochs - 1 ? train.count : 1 + trainPerEpoch * (epoch + 1)
            let validationEnd = epoch == epochs - 1 ? validation.count : 1 + validationPerEpoch * (epoch + 1)
            Self.write(train[(1 + trainPerEpoch * epoch)..<trainEnd], to: trainPath)
            Self.write(validation[(1 + validationPerEpoch * epoch)..<validationEnd], to: validationPath)
            usleep(epoch % 5 == 0 ? 150_000 : 20_000)
        }
        let expected = RunSegment.segments(from: try LogLoader.events(at: Self.fixture.path, format: nil)).first?.epochs ?? []
        #expect(expected.count == 20)
        let complete = probe.wait(timeout: 20) { probe in
            var latest: [Int: EpochRecord] = [:]
            for event in probe.events { if case .epochEnded(let record) = event { latest[record.epoch] = record } }
            return latest.count == 20 && (1...20).allSatisfy { latest[$0]?.metrics == expected[$0 - 1].metrics }
        }
        var latest: [Int: EpochRecord] = [:]
        for event in probe.events { if case .epochEnded(let record) = event { latest[record.epoch] = record } }
        #expect(complete, "epochs seen: \(latest.keys.sorted()); epoch 20 has \(latest[20]?.metrics.keys.joined(separator: ", ") ?? "nothing")")
        #expect(latest[20]?.metrics["val_loss"] == expected[19].metrics["val_loss"])
        // An epoch is shown once its validation values are there, not before.
        let early = probe.events.compactMap { event -> EpochRecord? in
            if case .epochEnded(let record) = event, record.metrics["val_loss"] == nil { return record } else { return nil }
        }
        #expect(early.isEmpty, "epochs shown without their validation values: \(early.map(\.epoch))")
        #expect(probe.messages.contains(.reading(feed.id, "fit (TensorBoard: train, validation)")))
    }

    @Test func theNewestRunWinsForLoadingAndFollowingShowsEveryRun() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory.file("tb/train"), withIntermediateDirectories: true)
        try fm.createDirectory(atPath: directory.file("tb/validation"), withIntermediateDirectories: true)
        try fm.copyItem(atPath: try Self.eventFile(in: "train"), toPath: directory.file("tb/train/events.out.tfevents.1.v2"))
        try fm.copyItem(atPath: try Self.eventFile(in: "validation"), toPath: directory.file("tb/validation/events.out.tfevents.2.v2"))
        try fm.createDirectory(atPath: directory.file("logs/a"), withIntermediateDirectories: true)
        append("Epoch 1/1\n1/1 - 0s - loss: 0.5\n", to: directory.file("logs/a/train.log"))
        // Neither a model file nor a hidden file is a run.
        append("{}", to: directory.file("model.json"))
        for (path, age) in [("tb/train/events.out.tfevents.1.v2", -30.0), ("tb/validation/events.out.tfevents.2.v2", -20.0),
                            ("logs/a/train.log", -60.0), ("model.json", 0.0)] {
            try fm.setAttributes([.modificationDate: Date(timeIntervalSinceNow: age)], ofItemAtPath: directory.file(path))
        }
        let run = try #require(DirectoryRun.newest(in: directory.path))
        #expect(run.kind == .tensorBoard)
        #expect(run.path == directory.file("tb"))
        #expect(run.groups.map(\.prefix) == ["", "val_"])
        #expect(LogLoader.resolvedSource(directory.path) == directory.file("tb"))
        #expect(try LogLoader.load(at: directory.path, format: nil).format == .tensorBoard)

        // The log written last wins now, for loading and for following alike.
        try fm.setAttributes([.modificationDate: Date()], ofItemAtPath: directory.file("logs/a/train.log"))
        #expect(DirectoryRun.newest(in: directory.path)?.path == directory.file("logs/a/train.log"))
        #expect(LogLoader.resolvedSource(directory.path) == directory.file("logs/a/train.log"))
        // Followed, both are runs: the log under its path, the TensorBoard run under its folder.
        let feed = DiscoveryFeed(root: directory.path, rescanInterval: 0.1) { AutoReader() }
        let probe = FeedProbe(feed)
        defer { feed.stop() }
        #expect(probe.wait { $0.messages.contains(.reading(SourceID("logs/a/train.log"), "logs/a/train.log"))
            && $0.messages.contains(.reading(SourceID("tb"), "tb (TensorBoard: train, validation)")) })
    }

    @Test func aDirectoryWithNoRunNamesTheRule() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        append("{}", to: directory.file("model.json"))
        #expect(throws: LogLoadError.self) { try LogLoader.load(at: directory.path, format: nil) }
        do {
            _ = try LogLoader.load(at: directory.path, format: nil)
        } catch let error as LogLoadError {
            #expect(error.description.contains("directory holds no log file or TensorBoard run (looked for the newest *.log"))
        }
    }
}
