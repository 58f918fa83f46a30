import Foundation
import TrainingLog

/// Reading a callback stream: fitwatch's `FitwatchStreamReader` against Foundation's
/// `JSONSerialization` parsing the same lines (what a straightforward reader would do, and
/// without producing events), on 200,000 batch records of a two-output model.
enum CallbackStreamBenchmark {
    /// 200,000 records (about 40 MB) keep each pass near a second on this machine kind, long
    /// enough that timer noise is below 1 %.
    static let records = 200_000

    static func run() {
        let bytes = stream()
        let megabytes = Double(bytes.count) / 1_048_576

        let baseline = time {
            var parsed = 0
            for line in bytes.split(separator: 10) {
                if (try? JSONSerialization.jsonObject(with: Data(line))) != nil { parsed += 1 }
            }
            precondition(parsed == records + 1)
        }
        let reader = time {
            var reader = FitwatchStreamReader()
            var events = 0
            var start = 0
            // 64 KiB chunks, as a file tail hands them over.
            while start < bytes.count {
                let end = min(bytes.count, start + 65_536)
                events += reader.feed(bytes[start..<end]).count
                start = end
            }
            events += reader.finish().count
            precondition(events >= records)
        }
        print(String(format: "callback-stream: %d records, %.1f MB", records + 1, megabytes))
        print(String(format: "  JSONSerialization (baseline) %7.3f s  %7.1f MB/s", baseline, megabytes / baseline))
        print(String(format: "  FitwatchStreamReader         %7.3f s  %7.1f MB/s  %.2fx the baseline's speed",
                     reader, megabytes / reader, baseline / reader))
    }

    /// A header and `records` batch records shaped like the Keras 3 two-output run's.
    private static func stream() -> [UInt8] {
        var text = #"{"fitwatch":1,"type":"header","time":0,"keras":{"version":"3.15.1","flavour":"keras3","backend":"jax"},"fit":{"epochs":100,"steps":2000}}"#
        text += "\n"
        var generator = SystemRandomNumberGenerator()
        for index in 0..<records {
            let epoch = index / 2000 + 1
            let step = index % 2000 + 1
            let values = (0..<5).map { _ in Double.random(in: 0...10, using: &generator) }
            text += #"{"fitwatch":1,"type":"batch","time":\#(1_795_979_000 + Double(index) * 0.01),"epoch":\#(epoch),"step":\#(step),"steps":2000,"logs":{"loss":\#(values[0]),"out1_loss":\#(values[1]),"out1_mae":\#(values[2]),"out2_accuracy":\#(values[3]),"out2_loss":\#(values[4])}}"#
            text += "\n"
        }
        return Array(text.utf8)
    }

    private static func time(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
