/// What a non-progress line of a Keras log means: an `Epoch N/M` header, a callback or
/// framework message, the start or end of a traceback, or noise.
enum LogLine: Equatable {
    case epochHeader(epoch: Int, of: Int?)
    case message(CallbackMessage.Kind, epoch: Int?, value: Double?)
    case tracebackStart
    case interrupt
    case noise

    /// Classifies one line (escape sequences already removed, trailing spaces trimmed).
    static func classify(_ text: Substring) -> LogLine {
        if text.hasPrefix("Epoch ") {
            let rest = text.dropFirst(6)
            let digits = rest.prefix(while: \.isASCIIDigit)
            if let epoch = Int(digits) {
                let after = rest.dropFirst(digits.count)
                if after.first == "/" {
                    let totalDigits = after.dropFirst().prefix(while: \.isASCIIDigit)
                    if let total = Int(totalDigits), after.dropFirst(1 + totalDigits.count).allSatisfy({ $0 == " " }) {
                        return .epochHeader(epoch: epoch, of: total)
                    }
                }
                if after.hasPrefix(": ") {
                    return callbackMessage(after.dropFirst(2), epoch: epoch)
                }
            }
        }
        if text.hasPrefix("Restoring model weights from the end of the best epoch") {
            let number = text.reversed().drop { !$0.isASCIIDigit }.prefix(while: \.isASCIIDigit)
            // The epoch it refers to is the best one (as the training core posts it); the value
            // carries it too, for readers of older exports.
            let best = Int(String(number.reversed()))
            return .message(.restoredBestWeights, epoch: best, value: best.map(Double.init))
        }
        if text.hasPrefix("Batch "), text.contains("Invalid loss, terminating training") {
            let digits = text.dropFirst(6).prefix(while: \.isASCIIDigit)
            return .message(.terminatedOnNaN, epoch: nil, value: Double(digits))
        }
        if text.hasPrefix("Traceback (most recent call last)") { return .tracebackStart }
        if text == "^C" || text.hasPrefix("^C") || text == "KeyboardInterrupt" { return .interrupt }
        if isWarning(text) { return .message(.warning, epoch: nil, value: nil) }
        return .noise
    }

    /// `Epoch N: <what a callback printed>`.
    private static func callbackMessage(_ text: Substring, epoch: Int) -> LogLine {
        if text.hasPrefix("early stopping") { return .message(.earlyStopping, epoch: epoch, value: nil) }
        if let marker = String(text).firstRange(of: "reducing learning rate to ") {
            let full = String(text)
            var number = full[marker.upperBound...]
            if number.last == "." { number = number.dropLast() }
            return .message(.learningRateChange, epoch: epoch, value: PrintedNumber.parse(number))
        }
        if text.contains("saving model to") || text.contains("did not improve from")
            || text.contains("improved from") || text.contains("saving model") {
            return .message(.checkpoint, epoch: epoch, value: nil)
        }
        return .noise
    }

    /// Python `warnings` output (`…: UserWarning: …`), TF's Python logger (`WARNING:tensorflow:`),
    /// but not absl's preamble (`WARNING: All log messages before absl::InitializeLog()`).
    private static func isWarning(_ text: Substring) -> Bool {
        if text.hasPrefix("WARNING: All log messages before absl") { return false }
        if text.hasPrefix("WARNING:") { return true }
        // `UserWarning: `, `DeprecationWarning: `, `RuntimeWarning: `, `FutureWarning: `,
        // `SyntaxWarning: `, `ResourceWarning: ` all end in `Warning: `: one byte search, not
        // Foundation's `contains` per marker (UTF-16 copies: 64 KiB lines of noise parsed at
        // 5 MB/s).
        return contains(text, "Warning: ")
    }

    /// `text` holds `needle` (ASCII), by a search over the UTF-8 bytes.
    static func contains(_ text: Substring, _ needle: StaticString) -> Bool {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard let first = pattern.first else { return true }
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count >= pattern.count else { return false }
            var index = 0
            let last = bytes.count - pattern.count
            while index <= last {
                if bytes[index] == first {
                    var matched = 1
                    while matched < pattern.count, bytes[index + matched] == pattern[matched] { matched += 1 }
                    if matched == pattern.count { return true }
                }
                index += 1
            }
            return false
        }
    }

    /// The last line of a traceback: `ValueError: …`, `KeyboardInterrupt`, `jax.errors.X: …`.
    static func isExceptionLine(_ text: Substring) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        let name = text.prefix { $0 != ":" }
        guard !name.contains(" "), name.count < text.count || name.hasSuffix("Interrupt") || name.hasSuffix("Error")
                || name.hasSuffix("Exception") || name.hasSuffix("Exit") else { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
