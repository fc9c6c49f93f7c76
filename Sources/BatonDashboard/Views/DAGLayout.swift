/// A layered drawing of a task graph (Sugiyama's method, kept small): longest-path layers
/// from the roots, virtual nodes on edges that skip layers, barycenter sweeps to cut
/// crossings, then vertical positions pulled towards neighbours without overlap.
///
/// Layers run left to right (dependencies on the left), as Airflow and Dagster draw them,
/// because pipelines are usually shallow and wide: a wide fan-out becomes a tall column that
/// a phone scrolls, not a strip too wide to read.
struct DAGLayout: Sendable {
    struct Metrics: Sendable {
        var nodeWidth = 168.0
        var nodeHeight = 44.0
        var gapX = 56.0
        var gapY = 16.0
        /// Between two edges passing through the same layer.
        var gapVirtual = 8.0
        var margin = 12.0
    }

    struct Point: Sendable, Hashable {
        var x: Double
        var y: Double
    }

    /// A task's box: `x`, `y` are its top-left corner.
    struct PlacedNode: Sendable, Hashable {
        var id: String
        var layer: Int
        /// Position within its layer, top to bottom, counting edges passing through.
        var order: Int
        var x: Double
        var y: Double
    }

    /// A dependency drawn from `from`'s right side to `to`'s left side, through the points
    /// where it crosses intermediate layers.
    struct PlacedEdge: Sendable, Hashable {
        var from: String
        var to: String
        var points: [Point]
    }

    let metrics: Metrics
    let nodes: [PlacedNode]
    let edges: [PlacedEdge]
    let width: Double
    let height: Double
    let layerCount: Int
    /// Edge crossings between adjacent layers in the chosen order.
    let crossings: Int

    /// Lays out `tasks` (id and the ids it needs). Unknown or repeated needs and repeated ids
    /// are ignored; a cycle (which validation forbids) still lays out, with its back edge
    /// drawn against the flow.
    init(tasks: [(id: String, needs: [String])], metrics: Metrics = Metrics(), maxSweeps: Int = 24) {
        self.metrics = metrics
        var graph = Graph(tasks: tasks)
        graph.assignLayers()
        graph.addVirtualNodes()
        crossings = graph.orderLayers(maxSweeps: maxSweeps)
        graph.assignPositions(metrics: metrics)

        let m = metrics
        func left(_ layer: Int) -> Double { m.margin + Double(layer) * (m.nodeWidth + m.gapX) }
        nodes = (0..<graph.realCount).map { v in
            PlacedNode(id: graph.ids[v], layer: graph.layer[v], order: graph.position[v],
                       x: left(graph.layer[v]), y: graph.center[v] - m.nodeHeight / 2)
        }
        edges = graph.chains.map { chain in
            let u = chain.first!, v = chain.last!
            var points = [Point(x: left(graph.layer[u]) + m.nodeWidth, y: graph.center[u])]
            for d in chain.dropFirst().dropLast() {
                points.append(Point(x: left(graph.layer[d]), y: graph.center[d]))
                points.append(Point(x: left(graph.layer[d]) + m.nodeWidth, y: graph.center[d]))
            }
            points.append(Point(x: left(graph.layer[v]), y: graph.center[v]))
            return PlacedEdge(from: graph.ids[u], to: graph.ids[v], points: points)
        }
        layerCount = graph.layers.count
        width = graph.layers.isEmpty ? 2 * m.margin : left(graph.layers.count - 1) + m.nodeWidth + m.margin
        height = (graph.center.indices.map { graph.center[$0] + graph.halfExtent($0, m) }.max() ?? 0) + m.margin
    }
}

/// The working graph: real nodes `0..<realCount`, virtual nodes after them.
private struct Graph {
    var ids: [String] = []
    var realCount = 0
    /// Real edges as (dependency, dependent), deduplicated, in input order.
    var realEdges: [(Int, Int)] = []
    var layer: [Int] = []
    /// Neighbours in the layer above (left) and below (right), virtual nodes included.
    var up: [[Int]] = []
    var down: [[Int]] = []
    var layers: [[Int]] = []
    var position: [Int] = []
    var center: [Double] = []
    /// Each real edge as the nodes it passes through, from dependency to dependent.
    var chains: [[Int]] = []

    init(tasks: [(id: String, needs: [String])]) {
        var index: [String: Int] = [:]
        var needs: [[String]] = []
        for task in tasks where index[task.id] == nil {
            index[task.id] = ids.count
            ids.append(task.id)
            needs.append(task.needs)
        }
        realCount = ids.count
        var seen = Set<Int>()
        for (v, list) in needs.enumerated() {
            for name in list {
                guard let u = index[name], u != v, seen.insert(u * realCount + v).inserted else { continue }
                realEdges.append((u, v))
            }
        }
    }

    func isVirtual(_ v: Int) -> Bool { v >= realCount }

    func halfExtent(_ v: Int, _ m: DAGLayout.Metrics) -> Double {
        isVirtual(v) ? 0 : m.nodeHeight / 2
    }

    /// Longest path from the roots (Kahn's order), so every edge points to a later layer.
    mutating func assignLayers() {
        var successors = [[Int]](repeating: [], count: realCount)
        var indegree = [Int](repeating: 0, count: realCount)
        for (u, v) in realEdges {
            successors[u].append(v)
            indegree[v] += 1
        }
        layer = [Int](repeating: 0, count: realCount)
        var done = [Bool](repeating: false, count: realCount)
        var queue = (0..<realCount).filter { indegree[$0] == 0 }
        var head = 0
        func drain() {
            while head < queue.count {
                let u = queue[head]
                head += 1
                done[u] = true
                for v in successors[u] where !done[v] {
                    layer[v] = max(layer[v], layer[u] + 1)
                    indegree[v] -= 1
                    if indegree[v] == 0 { queue.append(v) }
                }
            }
        }
        drain()
        // A cycle leaves nodes behind; release them one at a time in input order.
        for v in 0..<realCount where !done[v] {
            indegree[v] = 0
            queue.append(v)
            drain()
        }
    }

    /// Breaks every edge that skips layers into one-layer steps through virtual nodes, so
    /// ordering sees long edges too and they bend around boxes instead of crossing them.
    mutating func addVirtualNodes() {
        up = [[Int]](repeating: [], count: realCount)
        down = [[Int]](repeating: [], count: realCount)
        for (u, v) in realEdges {
            guard layer[v] > layer[u] else {
                chains.append([u, v])  // against the flow: only a cycle does this
                continue
            }
            var chain = [u]
            var previous = u
            for l in (layer[u] + 1)..<layer[v] {
                let d = layer.count
                layer.append(l)
                up.append([previous])
                down.append([])
                down[previous].append(d)
                chain.append(d)
                previous = d
            }
            up[v].append(previous)
            down[previous].append(v)
            chain.append(v)
            chains.append(chain)
        }
        let layerTotal = (layer.max() ?? -1) + 1
        layers = [[Int]](repeating: [], count: layerTotal)
        for v in layer.indices { layers[layer[v]].append(v) }
        position = [Int](repeating: 0, count: layer.count)
        for nodes in layers {
            for (i, v) in nodes.enumerated() { position[v] = i }
        }
    }

    /// Barycenter sweeps, down then up, keeping the best order seen. Returns its crossings.
    mutating func orderLayers(maxSweeps: Int) -> Int {
        guard layers.count > 1 else { return 0 }
        var best = layers
        var bestCrossings = totalCrossings()
        var stale = 0
        for _ in 0..<maxSweeps where bestCrossings > 0 {
            for l in 1..<layers.count { reorder(l, by: up) }
            for l in stride(from: layers.count - 2, through: 0, by: -1) { reorder(l, by: down) }
            let crossings = totalCrossings()
            if crossings < bestCrossings {
                best = layers
                bestCrossings = crossings
                stale = 0
            } else {
                stale += 1
                if stale >= 4 { break }
            }
        }
        layers = best
        for nodes in layers {
            for (i, v) in nodes.enumerated() { position[v] = i }
        }
        return bestCrossings
    }

    /// Sorts one layer by the mean position of each node's neighbours in the adjacent layer,
    /// both measured on 0…1 so layers of different sizes compare; a node without neighbours
    /// keeps its place.
    private mutating func reorder(_ l: Int, by neighbours: [[Int]]) {
        let nodes = layers[l]
        guard nodes.count > 1 else { return }
        let own = Double(max(nodes.count - 1, 1))
        var keyed: [(key: Double, at: Int, node: Int)] = []
        keyed.reserveCapacity(nodes.count)
        for (i, v) in nodes.enumerated() {
            let list = neighbours[v]
            var key = Double(i) / own
            if !list.isEmpty {
                let other = Double(max(layers[layer[list[0]]].count - 1, 1))
                var sum = 0.0
                for w in list { sum += Double(position[w]) / other }
                key = sum / Double(list.count)
            }
            keyed.append((key, i, v))
        }
        keyed.sort { $0.key != $1.key ? $0.key < $1.key : $0.at < $1.at }
        layers[l] = keyed.map(\.node)
        for (i, v) in layers[l].enumerated() { position[v] = i }
    }

    func totalCrossings() -> Int {
        var total = 0
        guard layers.count > 1 else { return 0 }
        for l in 0..<(layers.count - 1) { total += crossings(between: l) }
        return total
    }

    /// Inversions of the lower ends when edges are read in upper-end order, counted with a
    /// Fenwick tree: O(E log V) per layer pair, fast enough for hundreds of tasks.
    private func crossings(between l: Int) -> Int {
        let width = layers[l + 1].count
        var tree = [Int](repeating: 0, count: width + 1)
        var inserted = 0
        var total = 0
        var ends: [Int] = []
        for u in layers[l] {
            ends.removeAll(keepingCapacity: true)
            for v in down[u] { ends.append(position[v]) }
            ends.sort()
            for p in ends {
                var i = p + 1, atMost = 0
                while i > 0 { atMost += tree[i]; i -= i & -i }
                total += inserted - atMost
            }
            for p in ends {
                var i = p + 1
                while i <= width { tree[i] += 1; i += i & -i }
                inserted += 1
            }
        }
        return total
    }

    /// Vertical centres: each layer in turn is pulled to the mean of its neighbours'
    /// centres, keeping its order and the minimum gaps (an isotonic fit, exact and linear).
    mutating func assignPositions(metrics m: DAGLayout.Metrics) {
        center = [Double](repeating: 0, count: layer.count)
        for nodes in layers {
            var y = 0.0
            for (i, v) in nodes.enumerated() {
                if i > 0 { y += separation(nodes[i - 1], v, m) }
                center[v] = y
            }
        }
        for _ in 0..<4 {
            for l in layers.indices.dropFirst() { pull(l, towards: up, m) }
            for l in layers.indices.reversed().dropFirst() { pull(l, towards: down, m) }
        }
        let top = center.indices.map { center[$0] - halfExtent($0, m) }.min() ?? 0
        for v in center.indices { center[v] += m.margin - top }
    }

    private func separation(_ a: Int, _ b: Int, _ m: DAGLayout.Metrics) -> Double {
        if isVirtual(a) && isVirtual(b) { return m.gapVirtual }
        return halfExtent(a, m) + halfExtent(b, m) + m.gapY
    }

    private mutating func pull(_ l: Int, towards neighbours: [[Int]], _ m: DAGLayout.Metrics) {
        let nodes = layers[l]
        guard !nodes.isEmpty else { return }
        // Shift out the required gaps so the constraint becomes "non-decreasing".
        var offset = [Double](repeating: 0, count: nodes.count)
        for i in nodes.indices.dropFirst() {
            offset[i] = offset[i - 1] + separation(nodes[i - 1], nodes[i], m)
        }
        var blocks: [(sum: Double, count: Double)] = []
        for (i, v) in nodes.enumerated() {
            let list = neighbours[v]
            let desired = list.isEmpty ? center[v] : list.reduce(0.0) { $0 + center[$1] } / Double(list.count)
            blocks.append((desired - offset[i], 1))
            while blocks.count > 1,
                  blocks[blocks.count - 2].sum / blocks[blocks.count - 2].count > blocks[blocks.count - 1].sum / blocks[blocks.count - 1].count {
                let last = blocks.removeLast()
                blocks[blocks.count - 1].sum += last.sum
                blocks[blocks.count - 1].count += last.count
            }
        }
        var i = 0
        for block in blocks {
            let value = block.sum / block.count
            for _ in 0..<Int(block.count) {
                center[nodes[i]] = value + offset[i]
                i += 1
            }
        }
    }
}
