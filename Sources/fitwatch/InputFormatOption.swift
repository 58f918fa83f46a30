import ArgumentParser
import TrainingLog

/// `--input-format`, shared by `check` and `export`.
struct InputFormatOption: ParsableArguments {
    @Option(name: .customLong("input-format"), help: ArgumentHelp(
        "Force the log format instead of detecting it ("
            + LogFormat.userFacing.map(\.rawValue).joined(separator: ", ") + ")."))
    var inputFormat: String?

    /// The forced format, nil to detect it; an unknown name is bad input (one line, exit 2).
    func forced() throws -> LogFormat? {
        guard let inputFormat else { return nil }
        guard let format = LogFormat(userFacing: inputFormat) else {
            throw CLIError("fitwatch: unknown --input-format '\(inputFormat)'; expected one of "
                           + LogFormat.userFacing.map(\.rawValue).joined(separator: ", "))
        }
        return format
    }
}
