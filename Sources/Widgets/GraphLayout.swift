/// Where every box and edge of a `GraphDiagram` goes: a layered (Sugiyama-style) layout.
/// Ranks are the longest path from the inputs; edges spanning several ranks pass through
/// one-column dummy nodes; nodes are ordered by the barycentre of their parents, then placed
/// as close as ordering allows to the centre of their parents (pool-adjacent-violators,
/// which makes a parent's children straddle it); each gap between ranks gets one row per
/// group of edges whose horizontal runs would overlap.
struct GraphLayout {
    enum Kind: Equatable {
        /// `DiagramGraph.boxes[index]`.
        case box(Int)
        /// `DiagramGraph.sinks[index]`.
        case sink(Int)
        case total
        case dummy

        var isBox: Bool {
            if case .box = self { return true }
            return false
        }
    }

    struct Node {
        var kind: Kind
        var lines: [String]
        var width: Int
        var rank: Int
        var x = 0
        var highlighted: Bool
        var centre: Int { kind == .dummy ? x : x + width / 2 }
    }

    struct Edge {
        var from: Int
        var to: Int
        var highlighted: Bool
    }

    /// An edge group drawn in one channel row: one source, its targets' columns.
    struct Route {
        var source: Int
        var targets: [Int]
        var row: Int?
    }

    /// Rows of a box: border, its lines of text (three, or one in one-line boxes), border.
    let boxHeight: Int
    /// Columns between neighbouring boxes.
    static let gap = 2
    /// The widest box: 24 columns keeps a Dense layer with its shape readable and
    /// three branches side by side within 80 columns.
    static let maxBoxWidth = 24
    /// The widest one-line box (`out2 Dense sigmoid (None, 1)` is 28 + 4): two
    /// branches side by side still fit in 80 columns.
    static let maxOneLineBoxWidth = 34
    /// The widest sink or total box (a loss): 35 columns hold `sparse_categorical_crossentropy`, the longest
    /// Keras loss name, and two outputs' losses still fit side by side in 80 columns.
    static let maxLossBoxWidth = 35

    var nodes: [Node] = []
    var edges: [Edge] = []
    var ranks: [[Int]] = []
    var rankY: [Int] = []
    /// Per gap below rank r: the routes.
    var routes: [[Route]] = []
    var width = 0
    var height = 0

    init(graph: DiagramGraph, oneLine: Bool, lines: (Kind) -> [String], highlighted: (Kind) -> Bool) {
        boxHeight = oneLine ? 3 : 5
        // Ranks: longest path from a box without known inbound boxes.
        let names = graph.boxes.map(\.name)
        let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var rank = [Int?](repeating: nil, count: names.count)
        func rankOf(_ i: Int, depth: Int) -> Int {
            if let known = rank[i] { return known }
            // A cycle (never in a Keras model) is cut here rather than recursing forever.
            guard depth <= names.count else { return 0 }
            let parents = graph.boxes[i].inbound.compactMap { index[$0] }
            let value = parents.map { rankOf($0, depth: depth + 1) + 1 }.max() ?? 0
            rank[i] = value
            return value
        }
        for i in names.indices { _ = rankOf(i, depth: 0) }

        func addNode(_ kind: Kind, rank: Int) -> Int {
            let text = lines(kind)
            let limit = !kind.isBox ? GraphLayout.maxLossBoxWidth
                : (oneLine ? GraphLayout.maxOneLineBoxWidth : GraphLayout.maxBoxWidth)
            let width = kind == .dummy ? 1 : min(limit, (text.map(\.count).max() ?? 0) + 4)
            nodes.append(Node(kind: kind, lines: text, width: width, rank: rank, highlighted: highlighted(kind)))
            return nodes.count - 1
        }
        for i in names.indices { _ = addNode(.box(i), rank: rank[i] ?? 0) }
        var links: [(Int, Int)] = []
        for (i, box) in graph.boxes.enumerated() {
            for parent in box.inbound { if let p = index[parent], p != i { links.append((p, i)) } }
        }
        let boxRanks = nodes.map(\.rank).max() ?? -1
        var sinkNodes: [Int] = []
        for (s, sink) in graph.sinks.enumerated() {
            let node = addNode(.sink(s), rank: boxRanks + 1)
            sinkNodes.append(node)
            if let source = sink.source, let box = index[source] { links.append((box, node)) }
        }
        if graph.total != nil {
            let total = addNode(.total, rank: boxRanks + 2)
            for sink in sinkNodes { links.append((sink, total)) }
        }

        // Long edges become chains through dummies, one per rank crossed.
        for (from, to) in links {
            let lit = nodes[from].highlighted && nodes[to].highlighted
            var previous = from
            for r in nodes[from].rank + 1..<max(nodes[from].rank + 1, nodes[to].rank) {
                let dummy = addNode(.dummy, rank: r)
                nodes[dummy].highlighted = lit
                edges.append(Edge(from: previous, to: dummy, highlighted: lit))
                previous = dummy
            }
            edges.append(Edge(from: previous, to: to, highlighted: lit))
        }

        parentLists = Array(repeating: [], count: nodes.count)
        childLists = Array(repeating: [], count: nodes.count)
        for edge in edges {
            parentLists[edge.to].append(edge.from)
            childLists[edge.from].append(edge.to)
        }
        let rankCount = (nodes.map(\.rank).max() ?? -1) + 1
        ranks = Array(repeating: [], count: rankCount)
        for (i, node) in nodes.enumerated() { ranks[node.rank].append(i) }
        order()
        place()
        route()
    }

    /// Parents and children of each node, built once the edges are final.
    private var parentLists: [[Int]] = []
    private var childLists: [[Int]] = []

    private func parents(of node: Int) -> [Int] { parentLists[node] }
    private func children(of node: Int) -> [Int] { childLists[node] }

    /// Barycentre ordering: down, up, down; ties keep the previous order (stable sort).
    private mutating func order() {
        guard ranks.count > 1 else { return }
        func sweep(_ rankIndices: [Int], neighbours: (Int) -> [Int], reference: (Int) -> Int) {
            for r in rankIndices {
                var position = [Int: Int]()
                for (i, node) in ranks[reference(r)].enumerated() { position[node] = i }
                let keyed = ranks[r].enumerated().map { (offset, node) -> (Double, Int, Int) in
                    let ps = neighbours(node).compactMap { position[$0] }
                    let key = ps.isEmpty ? Double(offset) : Double(ps.reduce(0, +)) / Double(ps.count)
                    return (key, offset, node)
                }
                ranks[r] = keyed.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
            }
        }
        let down = Array(1..<ranks.count), up = Array((0..<ranks.count - 1).reversed())
        sweep(down, neighbours: parents(of:), reference: { $0 - 1 })
        sweep(up, neighbours: children(of:), reference: { $0 + 1 })
        sweep(down, neighbours: parents(of:), reference: { $0 - 1 })
    }

    /// x positions: top-down, each node under the mean of its parents; then bottom-up, a
    /// node whose children have no other parent moves over their mean, so fan-outs straddle
    /// their parent and chains run straight (only edges into merges bend).
    private mutating func place() {
        for r in ranks.indices {
            var packed = 0
            let desired = ranks[r].map { node -> Double in
                defer { packed += nodes[node].width + GraphLayout.gap }
                let ps = parents(of: node)
                guard r > 0, !ps.isEmpty else { return Double(packed) }
                return centreWish(of: node, over: ps)
            }
            apply(desired, to: r)
        }
        for r in ranks.indices.reversed() {
            let desired = ranks[r].map { node -> Double in
                let cs = children(of: node)
                guard !cs.isEmpty, cs.allSatisfy({ parents(of: $0).count == 1 }) else { return Double(nodes[node].x) }
                return centreWish(of: node, over: cs)
            }
            apply(desired, to: r)
        }
        straighten()
        let minX = nodes.map(\.x).min() ?? 0
        for i in nodes.indices { nodes[i].x -= minX }
        width = nodes.map { $0.x + $0.width }.max() ?? 0
    }

    /// Removes the one- or two-column jogs rounding and packing leave in chains of one-to-one
    /// edges (a parent's only child with no other parent), pushing neighbours aside if needed:
    /// a jog in a chain reads as a branch.
    private mutating func straighten() {
        var slot = [Int](repeating: 0, count: nodes.count)
        for members in ranks { for (i, node) in members.enumerated() { slot[node] = i } }
        var chains: [[Int]] = []
        var chainOf = [Int?](repeating: nil, count: nodes.count)
        for node in nodes.indices {
            let continues = parentLists[node].count == 1 && childLists[parentLists[node][0]].count == 1
            guard !continues else { continue }
            var chain = [node]
            var last = node
            // Bounded by the node count: a cycle (never in a Keras model) must not loop forever.
            while chain.count <= nodes.count, childLists[last].count == 1, parentLists[childLists[last][0]].count == 1 {
                last = childLists[last][0]
                chain.append(last)
            }
            guard chain.count > 1 else { continue }
            for member in chain { chainOf[member] = chains.count }
            chains.append(chain)
        }
        // Every move goes one way, so pushes only ever widen gaps; the budget still bounds the
        // work should chains cross (which barycentre ordering avoids for one-to-one edges).
        var budget = 8 * nodes.count * max(1, nodes.count)
        /// Move `nodes` by `shift`; a neighbour it comes too close to moves along with its whole chain.
        func move(_ group: [Int], by shift: Int) {
            guard shift != 0, budget > 0 else { return }
            budget -= 1
            for node in group { nodes[node].x += shift }
            for node in group {
                let members = ranks[nodes[node].rank], i = slot[node]
                if shift > 0, i + 1 < members.count {
                    let right = members[i + 1]
                    let overlap = nodes[node].x + nodes[node].width + GraphLayout.gap - nodes[right].x
                    if overlap > 0 { move(chainOf[right].map { chains[$0] } ?? [right], by: overlap) }
                } else if shift < 0, i > 0 {
                    let left = members[i - 1]
                    let overlap = nodes[left].x + nodes[left].width + GraphLayout.gap - nodes[node].x
                    if overlap > 0 { move(chainOf[left].map { chains[$0] } ?? [left], by: -overlap) }
                }
            }
        }
        for chain in chains {
            let column = nodes[chain[0]].centre
            for node in chain.dropFirst() where nodes[node].centre != column {
                move([node], by: column - nodes[node].centre)
            }
        }
    }

    /// The left edge that centres `node` over the mean centre of `others`.
    private func centreWish(of node: Int, over others: [Int]) -> Double {
        let centre = Double(others.map { nodes[$0].centre }.reduce(0, +)) / Double(others.count)
        return centre - Double(nodes[node].kind == .dummy ? 0 : nodes[node].width / 2)
    }

    private mutating func apply(_ desired: [Double], to rank: Int) {
        let members = ranks[rank]
        let lefts = GraphLayout.poolAdjacent(desired: desired, widths: members.map { nodes[$0].width }, gap: GraphLayout.gap)
        for (node, left) in zip(members, lefts) { nodes[node].x = left }
    }

    /// Left edges as close as possible (least squares) to `desired`, in order, never closer
    /// than `gap`: clusters of boxes that would overlap are merged and placed at the mean of
    /// their members' wishes.
    static func poolAdjacent(desired: [Double], widths: [Int], gap: Int) -> [Int] {
        struct Cluster { var first: Int; var count: Int; var sum: Double; var span: Int }
        var clusters: [Cluster] = []
        for i in desired.indices {
            var cluster = Cluster(first: i, count: 1, sum: desired[i], span: widths[i])
            while let last = clusters.last {
                let lastLeft = (last.sum / Double(last.count)).rounded()
                let left = (cluster.sum / Double(cluster.count)).rounded()
                guard lastLeft + Double(last.span + gap) > left else { break }
                // Merge: members' wishes expressed as the cluster's left edge.
                let offset = Double(last.span + gap)
                cluster = Cluster(first: last.first, count: last.count + cluster.count,
                                  sum: last.sum + cluster.sum - offset * Double(cluster.count),
                                  span: last.span + gap + cluster.span)
                clusters.removeLast()
            }
            clusters.append(cluster)
        }
        var lefts = [Int](repeating: 0, count: desired.count)
        for cluster in clusters {
            var x = Int((cluster.sum / Double(cluster.count)).rounded())
            for i in cluster.first..<cluster.first + cluster.count {
                lefts[i] = x
                x += widths[i] + gap
            }
        }
        return lefts
    }

    /// Whether two horizontal runs cannot share a row: they come within a column of each
    /// other, unless they only meet end to end at a target both point into (two edges
    /// merging into one box from either side read as `──┬──`).
    static func clash(_ a: ClosedRange<Int>, _ aTargets: Set<Int>, _ b: ClosedRange<Int>, _ bTargets: Set<Int>) -> Bool {
        if a.upperBound == b.lowerBound, aTargets.contains(a.upperBound), bTargets.contains(b.lowerBound) { return false }
        if b.upperBound == a.lowerBound, bTargets.contains(b.upperBound), aTargets.contains(a.lowerBound) { return false }
        return a.lowerBound - 1 <= b.upperBound && b.lowerBound - 1 <= a.upperBound
    }

    /// Channel rows between ranks and each rank's top row.
    private mutating func route() {
        routes = []
        rankY = []
        var y = 0
        for r in ranks.indices {
            rankY.append(y)
            y += boxHeight
            guard r + 1 < ranks.count else { break }
            var groups: [Route] = []
            // Per routing row: the horizontal runs taken, with their targets' columns.
            var occupied: [[(span: ClosedRange<Int>, targets: Set<Int>)]] = []
            for source in ranks[r] {
                let targets = children(of: source).map { nodes[$0].centre }
                guard let lowest = targets.min(), let highest = targets.max() else { continue }
                let px = nodes[source].centre
                var group = Route(source: source, targets: children(of: source), row: nil)
                let span = min(px, lowest)...max(px, highest)
                if span.lowerBound < span.upperBound {
                    let mine = Set(targets)
                    var row = 0
                    while row < occupied.count, occupied[row].contains(where: { GraphLayout.clash(span, mine, $0.span, $0.targets) }) {
                        row += 1
                    }
                    if row == occupied.count { occupied.append([]) }
                    occupied[row].append((span, mine))
                    group.row = row
                }
                groups.append(group)
            }
            routes.append(groups)
            let height = occupied.count + 1
            y += height
        }
        height = y
    }
}
