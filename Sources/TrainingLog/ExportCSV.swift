/// `fitwatch export --format csv`: the CSVLogger layout (`epoch,<keys sorted>`, 0-based epoch,
/// full-precision values), one header per run, so reading it back gives the same runs.
public enum ExportCSV {
    /// The table for `segments`, each starting with its own header line.
    public static func table(_ segments: [RunSegment]) -> String {
        var out = ""
        for segment in segments {
            var keys = Set<String>()
            for record in segment.epochs { keys.formUnion(record.metrics.keys) }
            let columns = keys.sorted()
            out += (["epoch"] + columns).joined(separator: ",") + "\n"
            for record in segment.epochs {
                var cells = [String(record.epoch - 1)]
                for column in columns { cells.append(record.metrics[column].map(value) ?? "") }
                out += cells.joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// Python's `repr` spelling: shortest round-trip digits, `nan`, `inf`, `-inf`.
    public static func value(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number > 0 ? "inf" : "-inf" }
        return "\(number)"
    }
}
