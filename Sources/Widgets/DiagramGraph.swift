/// What a `GraphDiagram` draws, every text already written: boxes joined by the names of
/// their inbound boxes, sink nodes hanging under a box (the monitor makes one per loss, under
/// its output), and an optional total node every sink feeds. The widget lays it out and draws
/// it; what the boxes mean is the caller's business.
public struct DiagramGraph: Sendable, Equatable {
    /// A box of the graph.
    public struct Box: Sendable, Equatable {
        /// The first (bold) line, and what `inbound` and `Sink.source` refer to.
        public var name: String
        /// The lines under the name (a full box shows two), and the compact list's columns
        /// after the name.
        public var details: [String]
        /// The names of the boxes it takes input from, in order.
        public var inbound: [String]
        /// Drawn (with its incoming edges from lit boxes) in `highlight_path`.
        public var highlighted: Bool

        public init(name: String, details: [String], inbound: [String] = [], highlighted: Bool = false) {
            self.name = name
            self.details = details
            self.inbound = inbound
            self.highlighted = highlighted
        }
    }

    /// A node under every box, fed by `source`.
    public struct Sink: Sendable, Equatable {
        /// The box feeding it (nil or unknown: no edge into it).
        public var source: String?
        /// The full box's lines (three shown).
        public var lines: [String]
        /// The one-line box's text, in order of preference: the first that fits is drawn,
        /// the last when none does.
        public var oneLine: [String]
        /// Its line in the compact list.
        public var compact: String
        /// Drawn in `highlight_path` (its edge into the total too, when that is lit).
        public var highlighted: Bool

        public init(source: String?, lines: [String], oneLine: [String], compact: String, highlighted: Bool = false) {
            self.source = source
            self.lines = lines
            self.oneLine = oneLine
            self.compact = compact
            self.highlighted = highlighted
        }
    }

    /// The node under every sink.
    public struct Total: Sendable, Equatable {
        /// The full box's lines (three shown).
        public var lines: [String]
        /// The one-line box's text.
        public var oneLine: String
        /// Its line in the compact list.
        public var compact: String
        /// Drawn in `highlight_path`.
        public var highlighted: Bool

        public init(lines: [String], oneLine: String, compact: String, highlighted: Bool = false) {
            self.lines = lines
            self.oneLine = oneLine
            self.compact = compact
            self.highlighted = highlighted
        }
    }

    /// The boxes, in the order the layout starts from (ties keep it).
    public var boxes: [Box]
    /// The sinks, left to right before ordering.
    public var sinks: [Sink]
    /// The total node, if any.
    public var total: Total?

    public init(boxes: [Box], sinks: [Sink] = [], total: Total? = nil) {
        self.boxes = boxes
        self.sinks = sinks
        self.total = total
    }
}
