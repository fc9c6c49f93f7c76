import BatonEngine
import BatonManifest
import BatonStore
import Foundation

extension Operations {
    /// The store's change count (`StateStore.changeCount()`): an answer read while it stands
    /// still is still the answer.
    public func changeCount() async throws(OperationError) -> Int64 {
        try await stored { () async throws(StoreError) in try await store.changeCount() }
    }

    /// A page of runs, newest first, filtered by pipeline, state and trigger; the next page
    /// starts at `nextCursor`.
    public func runs(_ request: RunsRequest) async throws(OperationError) -> RunPage {
        let limit = try Self.checked(request.limit, "limit", in: 1...1_000)
        let before = try request.cursor.map { (cursor) throws(OperationError) in try RunCursor.id(cursor) }
        let query = RunQuery(pipeline: request.pipeline, states: request.states, trigger: request.trigger, beforeID: before, limit: limit + 1)
        var records = try await stored { () async throws(StoreError) in try await store.runs(query) }
        let more = records.count > limit
        if more { records.removeLast(records.count - limit) }
        var runs: [RunSummary] = []
        runs.reserveCapacity(records.count)
        for record in records {
            let attempts = request.withAttempts ? try await attempts(of: record) : nil
            runs.append(RunSummary(record, attempts: attempts))
        }
        return RunPage(runs: runs, nextCursor: more ? records.last?.id.map { RunCursor.make(before: $0) } : nil)
    }

    /// One run with its attempts and the graph of its tasks.
    public func run(_ id: Int64) async throws(OperationError) -> RunDetail {
        let record = try await existingRun(id)
        let attempts = try await attempts(of: record)
        var version: PipelineVersion?
        if let versionID = record.versionID {
            version = try await stored { () async throws(StoreError) in try await store.version(id: versionID) }
        }
        let model = version.flatMap(models.model(of:))
        var nodes = model.map(Self.nodes) ?? []
        // A file run (or a version that no longer reads): the tasks its attempts name.
        for attempt in attempts where !nodes.contains(where: { $0.id == attempt.taskID }) {
            nodes.append(TaskNode(id: attempt.taskID, needs: [], when: "success", kind: "run", description: nil))
        }
        let tasks = nodes.map { node in
            let mine = attempts.filter { $0.taskID == node.id }
            let last = mine.max { $0.attempt < $1.attempt }
            return RunTask(task: node, state: last?.state ?? .pending, attempts: mine.map(\.attempt).max() ?? 0)
        }
        return RunDetail(
            run: RunSummary(record, attempts: attempts),
            version: version.map { VersionBrief(id: $0.id ?? 0, number: $0.number, commit: $0.commit.id, revisionCommit: $0.revisionCommit) },
            tasks: tasks)
    }

    /// A run with the attempts of one task (or all) and one attempt number (or all):
    /// `unknown-task` when the run has no such task.
    public func runAttempts(_ id: Int64, task: String? = nil, attempt: Int? = nil) async throws(OperationError) -> RunSummary {
        let record = try await existingRun(id)
        var attempts = try await attempts(of: record)
        if let task {
            attempts = attempts.filter { $0.taskID == task }
            if attempts.isEmpty { throw OperationError(.unknownTask, "run \(id) has no task \"\(task)\"") }
        }
        if let attempt { attempts = attempts.filter { $0.attempt == attempt } }
        return RunSummary(record, attempts: attempts)
    }

    func attempts(of run: RunRecord) async throws(OperationError) -> [TaskAttemptRecord] {
        guard let id = run.id else { return [] }
        return try await stored { () async throws(StoreError) in try await store.attempts(ofRun: id) }
    }
}
