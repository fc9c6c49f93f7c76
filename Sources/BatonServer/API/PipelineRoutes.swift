import BatonOperations
import Hummingbird

/// The pipelines: the list with next fire times and suspension, one pipeline with its
/// parameters, task graph, versions and audit, and the writes that act on a pipeline
/// (trigger, suspend, resume).
struct PipelineRoutes {
    let environment: ServerEnvironment

    /// Longest operator's reason kept with a suspension.
    static let maxReasonLength = 1_000
    /// Most audit events one answer holds.
    static let maxAuditLimit = 10_000

    func register(on api: RouterGroup<BatonRequestContext>) {
        let operations = environment.operations
        api.get("pipelines") { request, _ in
            let query = try APIQuery(request, allowed: ["fireTimes", "recentRuns"])
            let defaults = PipelinesRequest()
            let asked = PipelinesRequest(
                fireTimes: try query.integer("fireTimes", default: defaults.fireTimes),
                recentRuns: try query.integer("recentRuns", default: defaults.recentRuns))
            return try APIResponse.json(try await operation { () async throws(OperationError) in try await operations.pipelines(asked) })
        }
        api.get("pipelines/:name") { request, context in
            let query = try APIQuery(request, allowed: ["recentRuns", "auditLimit"])
            let name = try context.text("name")
            let recent = try query.integer("recentRuns", default: 25)
            let audit = try query.integer("auditLimit", default: 100)
            return try APIResponse.json(try await operation { () async throws(OperationError) in
                try await operations.pipeline(name, recentRuns: recent, auditLimit: audit)
            })
        }
        api.get("pipelines/:name/versions") { request, context in
            _ = try APIQuery(request, allowed: [])
            let name = try context.text("name")
            return try APIResponse.json(try await operation { () async throws(OperationError) in try await operations.history(name) })
        }
        api.get("pipelines/:name/audit") { request, context in
            let query = try APIQuery(request, allowed: ["limit"])
            let name = try context.text("name")
            let limit = try query.integer("limit", default: 100)
            guard (1...Self.maxAuditLimit).contains(limit) else {
                throw ServerError.badRequest("limit must be between 1 and \(Self.maxAuditLimit), not \(limit)")
            }
            return try APIResponse.json(try await operation { () async throws(OperationError) in
                // The audit of a name never applied is a 404, not an empty list.
                _ = try await operations.history(name)
                return try await operations.audit(AuditRequest(pipeline: name, limit: limit))
            })
        }
        api.post("pipelines/:name/trigger") { request, context in
            _ = try APIQuery(request, allowed: [])
            let name = try context.text("name")
            let body = try await APIBody.read(request, allowed: ["parameters"])
            let trigger = TriggerRequest(pipeline: name, parameters: try body.strings("parameters"))
            let actor = try context.actor()
            let queued = try await operation { () async throws(OperationError) in try await operations.trigger(trigger, by: actor) }
            return try APIResponse.json(queued, status: .accepted)
        }
        api.post("pipelines/:name/suspend") { request, context in
            _ = try APIQuery(request, allowed: [])
            let name = try context.text("name")
            let body = try await APIBody.read(request, allowed: ["reason"])
            let reason = try body.string("reason", maxLength: Self.maxReasonLength)
            let actor = try context.actor()
            return try APIResponse.json(try await operation { () async throws(OperationError) in
                try await operations.suspend(name, reason: reason, by: actor)
            })
        }
        api.post("pipelines/:name/resume") { request, context in
            _ = try APIQuery(request, allowed: [])
            let name = try context.text("name")
            _ = try await APIBody.read(request, allowed: [])
            let actor = try context.actor()
            return try APIResponse.json(try await operation { () async throws(OperationError) in try await operations.resume(name, by: actor) })
        }
    }
}
