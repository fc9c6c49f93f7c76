import Foundation
import Testing
@testable import BatonDashboard

@Suite struct DAGLayoutTests {
    typealias Tasks = [(id: String, needs: [String])]

    /// The properties every layout must have, whatever the graph.
    func checkInvariants(_ tasks: Tasks, _ layout: DAGLayout, sourceLocation: SourceLocation = #_sourceLocation) {
        let ids = Set(tasks.map(\.id))
        #expect(layout.nodes.count == ids.count, "one node per task", sourceLocation: sourceLocation)
        #expect(Set(layout.nodes.map(\.id)) == ids, sourceLocation: sourceLocation)
        let layerOf = Dictionary(uniqueKeysWithValues: layout.nodes.map { ($0.id, $0.layer) })
        let edgeCount = tasks.reduce(0) { $0 + Set($1.needs).filter(ids.contains).count }
        #expect(layout.edges.count == edgeCount, "one edge per dependency", sourceLocation: sourceLocation)
        for edge in layout.edges {
            #expect(layerOf[edge.from]! < layerOf[edge.to]!, "\(edge.from) → \(edge.to) goes to a later layer", sourceLocation: sourceLocation)
            // The path leaves the dependency's right side and reaches the dependent's left side.
            let from = layout.nodes.first { $0.id == edge.from }!, to = layout.nodes.first { $0.id == edge.to }!
            #expect(edge.points.first == DAGLayout.Point(x: from.x + layout.metrics.nodeWidth, y: from.y + layout.metrics.nodeHeight / 2), sourceLocation: sourceLocation)
            #expect(edge.points.last == DAGLayout.Point(x: to.x, y: to.y + layout.metrics.nodeHeight / 2), sourceLocation: sourceLocation)
        }
        let m = layout.metrics
        for (i, a) in layout.nodes.enumerated() {
            #expect(a.x >= 0 && a.y >= 0 && a.x + m.nodeWidth <= layout.width && a.y + m.nodeHeight <= layout.height, "\(a.id) inside the drawing", sourceLocation: sourceLocation)
            for b in layout.nodes[(i + 1)...] {
                let apart = a.x + m.nodeWidth <= b.x || b.x + m.nodeWidth <= a.x || a.y + m.nodeHeight <= b.y || b.y + m.nodeHeight <= a.y
                #expect(apart, "\(a.id) and \(b.id) overlap", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func diamondHasThreeLayersAndNoCrossings() {
        let tasks: Tasks = [("a", []), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"])]
        let layout = DAGLayout(tasks: tasks)
        checkInvariants(tasks, layout)
        let layer = Dictionary(uniqueKeysWithValues: layout.nodes.map { ($0.id, $0.layer) })
        #expect(layer == ["a": 0, "b": 1, "c": 1, "d": 2])
        #expect(layout.layerCount == 3)
        #expect(layout.crossings == 0)
        // The join sits between its two inputs, pulled by both.
        let y = Dictionary(uniqueKeysWithValues: layout.nodes.map { ($0.id, $0.y) })
        #expect(min(y["b"]!, y["c"]!) < y["d"]! && y["d"]! < max(y["b"]!, y["c"]!))
    }

    @Test func wideFanOutStacksOneLayer() {
        let tasks: Tasks = [("root", [])] + (0..<50).map { ("leaf-\($0)", ["root"]) } + [("join", (0..<50).map { "leaf-\($0)" })]
        let layout = DAGLayout(tasks: tasks)
        checkInvariants(tasks, layout)
        #expect(layout.layerCount == 3)
        #expect(layout.nodes.filter { $0.layer == 1 }.count == 50)
        #expect(layout.crossings == 0)
    }

    @Test func longestPathLayeringRoutesSkippingEdgesThroughEveryLayer() {
        // a → b → c → d, and a → d skips two layers: it must bend through both.
        let tasks: Tasks = [("a", []), ("b", ["a"]), ("c", ["b"]), ("d", ["c", "a"])]
        let layout = DAGLayout(tasks: tasks)
        checkInvariants(tasks, layout)
        #expect(layout.nodes.first { $0.id == "d" }!.layer == 3)
        let long = layout.edges.first { $0.from == "a" && $0.to == "d" }!
        #expect(long.points.count == 2 + 2 * 2)
        // Where it passes layers 1 and 2 it does not run through b's or c's box.
        for node in layout.nodes where node.id == "b" || node.id == "c" {
            let crossing = long.points.filter { $0.x >= node.x && $0.x <= node.x + layout.metrics.nodeWidth }
            for point in crossing {
                #expect(point.y < node.y || point.y > node.y + layout.metrics.nodeHeight)
            }
        }
    }

    @Test func barycenterSweepsRemoveAvoidableCrossings() {
        // Given order puts x over y, but x feeds the lower and y the upper of the next layer:
        // drawn in input order, the edges cross; two wires that need not cross must not.
        let tasks: Tasks = [("p", []), ("q", []), ("x", ["q"]), ("y", ["p"]), ("z", ["x"]), ("w", ["y"])]
        let unordered = DAGLayout(tasks: tasks, maxSweeps: 0)
        #expect(unordered.crossings == 1)
        let layout = DAGLayout(tasks: tasks)
        checkInvariants(tasks, layout)
        #expect(layout.crossings == 0)
        let order = Dictionary(uniqueKeysWithValues: layout.nodes.map { ($0.id, $0.y) })
        #expect((order["p"]! < order["q"]!) == (order["y"]! < order["x"]!))
    }

    @Test func crossingsOnAKnownBipartiteCaseDropToTheMinimum() {
        // Three parents, three children, a permutation with three inversions in input order;
        // its minimum is 0 and the sweeps must find it.
        let tasks: Tasks = [("a", []), ("b", []), ("c", []), ("x", ["c"]), ("y", ["b"]), ("z", ["a"])]
        #expect(DAGLayout(tasks: tasks, maxSweeps: 0).crossings == 3)
        #expect(DAGLayout(tasks: tasks).crossings == 0)
    }

    @Test func twoHundredTaskGraphLaysOutQuickly() {
        var generator = LinearCongruential(seed: 14)
        var tasks: Tasks = []
        for i in 0..<200 {
            let count = i == 0 ? 0 : Int(generator.next() % 3) + 1
            let needs = (0..<count).map { _ in "t\(Int(generator.next() % UInt64(i)))" }
            tasks.append(("t\(i)", needs))
        }
        let clock = ContinuousClock()
        var layout: DAGLayout?
        let elapsed = clock.measure { layout = DAGLayout(tasks: tasks) }
        checkInvariants(tasks, layout!)
        #expect(elapsed < .seconds(2), "200 tasks took \(elapsed)")
        // Ordering earns its keep on a random graph too.
        #expect(layout!.crossings <= DAGLayout(tasks: tasks, maxSweeps: 0).crossings)
    }

    @Test func unknownNeedsRepeatedIdsAndSelfLoopsAreIgnored() {
        let layout = DAGLayout(tasks: [("a", ["ghost", "a"]), ("b", ["a", "a"]), ("a", ["b"])])
        #expect(layout.nodes.map(\.id).sorted() == ["a", "b"])
        #expect(layout.edges.count == 1)
        #expect(layout.nodes.first { $0.id == "b" }!.layer == 1)
    }

    @Test func aCycleStillLaysOutEveryNode() {
        // Validation forbids cycles, but a drawing must never hang or drop a node on one.
        let layout = DAGLayout(tasks: [("a", ["c"]), ("b", ["a"]), ("c", ["b"]), ("d", [])])
        #expect(layout.nodes.count == 4)
        #expect(layout.edges.count == 3)
    }

    @Test func emptyGraph() {
        let layout = DAGLayout(tasks: [])
        #expect(layout.nodes.isEmpty && layout.edges.isEmpty && layout.crossings == 0)
    }
}

/// A tiny deterministic generator: the graph is the same on every run.
struct LinearCongruential {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
}
