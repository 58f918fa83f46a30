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
        let expected = settledEpochs(read(bytes, chunks: [bytes]))
        #expect(!expected.isEmpty)
        for seed in UInt64(1)...3 {
            let noisy = Self.injectGarbage(into: bytes, seed: seed)
            let maxChunk = [1, 7, 4096][Int(seed - 1)]
            let chunks = randomChunks(noisy, maxChunk: maxChunk, seed: seed)
            let epochs = settledEpochs(read(noisy, chunks: chunks))
            #expect(epochs == expected, "\(name), seed \(seed), chunks up to \(maxChunk) bytes")
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
