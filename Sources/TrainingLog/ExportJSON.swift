/// The JSON that `fitwatch export` prints and other tools read: a stable contract with a
/// fixed key order.
///
/// ```
/// {"runs": [{"source": "<path>", "format": "keras3", "keras_flavour": "keras3", "epochs": [{"epoch": 1, "of": 100,
///   "steps": 81, "complete": true, "seconds": 1.0, "metrics": {"loss": 4156.0532}}],
///   "events": [{"kind": "early_stopping", "epoch": 12, "text": "..."}], "model": null, "warnings": []}]}
/// ```
/// Non-finite numbers are the strings `"nan"`, `"inf"`, `"-inf"`.
public enum ExportJSON {
    /// One epoch as a compact object: `{"epoch":1,"of":100,"steps":81,"complete":true,"seconds":1.0,"metrics":{…}}`.
    /// Keys with unknown values are written as `null` so every object has the same keys.
    public static func epoch(_ record: EpochRecord) -> String {
        epochFields(record, leading: "")
    }

    /// One epoch for the `--jsonl` stream: `{"source":"…","fit":2,` (the source's `fit` call,
    /// counting from 1) then the fields of `epoch(_:)`.
    public static func epoch(_ record: EpochRecord, source: String, fit: Int) -> String {
        epochFields(record, leading: recordHead(source: source, fit: fit) + ",")
    }

    /// How every `--jsonl` record about one `fit` call begins, without the `{`:
    /// `"source":"train.log","fit":2`.
    public static func recordHead(source: String, fit: Int) -> String {
        "\"source\":\(string(source)),\"fit\":\(fit)"
    }

    private static func epochFields(_ record: EpochRecord, leading: String) -> String {
        var out = "{" + leading
        out += "\"epoch\":\(record.epoch)"
        out += ",\"of\":" + (record.of.map(String.init) ?? "null")
        out += ",\"steps\":" + (record.steps.map(String.init) ?? "null")
        out += ",\"complete\":" + (record.complete ? "true" : "false")
        out += ",\"seconds\":" + (record.seconds.map(number) ?? "null")
        out += ",\"metrics\":" + metrics(record.metrics)
        out += "}"
        return out
    }

    /// `{"loss":0.1,"val_loss":"nan"}` in printed order.
    public static func metrics(_ values: MetricValues) -> String {
        "{" + values.map { "\(string($0.key)):\(number($0.value))" }.joined(separator: ",") + "}"
    }

    /// One entry of a run's `events`: `{"kind":"lr_change","epoch":5,"value":0.0001,"text":"…"}`.
    /// `status`, when given, is the run's status as every surface states it: an input that
    /// ended cleanly after EarlyStopping or TerminateOnNaN ends an `early-stopped` or
    /// `interrupted` run, and its `run_ended` says so rather than `finished`.
    public static func note(_ note: RunSegment.Note, status: String? = nil) -> String {
        switch note {
        case .message(let message):
            var out = "{\"kind\":\(string(message.kind.rawValue)),\"epoch\":" + (message.epoch.map(String.init) ?? "null")
            if let value = message.value { out += ",\"value\":\(number(value))" }
            out += ",\"text\":\(string(message.text))}"
            return out
        case .evaluated(let values):
            return "{\"kind\":\"evaluate\",\"epoch\":null,\"metrics\":\(metrics(values))}"
        case .ended(let end):
            switch end {
            case .finished: return "{\"kind\":\"run_ended\",\"epoch\":null,\"status\":\(string(status ?? "finished"))}"
            case .interrupted(let text):
                return "{\"kind\":\"run_ended\",\"epoch\":null,\"status\":\"interrupted\",\"text\":\(string(text))}"
            case .failed(let text):
                return "{\"kind\":\"run_ended\",\"epoch\":null,\"status\":\"failed\",\"text\":\(string(text))}"
            }
        }
    }

    /// One run object. `model` and `warnings` are pre-encoded JSON (a graph, a list of findings)
    /// supplied by whoever knows them; nil writes `null` and `[]`.
    public static func run(source: String, fit: Int? = nil, segment: RunSegment, model: String? = nil, warnings: String? = nil,
                           status: String? = nil) -> String {
        var out = ""
        write(source: source, fit: fit, segment: segment, epochs: segment.epochs, model: model, warnings: warnings, status: status) { out += $0 }
        return out
    }

    /// `run`'s bytes, handed to `write` piece by piece (an epoch at a time) instead of built
    /// into one string, with the epochs taken from `epochs` (`segment.epochs` is not read):
    /// `export` writes a million epochs without holding their text. `fit`, the source's `fit`
    /// call it is (from 1), follows `source` when given.
    public static func write<Epochs: Sequence<EpochRecord>>(source: String, fit: Int? = nil, segment: RunSegment, epochs: Epochs,
                                                            model: String? = nil, warnings: String? = nil,
                                                            status: String? = nil, to write: (String) -> Void) {
        var out = "{\"source\":\(string(source))"
        if let fit { out += ",\"fit\":\(fit)" }
        out += ",\"format\":\(string(segment.format.rawValue))"
        out += ",\"keras_flavour\":" + (segment.flavour.map { string($0.rawValue) } ?? "null")
        if let status { out += ",\"status\":\(string(status))" }
        out += ",\"epochs_requested\":" + (segment.epochsRequested.map(String.init) ?? "null")
        out += ",\"starts_mid_run\":" + (segment.startsMidRun ? "true" : "false")
        out += ",\"epochs\":["
        write(out)
        var first = true
        for record in epochs {
            write(first ? epoch(record) : "," + epoch(record))
            first = false
        }
        out = "]"
        out += ",\"events\":[" + segment.notes.map { note($0, status: status) }.joined(separator: ",") + "]"
        out += ",\"model\":" + (model ?? "null")
        out += ",\"warnings\":" + (warnings ?? "[]")
        out += "}"
        write(out)
    }

    /// The whole document: `{"runs":[…]}` from already encoded run objects, one per line.
    public static func document(runs: [String]) -> String {
        runs.isEmpty ? "{\"runs\":[]}" : "{\"runs\":[\n" + runs.joined(separator: ",\n") + "\n]}"
    }

    /// A JSON number, or `"nan"` / `"inf"` / `"-inf"`. Finite values use Swift's shortest
    /// round-tripping form, so the printed `4156.0532` stays `4156.0532`.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "\"nan\"" }
        if value.isInfinite { return value > 0 ? "\"inf\"" : "\"-inf\"" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) + ".0" }
        return "\(value)"
    }

    /// A JSON string literal with the escapes RFC 8259 requires.
    public static func string(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
