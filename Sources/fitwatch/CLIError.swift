import ArgumentParser

/// A fatal error with a one-line message; exits with `code` (2: bad input, by convention).
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var code: Int32
    init(_ message: String, code: Int32 = 2) {
        self.message = message
        self.code = code
    }
    var description: String { message }
}
