/// Checks that need the whole set of tasks: the DAG and the conditions that read it.
extension ManifestDecoder {
    /// Reports needs that name no task, cycles (with their path), and conditions on a
    /// parameter that does not exist or an output no upstream task can write. Called with the
    /// pointer at `/tasks`.
    mutating func checkGraph(_ decoded: DecodedTasks, parameters: [Parameter]) {
        let tasks = decoded.tasks
        let position = TaskIndex(tasks.map(\.id))

        // Edges from a task to each of its needs; unknown needs are reported and dropped.
        var edges = [[(target: Int, needIndex: Int)]](repeating: [], count: tasks.count)
        for (i, task) in tasks.enumerated() {
            let source = decoded.sources[i]
            for (n, need) in task.needs.enumerated() {
                if let target = position(need) {
                    edges[i].append((target, n))
                } else {
                    var message = "task \"\(task.id)\" needs \"\(need)\", but the pipeline has no task with that id"
                    if let suggestion = Suggestion.nearest(to: need, among: tasks.map(\.id)) {
                        message += "; did you mean \"\(suggestion)\"?"
                    }
                    at(index: source.index) { $0.at("needs") { $0.at(index: n) { $0.report(.unknownNeed, message, at: source.needOffsets[n]) } } }
                }
            }
        }

        findCycles(tasks, edges: edges, sources: decoded.sources)

        // Conditions.
        for (i, task) in tasks.enumerated() {
            guard let condition = task.condition, let offset = decoded.sources[i].conditionOffset else { continue }
            let index = decoded.sources[i].index
            switch condition.subject {
            case .parameter(let name):
                guard !parameters.contains(where: { $0.name == name }) else { continue }
                var message = "\"if\" in task \"\(task.id)\" tests parameter \"\(name)\", which the pipeline does not declare"
                if let suggestion = Suggestion.nearest(to: name, among: parameters.map(\.name)) {
                    message += "; did you mean \"\(suggestion)\"?"
                }
                at(index: index) { $0.at("if") { $0.report(.invalidCondition, message, at: offset) } }
            case .output(let upstream, let key):
                let message: String
                if position(upstream) == nil {
                    message = "\"if\" in task \"\(task.id)\" reads output \"\(key)\" of task \"\(upstream)\", which does not exist"
                } else if !ancestors(of: i, edges: edges).contains(position(upstream)!) {
                    message = "\"if\" in task \"\(task.id)\" reads an output of \"\(upstream)\", which is not upstream of it, so the output may not exist yet; add \"\(upstream)\" to \"needs\""
                } else {
                    continue
                }
                at(index: index) { $0.at("if") { $0.report(.invalidCondition, message, at: offset) } }
            }
        }
    }

    /// Every task reachable through needs (the tasks that finish before `task` starts).
    func ancestors(of task: Int, edges: [[(target: Int, needIndex: Int)]]) -> Set<Int> {
        var seen: Set<Int> = []
        var stack = edges[task].map(\.target)
        while let next = stack.popLast() {
            if seen.insert(next).inserted { stack.append(contentsOf: edges[next].map(\.target)) }
        }
        return seen
    }

    /// Depth-first search; each back edge is one cycle, reported at the `needs` entry that
    /// closes it with the whole path (`extract → load → extract`).
    mutating func findCycles(_ tasks: [PipelineTask], edges: [[(target: Int, needIndex: Int)]], sources: [TaskSource]) {
        enum Mark { case unvisited, onStack, done }
        var marks = [Mark](repeating: .unvisited, count: tasks.count)
        for root in tasks.indices where marks[root] == .unvisited {
            // Stack of (node, next edge to explore).
            var stack: [(node: Int, edge: Int)] = [(root, 0)]
            marks[root] = .onStack
            while !stack.isEmpty {
                let (node, edge) = stack[stack.count - 1]
                guard edge < edges[node].count else {
                    marks[node] = .done
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].edge += 1
                let (target, needIndex) = edges[node][edge]
                switch marks[target] {
                case .unvisited:
                    marks[target] = .onStack
                    stack.append((target, 0))
                case .onStack:
                    // A need points at a task that (transitively) needs this one. The path is
                    // written in the order work would flow: target first.
                    let start = stack.firstIndex { $0.node == target }!
                    let loop = stack[start...].map { tasks[$0.node].id }
                    let path = (loop.reversed() + [tasks[node].id]).joined(separator: " → ")
                    let source = sources[node]
                    let message = tasks[node].id == tasks[target].id
                        ? "task \"\(tasks[node].id)\" needs itself"
                        : "tasks form a cycle: \(path); a task cannot wait for its own result"
                    at(index: source.index) { $0.at("needs") { $0.at(index: needIndex) { $0.report(.cycle, message, at: source.needOffsets[needIndex]) } } }
                case .done:
                    break
                }
            }
        }
    }
}
