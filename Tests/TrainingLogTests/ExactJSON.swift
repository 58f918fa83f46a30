import Foundation

/// A small JSON reader that keeps every number exactly: Foundation's `JSONSerialization` on
/// Linux rounds some doubles by an ulp, which would make exact History comparisons lie.
/// Objects become `[String: Any]`, arrays `[Any]`, numbers `Double` (or `Int` when integral
/// and written without `.`/`e`), `null` becomes `NSNull`.
enum ExactJSON {
    struct Failure: Error, CustomStringConvertible {
        var offset: Int
        var description: String { "invalid JSON at byte \(offset)" }
    }

    static func parse(_ data: Data) throws -> Any {
        var parser = Parser(bytes: [UInt8](data))
        let value = try parser.value()
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [9, 10, 13, 32].contains(bytes[index]) { index += 1 }
        }

        mutating func value() throws -> Any {
            skipSpace()
            guard index < bytes.count else { throw Failure(offset: index) }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var object: [String: Any] = [:]
                skipSpace()
                if bytes[index] == UInt8(ascii: "}") { index += 1; return object }
                while true {
                    skipSpace()
                    let key = try string()
                    skipSpace()
                    guard bytes[index] == UInt8(ascii: ":") else { throw Failure(offset: index) }
                    index += 1
                    object[key] = try value()
                    skipSpace()
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    guard bytes[index] == UInt8(ascii: "}") else { throw Failure(offset: index) }
                    index += 1
                    return object
                }
            case UInt8(ascii: "["):
                index += 1
                var array: [Any] = []
                skipSpace()
                if bytes[index] == UInt8(ascii: "]") { index += 1; return array }
                while true {
                    array.append(try value())
                    skipSpace()
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    guard bytes[index] == UInt8(ascii: "]") else { throw Failure(offset: index) }
                    index += 1
                    return array
                }
            case UInt8(ascii: "\""):
                return try string()
            case UInt8(ascii: "t"):
                index += 4
                return true
            case UInt8(ascii: "f"):
                index += 5
                return false
            case UInt8(ascii: "n"):
                index += 4
                return NSNull()
            default:
                let start = index
                while index < bytes.count, "+-0123456789.eEINaifnty".utf8.contains(bytes[index]) { index += 1 }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                if !text.contains("."), !text.contains("e"), !text.contains("E"), let integer = Int(text) { return integer }
                guard let number = Double(text) else { throw Failure(offset: start) }
                return number
            }
        }

        mutating func string() throws -> String {
            guard bytes[index] == UInt8(ascii: "\"") else { throw Failure(offset: index) }
            index += 1
            var out: [UInt8] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\") {
                    index += 1
                    switch bytes[index] {
                    case UInt8(ascii: "n"): out.append(10)
                    case UInt8(ascii: "t"): out.append(9)
                    case UInt8(ascii: "r"): out.append(13)
                    case UInt8(ascii: "u"):
                        let hex = String(decoding: bytes[(index + 1)...(index + 4)], as: UTF8.self)
                        let scalar = Unicode.Scalar(UInt32(hex, radix: 16) ?? 63) ?? "?"
                        out.append(contentsOf: Array(String(scalar).utf8))
                        index += 4
                    default: out.append(bytes[index])
                    }
                } else {
                    out.append(bytes[index])
                }
                index += 1
            }
            index += 1
            return String(decoding: out, as: UTF8.self)
        }
    }
}
