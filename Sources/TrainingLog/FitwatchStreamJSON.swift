import Collections

/// A JSON value as the fitwatch callback stream carries it. Objects keep their key order
/// (metric order is the order Keras logged), numbers keep their exact text so a model
/// config re-serialises byte-for-byte equivalent (`32` stays `32`, not `32.0`).
public enum FitwatchStreamJSON: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// The number exactly as written (`1e-07`, `32`, `-0.5`); also `NaN`/`Infinity` if a
    /// non-conforming writer (Python's default `json.dumps`) produced them.
    case number(String)
    /// A string, escapes decoded.
    case string(String)
    /// An array.
    case array([FitwatchStreamJSON])
    /// An object, members in written order (a repeated key keeps its last value).
    case object(OrderedDictionary<String, FitwatchStreamJSON>)

    /// Parse one complete JSON text (surrounding whitespace allowed); nil when it is not one.
    public static func parse(_ bytes: some Collection<UInt8>) -> FitwatchStreamJSON? {
        var parser = Parser(bytes: Array(bytes))
        return parser.document()
    }

    /// Parse one complete JSON text from a string.
    public static func parse(_ text: String) -> FitwatchStreamJSON? {
        parse(Array(text.utf8))
    }

    /// The member `key` of an object; nil for a missing key or a non-object.
    public subscript(key: String) -> FitwatchStreamJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// A number, or a non-finite float written as a string by the callback
    /// (`"nan"`, `"inf"`, `"-inf"`; also Python's `NaN`, `Infinity`, `-Infinity`).
    public var double: Double? {
        switch self {
        case .number(let text):
            return Double(text) ?? FitwatchStreamJSON.nonFinite(text)
        case .string(let text):
            return FitwatchStreamJSON.nonFinite(text)
        default:
            return nil
        }
    }

    /// An integral number (`4`, `4.0`); nil otherwise.
    public var int: Int? {
        guard case .number(let text) = self else { return nil }
        if let exact = Int(text) { return exact }
        if let value = Double(text), value.rounded() == value, abs(value) < 1e15 { return Int(value) }
        return nil
    }

    /// A string's value.
    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// A boolean's value.
    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// An array's elements.
    public var array: [FitwatchStreamJSON]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// An object's members in written order.
    public var object: OrderedDictionary<String, FitwatchStreamJSON>? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// True for `null`.
    public var isNull: Bool { self == .null }

    /// Compact JSON text for this value (numbers as written, strings escaped).
    public var serialized: String {
        var out = ""
        write(into: &out)
        return out
    }

    private func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .number(let text):
            // NaN/Infinity are not JSON: write them the way the callback does.
            if Double(text) == nil, let value = FitwatchStreamJSON.nonFinite(text) {
                FitwatchStreamJSON.writeString(value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf"), into: &out)
            } else {
                out += text
            }
        case .string(let text): FitwatchStreamJSON.writeString(text, into: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                FitwatchStreamJSON.writeString(member.key, into: &out)
                out += ":"
                member.value.write(into: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ text: String, into out: inout String) {
        out += ExportJSON.string(text)
    }

    private static func nonFinite(_ text: String) -> Double? {
        switch text.lowercased() {
        case "nan", "+nan", "-nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return nil
        }
    }
}

/// A recursive-descent JSON parser over bytes. Depth is capped at 256 so a line of
/// `[[[[…` garbage cannot exhaust the stack; Keras model configs nest about 10 deep.
private struct Parser {
    let bytes: [UInt8]
    var index = 0
    static let maxDepth = 256

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func document() -> FitwatchStreamJSON? {
        skipWhitespace()
        guard let value = value(depth: 0) else { return nil }
        skipWhitespace()
        return index == bytes.count ? value : nil
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) -> FitwatchStreamJSON? {
        guard depth < Parser.maxDepth, index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"): return object(depth: depth)
        case UInt8(ascii: "["): return array(depth: depth)
        case UInt8(ascii: "\""): return string().map(FitwatchStreamJSON.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        case UInt8(ascii: "N"): return literal("NaN", .number("NaN"))
        case UInt8(ascii: "I"): return literal("Infinity", .number("Infinity"))
        default: return number()
        }
    }

    private mutating func literal(_ word: StaticString, _ result: FitwatchStreamJSON) -> FitwatchStreamJSON? {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return nil }
        let matches = word.withUTF8Buffer { expected in bytes[index..<index + count].elementsEqual(expected) }
        guard matches else { return nil }
        index += count
        return result
    }

    private mutating func object(depth: Int) -> FitwatchStreamJSON? {
        index += 1  // {
        var members = OrderedDictionary<String, FitwatchStreamJSON>()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipWhitespace()
            guard let member = value(depth: depth + 1) else { return nil }
            members[key] = member
            skipWhitespace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            return nil
        }
    }

    private mutating func array(depth: Int) -> FitwatchStreamJSON? {
        index += 1  // [
        var items: [FitwatchStreamJSON] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            guard let item = value(depth: depth + 1) else { return nil }
            items.append(item)
            skipWhitespace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            return nil
        }
    }

    private mutating func number() -> FitwatchStreamJSON? {
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "I") {
                guard literal("Infinity", .null) != nil else { return nil }
                return .number("-Infinity")
            }
        }
        guard digits() > 0 else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return nil }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return nil }
        }
        return .number(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    private mutating func digits() -> Int {
        let start = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
        return index - start
    }

    private mutating func string() -> String? {
        index += 1  // opening quote
        // Fast path: most strings (keys, names) hold no escape, so they are one UTF-8 run.
        var end = index
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 {
            end += 1
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            guard let text = String(validating: bytes[index..<end], as: UTF8.self) else { return nil }
            index = end + 1
            return text
        }
        let source = bytes
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flushRun(upTo end: Int) -> Bool {
            guard runStart < end else { return true }
            // Validate UTF-8 of the unescaped run: invalid bytes make the line garbage.
            guard let text = String(validating: source[runStart..<end], as: UTF8.self) else { return false }
            scalars.append(contentsOf: text.unicodeScalars)
            return true
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                guard flushRun(upTo: index) else { return nil }
                index += 1
                return String(scalars)
            }
            if byte < 0x20 { return nil }
            if byte == UInt8(ascii: "\\") {
                guard flushRun(upTo: index) else { return nil }
                index += 1
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    guard let unit = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(unit) {
                        // A high surrogate must be followed by `\uDC00`-`\uDFFF`.
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                              bytes[index + 1] == UInt8(ascii: "u") else { return nil }
                        index += 2
                        guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        let value = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        guard let scalar = Unicode.Scalar(value) else { return nil }
                        scalars.append(scalar)
                    } else {
                        guard let scalar = Unicode.Scalar(unit) else { return nil }
                        scalars.append(scalar)
                    }
                default: return nil
                }
                runStart = index
                continue
            }
            index += 1
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        index += 4
        return value
    }
}
