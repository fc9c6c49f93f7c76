import BatonDaemon
import BatonStore
import Foundation
import Hummingbird

/// `GET /healthz` and `GET /readyz`, open to all (probes carry no token).
///
/// `/healthz` answers while the process serves HTTP at all (a liveness probe restarts it
/// otherwise); `/readyz` also reads the store and judges the reconcile loop by
/// `ReadinessPolicy`, so a load balancer stops sending work to a daemon that cannot reach
/// its database or its repository.
public struct HealthRoutes: BatonRoutes {
    public var policy: ReadinessPolicy

    public init(policy: ReadinessPolicy = ReadinessPolicy()) {
        self.policy = policy
    }

    struct Status: Encodable {
        var status: String
        var passes: Int?
        var lastPassAt: Date?
    }

    public func register(on router: Router<BatonRequestContext>, environment: ServerEnvironment) {
        router.get("healthz") { _, _ in
            JSONBody.response(Status(status: "ok"))
        }
        let policy = self.policy
        router.get("readyz") { _, _ in
            let daemon = environment.daemon
            do throws(StoreError) {
                _ = try await daemon.store.daemon()
            } catch {
                throw ServerError(.serviceUnavailable, .notReady, "the store does not answer: \(error.message)")
            }
            let facts = daemon.reconcileFacts
            if let problem = policy.problem(facts, now: environment.now()) {
                throw ServerError(.serviceUnavailable, .notReady, problem)
            }
            return JSONBody.response(Status(status: "ready", passes: facts.passes, lastPassAt: facts.lastPassAt))
        }
    }
}
