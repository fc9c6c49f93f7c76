/// The run's task graph as inline SVG.
///
/// DOM hooks the browser tests rely on: `<svg id="dag">`, one `<g class="dag-node"
/// data-task>` per task, one `<path class="dag-edge" data-from data-to>` per dependency.
enum DAGView {
    static func render(_ tasks: [TaskNode]) -> HTML {
        guard !tasks.isEmpty else { return "<p class=\"muted\">This run has no tasks to draw.</p>" }
        let layout = DAGLayout(tasks: tasks.map { ($0.id, $0.needs) })
        let m = layout.metrics
        var stateOf: [String: DashboardState] = [:]
        for task in tasks where stateOf[task.id] == nil { stateOf[task.id] = task.state }

        var edges = HTML.empty
        for edge in layout.edges {
            edges += "<path class=\"dag-edge\" data-from=\"\(edge.from)\" data-to=\"\(edge.to)\" d=\"\(path(edge.points))\" marker-end=\"url(#dag-arrow)\"/>\n"
        }
        var nodes = HTML.empty
        for node in layout.nodes {
            let state = stateOf[node.id] ?? .unknown
            let x = SVG.number(node.x), y = SVG.number(node.y)
            nodes += """
            <g class="dag-node \(state.cssClass)" data-task="\(node.id)" data-state="\(state.rawValue)">\
            <title>\(node.id): \(state.label)</title>\
            <rect x="\(x)" y="\(y)" width="\(SVG.number(m.nodeWidth))" height="\(SVG.number(m.nodeHeight))" rx="6" fill="\(state.colors.light)"/>\
            <text x="\(SVG.number(node.x + 10))" y="\(SVG.number(node.y + 18))">\(SVG.fit(node.id, characters: 21))</text>\
            <text class="sub" x="\(SVG.number(node.x + 10))" y="\(SVG.number(node.y + 34))">\(state.label)</text></g>

            """
        }
        let w = SVG.number(layout.width), h = SVG.number(layout.height)
        let states = Set(tasks.map(\.state))
        return """
        <div class="scroll"><svg id="dag" class="chart" viewBox="0 0 \(w) \(h)" width="\(w)" height="\(h)" role="img" aria-labelledby="dag-title">\
        <title id="dag-title">Task graph: \(tasks.count) tasks, dependencies drawn left to right</title>
        <defs><marker id="dag-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z"/></marker></defs>
        \(edges)\(nodes)</svg></div>
        \(legend(DashboardState.allCases.filter { states.contains($0) }))
        """
    }

    /// Cubic curves with horizontal tangents between successive points: smooth bends that
    /// leave and enter boxes level.
    static func path(_ points: [DAGLayout.Point]) -> String {
        guard let first = points.first else { return "" }
        var d = "M\(SVG.number(first.x)),\(SVG.number(first.y))"
        for (p, q) in zip(points, points.dropFirst()) {
            let mid = (p.x + q.x) / 2
            d += " C\(SVG.number(mid)),\(SVG.number(p.y)) \(SVG.number(mid)),\(SVG.number(q.y)) \(SVG.number(q.x)),\(SVG.number(q.y))"
        }
        return d
    }

    /// The states present, each with its colour and name: the key for colour and the text
    /// equivalent for those who cannot tell the colours apart.
    static func legend(_ states: [DashboardState]) -> HTML {
        guard !states.isEmpty else { return .empty }
        let items = states.map { state -> HTML in
            "<li class=\"\(state.cssClass)\"><span class=\"swatch\" aria-hidden=\"true\"></span>\(state.label)</li>"
        }
        return "<ul class=\"legend\" aria-label=\"Legend\">\(items)</ul>"
    }
}
