/// Finds a task's position by id.
///
/// Most pipelines have a handful of tasks, where a linear scan beats hashing and allocates
/// nothing; large ones (up to 500 tasks) get a dictionary so the graph checks stay linear.
struct TaskIndex {
    private let ids: [String]
    private let table: [String: Int]?

    init(_ ids: [String]) {
        self.ids = ids
        if ids.count > 24 {
            var table: [String: Int] = [:]
            for (index, id) in ids.enumerated() where table[id] == nil { table[id] = index }
            self.table = table
        } else {
            self.table = nil
        }
    }

    func callAsFunction(_ id: String) -> Int? {
        if let table { return table[id] }
        return ids.firstIndex { $0.utf8.count == id.utf8.count && $0 == id }
    }
}
