/// A model file fitwatch could not use: one line naming the file and what is wrong.
public struct ModelFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or `<model config>` for bytes handed over in memory).
    public var file: String
    /// What is wrong, as a clause (`not a Keras model: no "class_name"`).
    public var problem: String

    /// An error about `file`.
    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    /// `model.json: not a Keras model: no "class_name"`.
    public var description: String { "\(file): \(problem)" }
}
