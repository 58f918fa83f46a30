/// `fitwatch export --format csv`: the CSVLogger layout (`epoch,<keys sorted>`, 0-based epoch,
/// full-precision values), one header per run, so reading it back gives the same runs.
public enum ExportCSV {
    /// The table for `segments`, each starting with its own header line.
    public static func table(_ segments: [RunSegment]) -> String {
        var out = ""
        for segment in segments { write(epochs: EpochList(segment.epochs)) { out += $0 } }
        return out
    }

    /// One segment's header and rows, handed to `write` a line at a time.
    public static func write(epochs: EpochList, to write: (String) -> Void) {
        let columns = epochs.metricNames.sorted()
        write((["epoch"] + columns).joined(separator: ",") + "\n")
        for record in epochs {
            var cells = [String(record.epoch - 1)]
            for column in columns { cells.append(record.metrics[column].map(value) ?? "") }
            write(cells.joined(separator: ",") + "\n")
        }
    }

    /// Python's `repr` spelling: shortest round-trip digits, `nan`, `inf`, `-inf`.
    public static func value(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number > 0 ? "inf" : "-inf" }
        return "\(number)"
    }
}
