/// A key or input event, already decoded by the backend.
public enum InputEvent: Sendable, Equatable {
    case character(Character)
    case up, down, left, right
    case enter, tab, backTab, escape, backspace
    case pageUp, pageDown, home, end
    case resize(Size)
    case mouseWheel(up: Bool, x: Int, y: Int)
    case mouseClick(x: Int, y: Int)
    /// Ctrl-C when the terminal delivers it as a key rather than a signal.
    case interrupt
}

/// What the terminal can show; backends report it, themes degrade to it. `ansi8` is a
/// terminal with only the normal eight ANSI colours (`TERM=xterm`): no bright colours, so
/// grey cannot be told from black.
public enum ColorCapability: Int, Sendable, Comparable {
    case none = 0, ansi8 = 8, ansi16 = 16, palette256 = 256, truecolor = 16_777_216
    public static func < (lhs: ColorCapability, rhs: ColorCapability) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The terminal edge. Only CursesBackend talks to a real terminal; `MemoryBackend` is the
/// test double.
public protocol TerminalBackend: AnyObject {
    var size: Size { get }
    var colorCapability: ColorCapability { get }
    /// Draw the changed cells and refresh once.
    func draw(_ changes: [(x: Int, y: Int, cell: Cell)])
    /// Wait up to `timeout` seconds for input (nil: no wait).
    func readInput(timeout: Double?) -> InputEvent?
    func bell()
    /// A descriptor that is readable when input is waiting, for the loop to poll with its
    /// other sources; -1 when there is none (input is only read between frames).
    var inputDescriptor: Int32 { get }
    /// Forget what is on the screen so the next draw repaints everything (after a resize).
    func invalidate()
}

extension TerminalBackend {
    /// No descriptor: the loop reads input between frames.
    public var inputDescriptor: Int32 { -1 }
    /// Nothing to forget.
    public func invalidate() {}
}

/// A backend that keeps cells in memory: tests render frames into it and read them back.
public final class MemoryBackend: TerminalBackend {
    public private(set) var buffer: Buffer
    public var colorCapability: ColorCapability
    public var queuedInput: [InputEvent] = []
    public private(set) var drawCalls = 0
    public private(set) var cellsDrawn = 0
    public private(set) var bells = 0

    public init(size: Size, colorCapability: ColorCapability = .truecolor) {
        self.buffer = Buffer(size: size)
        self.colorCapability = colorCapability
    }

    public var size: Size { buffer.size }

    public func resize(to size: Size) { buffer = Buffer(size: size) }

    public func draw(_ changes: [(x: Int, y: Int, cell: Cell)]) {
        drawCalls += 1
        cellsDrawn += changes.count
        for change in changes { buffer[change.x, change.y] = change.cell }
    }

    public func readInput(timeout: Double?) -> InputEvent? {
        queuedInput.isEmpty ? nil : queuedInput.removeFirst()
    }

    public func bell() { bells += 1 }
}
