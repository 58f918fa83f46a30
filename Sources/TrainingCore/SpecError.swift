/// A bad run spec, dataset or model: one line naming the file and the line, layer or column.
public struct SpecError: Error, CustomStringConvertible, Equatable {
    /// The complete one-line message.
    public var description: String

    /// An error with this message.
    public init(_ description: String) { self.description = description }

    /// The same error prefixed with where it happened (`boston.toml: …`).
    func located(in file: String) -> SpecError {
        description.hasPrefix(file) ? self : SpecError("\(file): \(description)")
    }
}
