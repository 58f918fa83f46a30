import Foundation
import Testing
import TestSupport
import TrainingLog

/// Whatever the chunking and whatever noise lands between lines, the reader settles on the
/// same epochs: feeds tail files and pipes in arbitrary pieces, and stderr shares the stream.
@Suite struct ChunkingPropertyTests {
    /// Every Keras log fixture (both captures, all flavours).
    static let logs: [String] = {
        let directory = Fixtures.url("keras-logs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".log") && !$0.contains("stderr") }.sorted()
    }()

    /// Lines a real log may carry between Keras's lines: absl chatter, CUDA noise, user prints,
    /// escape sequences, multi-byte UTF-8, a bare counter without a bar.
    static let garbage: [String] = [
        "I0000 00:00:1795975628.296597    6843 cuda_executor.cc:1001] could not open file",
        "E0000 00:00:1795975628.296597 node_def_util.cc:682] NodeDef mentions attribute use_unbounded_threadpool",
        "lAllocator: After 14014 get requests, put_count=14032 evicted_count=1000",
        "\u{1B}[31mred text\u{1B}[0m — ünïcödé ━━━ 12/",
        "step 12/34 done",
        "loss: not a number - acc: ?",
        "2026-11-29 18:48:00.123 [info] checkpoint 3/7 written",
        "",
    ]

    @Test(arguments: logs)
    func sameEpochsForAnyChunkingWithGarbageBetweenLines(name: String) throws {
        let bytes = [UInt8](try Fixtures.data("keras-logs/\(name)"))
        let whole = read(bytes, chunks: [bytes])
        let expected = settledEpochs(whole)
        let flavours = RunSegment.segments(from: whole).map(\.flavour)
        #expect(!expected.isEmpty)
        for seed in UInt64(1)...3 {
            let noisy = Self.injectGarbage(into: bytes, seed: seed)
            let maxChunk = [1, 7, 4096][Int(seed - 1)]
            let chunks = randomChunks(noisy, maxChunk: maxChunk, seed: seed)
            let events = read(noisy, chunks: chunks)
            #expect(settledEpochs(events) == expected, "\(name), seed \(seed), chunks up to \(maxChunk) bytes")
            // The Keras each run names does not depend on chunking or noise either.
            #expect(RunSegment.segments(from: events).map(\.flavour) == flavours, "\(name), seed \(seed)")
        }
    }

    private func read(_ bytes: [UInt8], chunks: [[UInt8]]) -> [TrainingEvent] {
        var reader = AutoReader()
        var events: [TrainingEvent] = []
        for chunk in chunks { events += reader.feed(chunk) }
        return events + reader.finish()
    }

    /// Inserts a garbage line after roughly one newline in three.
    static func injectGarbage(into bytes: [UInt8], seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(byte)
            if byte == 10, Int.random(in: 0..<3, using: &generator) == 0 {
                out += Array(garbage[Int.random(in: 0..<garbage.count, using: &generator)].utf8)
                out.append(10)
            }
        }
        return out
    }
}

/// The reader's fast paths (Keras 3 updates read with their colours in place, tf-keras
/// in-epoch updates read without the general token loop) must give exactly the events of the
/// general parser, on every real log and on logs with bytes mutated at random.
@Suite struct FastPathEquivalenceTests {
    private func read(_ bytes: [UInt8], fastPaths: Bool, chunk: Int) -> [TrainingEvent] {
        var reader = KerasLogReader(fastPaths: fastPaths)
        var events: [TrainingEvent] = []
        for start in stride(from: 0, to: bytes.count, by: chunk) {
            events += reader.feed(bytes[start..<min(start + chunk, bytes.count)])
        }
        return events + reader.finish()
    }

    private func firstDifference(_ a: [TrainingEvent], _ b: [TrainingEvent]) -> String? {
        if let index = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            return "event \(index): \(a[index]) vs \(b[index])"
        }
        return a.count == b.count ? nil : "\(a.count) vs \(b.count) events"
    }

    @Test(arguments: ChunkingPropertyTests.logs)
    func fastPathsReadEveryLogAsTheGeneralParserDoes(name: String) throws {
        let bytes = [UInt8](try Fixtures.data("keras-logs/\(name)"))
        let noisy = ChunkingPropertyTests.injectGarbage(into: bytes, seed: 7)
        for (input, chunk) in [(bytes, bytes.count + 1), (noisy, 4096), (bytes, 61)] {
            let general = read(input, fastPaths: false, chunk: chunk)
            let fast = read(input, fastPaths: true, chunk: chunk)
            #expect(firstDifference(fast, general) == nil, "\(name), reads of \(chunk) bytes")
        }
    }

    /// Updates of both flavours with any one byte changed to any of the bytes that steer the
    /// parsers (digits, separators, brackets, colons, escapes, bar cells, units, signs): where
    /// a fast path accepts the result it must agree with the general parser, and where it
    /// declines, the general parser decides. (This found a Keras 3 time glued to the next word
    /// by a missing space, which the colour-aware path had read as two words.)
    @Test func everySingleByteChangeReadsTheSameEitherWay() {
        let tfKeras = Array(" 123/1000 [==>...........................] - ETA: 1:36 - loss: 0.6931 - accuracy: 0.5000".utf8)
        let keras3 = Array("\u{1B}[1m 123/1000\u{1B}[0m \u{1B}[32m━━\u{1B}[0m\u{1B}[37m━━━━━━━━━━━━━━━━━━\u{1B}[0m \u{1B}[1m36s\u{1B}[0m 12ms/step - accuracy: 0.5000 - loss: 0.6931".utf8)
        let replacements = Array("0159 -:.[]/+eEmsunaifAtz\u{1B}\t".utf8) + [0xE2, 0x94, 0x81, 0xC2, 0xB5, 0x7F]
        var mismatches: [String] = []
        for template in [tfKeras, keras3] {
            for position in template.indices {
                for replacement in replacements where replacement != template[position] {
                    var update = template
                    update[position] = replacement
                    // The unchanged update first, so the changed one follows the names it printed.
                    let stream = Array("Epoch 1/3\n".utf8) + [13] + template + [8, 8, 13] + update + [8, 8, 13] + template + [10]
                    let general = read(stream, fastPaths: false, chunk: stream.count + 1)
                    let fast = read(stream, fastPaths: true, chunk: stream.count + 1)
                    if let difference = firstDifference(fast, general) {
                        mismatches.append("\(String(decoding: update, as: UTF8.self).debugDescription): \(difference)")
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3))")
    }
}
