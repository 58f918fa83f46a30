import Foundation
import Testing
import TestSupport
import TrainingLog

/// Batch records to wait for before the SIGKILL: 40 steps an epoch, so 52 lands in epoch 2.
private let batchesBeforeKill = 52

/// Poll `stream` like `tail -F` until it holds `batchesBeforeKill` batch records, then
/// SIGKILL `process`; nil on success, else what went wrong. 120 s bounds start-up (~4 s)
/// plus 52 steps of ~20 ms on a busy machine.
private func watchThenKill(_ process: Process, stream: URL) async -> String? {
    await withCheckedContinuation { continuation in
        let watcher = Thread {
            let deadline = Date().addingTimeInterval(120)
            var batches = 0
            while batches < batchesBeforeKill {
                guard process.isRunning, Date() < deadline else {
                    continuation.resume(returning: "training ended or stalled before \(batchesBeforeKill) batch records (\(batches) seen)")
                    return
                }
                usleep(5_000)
                let text = (try? String(contentsOf: stream, encoding: .utf8)) ?? ""
                batches = text.components(separatedBy: "\"type\":\"batch\"").count - 1
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            continuation.resume(returning: nil)
        }
        watcher.start()
    }
}

/// SIGKILL gives Python no chance to write a footer or finish a line: the stream ends
/// wherever the kernel stopped the process.
@Test(.enabled(if: KerasPython.keras3.isAvailable, Comment(rawValue: KerasPython.keras3.reason)))
func trainingKilledMidEpochStillYieldsEveryCompleteRecord() async throws {
    let python = KerasPython.keras3
    let directory = try KerasPython.temporaryDirectory("killed")
    let stream = directory.appendingPathComponent("killed.fitwatch.jsonl")
    let stderr = directory.appendingPathComponent("stderr.log")
    let process = try python.start(script: "killed.py", arguments: [stream.path], stderr: stderr)
    defer {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    // Watch and kill from a thread of its own: when the whole suite runs, the cooperative
    // pool can be busy for seconds, and the run must still be caught mid-epoch.
    let outcome = await watchThenKill(process, stream: stream)
    if let problem = outcome {
        Issue.record("\(problem): \(KerasPython.tail(of: stderr))")
        return
    }
    #expect(process.terminationReason == .uncaughtSignal)

    let bytes = [UInt8](try Data(contentsOf: stream))
    let completeLines = bytes.split(separator: 10, omittingEmptySubsequences: false).dropLast()
    var reader = FitwatchStreamReader()
    let events = reader.feed(bytes) + reader.finish()
    #expect(!events.contains { if case .runEnded = $0 { return true } else { return false } })
    let progress = events.compactMap { if case .batchProgress(let progress) = $0 { return progress } else { return nil } }
    let records = events.compactMap { if case .epochEnded(let record) = $0 { return record } else { return nil } }
    // Every complete batch line became an update, in order, none lost.
    #expect(progress.count == completeLines.filter { String(decoding: $0, as: UTF8.self).contains("\"type\":\"batch\"") }.count)
    #expect(progress.count >= batchesBeforeKill)
    #expect(records.first?.epoch == 1 && records.first?.complete == true)
    // The running epoch is reported cut off at its last complete step (unless the kill fell
    // in the instant between an epoch's record and the next epoch's first step).
    let lastUpdate = events.lastIndex { if case .batchProgress = $0 { return true } else { return false } } ?? -1
    let lastComplete = events.lastIndex { if case .epochEnded(let record) = $0 { return record.complete } else { return false } } ?? -1
    if lastUpdate > lastComplete {
        let cut = try #require(records.last)
        #expect(cut.complete == false)
        #expect(cut.epoch == progress.last?.epoch)
        #expect(cut.steps == progress.last?.step)
    } else {
        #expect(records.allSatisfy { $0.complete })
    }

    // The same stream torn at every byte of its last record (a kill mid-write): the records
    // before it are read the same, the torn piece is noise, never a crash.
    let body = bytes.last == 10 ? bytes.dropLast() : bytes[...]
    let lastRecordStart = (body.lastIndex(of: 10) ?? -1) + 1
    var intact = FitwatchStreamReader()
    let before = intact.feed(bytes[..<lastRecordStart])
    for cut in lastRecordStart + 1 ..< body.endIndex {
        var torn = FitwatchStreamReader()
        let tornEvents = torn.feed(bytes[..<cut]) + torn.finish()
        #expect(Array(tornEvents.prefix(before.count)) == before)
        #expect(tornEvents.dropFirst(before.count).first == .noise(String(decoding: bytes[lastRecordStart..<cut], as: UTF8.self)))
    }
}
