import Foundation
import RunModel
import Testing
import TestSupport
import TrainingLog

/// `export` folds a source once: the epochs it writes come from the run model's segments,
/// the notes between them from a `RunSegment.Builder` that keeps no epochs. For every recorded
/// Keras log both must give what the builder alone gave, segment by segment.
@Test func exportsEpochsFromTheRunModelMatchTheSegmentBuildersOnEveryRecordedLog() throws {
    let folder = Fixtures.url("keras-logs")
    let logs = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".log") }.sorted()
    #expect(logs.count > 50)
    for name in logs {
        let events = try LogLoader.events(at: folder.appendingPathComponent(name).path, format: nil)
        let full = RunSegment.segments(from: events)
        var lean = RunSegment.Builder(keepsEpochs: false)
        lean.add(events)
        var run = Run(source: SourceID(name), keepsEverySegment: true)
        run.apply(events)
        run.apply(state: .finished)
        let reports = run.reports()
        #expect(lean.segments.count == full.count, "\(name)")
        #expect(lean.segments.allSatisfy { $0.epochs.isEmpty }, "\(name)")
        // As exported (a NaN in an evaluation is then equal to itself).
        #expect(lean.segments.map { $0.notes.map { ExportJSON.note($0) } } == full.map { $0.notes.map { ExportJSON.note($0) } }, "\(name)")
        guard !full.isEmpty else { continue }
        #expect(reports.count == full.count, "\(name)")
        for (segment, report) in zip(full, reports) {
            let epochs = report.segment.history.epochs
            #expect(epochs.count == segment.epochs.count, "\(name)")
            // Bitwise, so a NaN loss counts as equal to itself.
            let same = zip(epochs, segment.epochs).allSatisfy { kept, built in
                kept.epoch == built.epoch && kept.complete == built.complete && kept.steps == built.steps
                    && Array(kept.metrics.keys) == Array(built.metrics.keys)
                    && zip(kept.metrics.values, built.metrics.values).allSatisfy { $0.bitPattern == $1.bitPattern }
            }
            #expect(same, "\(name)")
            var streamed = ""
            ExportJSON.write(source: name, segment: segment, epochs: epochs) { streamed += $0 }
            #expect(streamed == ExportJSON.run(source: name, segment: segment), "\(name): the streamed JSON differs")
        }
    }
}
