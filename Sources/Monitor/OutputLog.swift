/// The last lines a source printed (a wrapped command's own output), for the log pane.
/// A ring: appending is O(1) and memory stays bounded however long the command prints.
public struct OutputLog: Sendable, Equatable {
    /// Lines kept per source: 500 is a few screens of scrollback at any terminal height,
    /// and at ~100 bytes a line about 50 KB per source.
    public static let defaultCapacity = 500

    /// The most lines kept.
    public let capacity: Int
    private var storage: [String] = []
    /// Index in `storage` of the oldest line once the ring is full.
    private var head = 0
    /// Lines ever appended (the pane's title shows it).
    public private(set) var total = 0

    /// An empty log keeping at most `capacity` lines.
    public init(capacity: Int = OutputLog.defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    /// Lines kept now.
    public var count: Int { storage.count }

    /// Whether nothing was printed yet.
    public var isEmpty: Bool { storage.isEmpty }

    /// Keep `line`, dropping the oldest line when full. Control characters the feed's line
    /// splitter left (tabs, bells, stray escapes) would move the cursor or garble the pane:
    /// a tab becomes spaces to the next multiple of 8, other controls are dropped.
    public mutating func append(_ line: String) {
        let clean = OutputLog.printable(line)
        total += 1
        if storage.count < capacity {
            storage.append(clean)
        } else {
            storage[head] = clean
            head = (head + 1) % capacity
        }
    }

    /// The newest `n` lines, oldest first.
    public func last(_ n: Int) -> [String] {
        let wanted = min(max(n, 0), storage.count)
        return (storage.count - wanted..<storage.count).map { storage[(head + $0) % storage.count] }
    }

    /// The newest line, if any.
    public var newest: String? { last(1).first }

    /// `line` without control characters, tabs expanded to 8-column stops.
    static func printable(_ line: String) -> String {
        guard line.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f || (0x80...0x9f).contains($0.value) }) else { return line }
        var out = ""
        var column = 0
        for character in line {
            if character == "\t" {
                let spaces = 8 - column % 8
                out += String(repeating: " ", count: spaces)
                column += spaces
            } else if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1,
                      scalar.value < 0x20 || scalar.value == 0x7f || (0x80...0x9f).contains(scalar.value) {
                continue
            } else {
                out.append(character)
                column += 1
            }
        }
        return out
    }
}
