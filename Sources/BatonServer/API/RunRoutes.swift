import BatonOperations
import BatonStore
import Hummingbird

/// The runs: a filtered page with its cursor, one run with its attempts and task graph, and
/// the writes that act on a run (cancel, retry).
struct RunRoutes {
    let environment: ServerEnvironment

    func register(on api: RouterGroup<BatonRequestContext>) {
        let operations = environment.operations
        let pages = RunPageCache()
        api.get("runs") { request, _ in
            let asked = try Self.runsRequest(try APIQuery(request, allowed: ["pipeline", "state", "trigger", "limit", "cursor", "attempts"]))
            let change = try await operation { () async throws(OperationError) in try await operations.changeCount() }
            if let body = pages.body(for: asked, change: change) { return APIResponse.json(body) }
            let body = try APIResponse.encoded(try await operation { () async throws(OperationError) in try await operations.runs(asked) })
            pages.keep(body, for: asked, change: change)
            return APIResponse.json(body)
        }
        api.get("runs/:id") { request, context in
            _ = try APIQuery(request, allowed: [])
            let id = try context.runID()
            return try APIResponse.json(try await operation { () async throws(OperationError) in try await operations.run(id) })
        }
        // 202 while a running run is being stopped (its executor ends it as cancelled); 200
        // when it is over: cancelled at once (it was queued) or already ended.
        api.post("runs/:id/cancel") { request, context in
            _ = try APIQuery(request, allowed: [])
            let id = try context.runID()
            _ = try await APIBody.read(request, allowed: [])
            let actor = try context.actor()
            let result = try await operation { () async throws(OperationError) in try await operations.cancel(id, by: actor) }
            return try APIResponse.json(result, status: result.outcome == .requested ? .accepted : .ok)
        }
        api.post("runs/:id/retry") { request, context in
            _ = try APIQuery(request, allowed: [])
            let id = try context.runID()
            _ = try await APIBody.read(request, allowed: [])
            let actor = try context.actor()
            let queued = try await operation { () async throws(OperationError) in try await operations.retry(id, by: actor) }
            return try APIResponse.json(queued, status: .accepted)
        }
    }

    static func runsRequest(_ query: APIQuery) throws(ServerError) -> RunsRequest {
        var states: [RunRecord.State] = []
        for name in query.list("state") {
            guard let state = RunRecord.State(rawValue: name) else {
                throw .badRequest("state \"\(name.prefix(64))\" is not one of \(RunRecord.State.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if !states.contains(state) { states.append(state) }
        }
        var trigger: RunRecord.Trigger?
        if let name = try query.string("trigger") {
            guard let known = RunRecord.Trigger(rawValue: name) else {
                throw .badRequest("trigger \"\(name.prefix(64))\" is not one of \(RunRecord.Trigger.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            trigger = known
        }
        let pipeline = try query.string("pipeline")
        if pipeline?.isEmpty == true { throw .badRequest("pipeline must name a pipeline, not be empty") }
        let cursor = try query.string("cursor")
        return RunsRequest(
            pipeline: pipeline, states: states, trigger: trigger, limit: try query.integer("limit", default: 20),
            cursor: cursor, withAttempts: try query.boolean("attempts", default: false))
    }
}
