/// The rules that span manifests through `triggers` and `onFailure`: no loops, known
/// pipelines, and failure handlers that take the parameters they are given.
///
/// Only meaningful over a whole repository; the reconciler reads every manifest whenever a
/// repository uses these links (see `Reconciler.readChanges`).
enum PipelineLinks {
    struct Edge {
        var file: Int
        var link: PipelineLink
        var upstream: String
        var downstream: String
    }

    static func check(_ files: inout [ManifestFile]) {
        var edges: [Edge] = []
        var defined: [String: Int] = [:]
        for (index, file) in files.enumerated() {
            guard let name = file.name else { continue }
            defined[name] = defined[name] ?? index
            for link in file.links {
                let (upstream, downstream) = link.edge(from: name)
                edges.append(Edge(file: index, link: link, upstream: upstream, downstream: downstream))
            }
        }
        guard !edges.isEmpty else { return }
        var touched: Set<Int> = []
        func add(_ diagnostic: Diagnostic, to index: Int, invalidates: Bool) {
            files[index].diagnostics.append(diagnostic)
            if invalidates { files[index].pipeline = nil }
            touched.insert(index)
        }

        for edge in edges where defined[edge.link.target] == nil {
            let what = edge.link.kind == .trigger ? "triggers on" : "runs on failure"
            add(Diagnostic(
                file: files[edge.file].path, line: edge.link.line, column: edge.link.column, pointer: edge.link.pointer, severity: .warning,
                code: .unknownPipeline,
                message: "\(what) pipeline \"\(edge.link.target)\", which no manifest defines; nothing fires until it exists"), to: edge.file, invalidates: false)
        }

        for edge in edges where edge.link.kind == .onFailure {
            guard let handlerIndex = defined[edge.link.target], let handler = files[handlerIndex].pipeline else { continue }
            let declared = Set(handler.parameters.map(\.name))
            let missing = FailureHandler.parameters.filter { !declared.contains($0) }
            let unmet = handler.parameters.filter { $0.required && $0.defaultValue == nil && !FailureHandler.parameters.contains($0.name) }.map(\.name)
            guard !missing.isEmpty || !unmet.isEmpty else { continue }
            var problems: [String] = []
            if !missing.isEmpty { problems.append("declare \(missing.map { "\"\($0)\"" }.joined(separator: ", ")) in its \"parameters\"") }
            if !unmet.isEmpty { problems.append("give a default to its required \(unmet.map { "\"\($0)\"" }.joined(separator: ", "))") }
            add(Diagnostic(
                file: files[edge.file].path, line: edge.link.line, column: edge.link.column, pointer: edge.link.pointer, severity: .error,
                code: .value,
                message: "onFailure runs \"\(edge.link.target)\" (\(files[handlerIndex].path)) with parameters failedRun, failedPipeline and failedReason; it must \(problems.joined(separator: " and "))"), to: edge.file, invalidates: true)
        }

        // A loop: an edge whose downstream leads back to its upstream.
        var next: [String: [String]] = [:]
        for edge in edges { next[edge.upstream, default: []].append(edge.downstream) }
        for edge in edges {
            guard let back = path(from: edge.downstream, to: edge.upstream, next: next) else { continue }
            let loop = ([edge.upstream] + back).joined(separator: " → ")
            add(Diagnostic(
                file: files[edge.file].path, line: edge.link.line, column: edge.link.column, pointer: edge.link.pointer, severity: .error,
                code: .triggerCycle,
                message: "pipelines start each other in a loop: \(loop); each run would start the next without end"), to: edge.file, invalidates: true)
        }
        for index in touched { files[index].diagnostics.sort() }
    }

    /// The shortest chain of pipelines from `start` to `goal` (both included), breadth first.
    static func path(from start: String, to goal: String, next: [String: [String]]) -> [String]? {
        var previous: [String: String] = [:]
        var queue = [start]
        var seen: Set<String> = [start]
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            if node == goal {
                var chain = [node]
                var cursor = node
                while let before = previous[cursor] { chain.append(before); cursor = before }
                return chain.reversed()
            }
            for following in next[node] ?? [] where !seen.contains(following) {
                seen.insert(following)
                previous[following] = node
                queue.append(following)
            }
        }
        return nil
    }
}
