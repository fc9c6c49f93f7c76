import BatonOperations
import Hummingbird

/// `GET /api/v1/status` and `POST /api/v1/reconcile`: what is live and what was last tried,
/// and a reconcile pass now.
struct StatusRoutes {
    let environment: ServerEnvironment

    func register(on api: RouterGroup<BatonRequestContext>) {
        let operations = environment.operations
        api.get("status") { request, _ in
            _ = try APIQuery(request, allowed: [])
            return try APIResponse.json(try await operation { () async throws(OperationError) in try await operations.status() })
        }
        // Waits for the pass it asked for (one that started after the request), as
        // `baton reconcile --now` does, and answers with what that pass came to.
        api.post("reconcile") { request, _ in
            _ = try APIQuery(request, allowed: [])
            _ = try await APIBody.read(request, allowed: [])
            return try APIResponse.json(try await operation { () async throws(OperationError) in try await operations.reconcileNow() })
        }
    }
}
