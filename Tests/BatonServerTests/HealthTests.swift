import BatonDaemon
import BatonServer
import Foundation
import Testing

/// `/healthz` and `/readyz` against a real daemon.
@Suite struct HealthTests {
    @Test func healthzAnswersWithoutAToken() async throws {
        let server = try await ServerHarness()
        let reply = try await server.request("GET", "/healthz")
        #expect(reply.status == 200)
        #expect(reply.body == #"{"status":"ok"}"#)
        #expect(reply.header("content-type") == "application/json; charset=utf-8")
        try await server.stop().get()
    }

    @Test func readyzIsReadyOnceTheStoreAnswersAndPassesSucceed() async throws {
        let server = try await ServerHarness()
        let reply = try await server.request("GET", "/readyz")
        #expect(reply.status == 200)
        #expect(reply.json["status"] as? String == "ready")
        #expect(reply.json["passes"] as? Int == 1)
        await server.stop()
    }

    @Test func readyzIsNotReadyWhilePassesKeepFailing() async throws {
        // No repository at that path: every pass fails at the fetch. A policy of 0 intervals
        // makes the first failure count, so nothing waits for the clock.
        let server = try await ServerHarness(source: "/nonexistent/repository-\(UUID().uuidString)", readiness: ReadinessPolicy(failingIntervals: 0))
        #expect(server.handle.reconcileFacts.consecutiveFailures == 1)
        let reply = try await server.request("GET", "/readyz")
        #expect(reply.status == 503)
        #expect(reply.errorCode == "not-ready")
        #expect(reply.errorMessage?.contains("reconcile passes have failed") == true)
        // /healthz is about the process, not the source.
        #expect(try await server.request("GET", "/healthz").status == 200)
        await server.stop()
    }

    @Test func aFailingStreakWithinTheAllowedIntervalsIsStillReady() {
        let policy = ReadinessPolicy(failingIntervals: 3)
        let start = Date(timeIntervalSince1970: 1_000_000)
        let facts = ReconcileFacts(passes: 4, consecutiveFailures: 2, failingSince: start, lastError: "fetch failed", interval: 60)
        #expect(policy.problem(facts, now: start.addingTimeInterval(180)) == nil)
        let problem = policy.problem(facts, now: start.addingTimeInterval(181))
        #expect(problem?.contains("fetch failed") == true)
        #expect(problem?.contains("2 in a row") == true)
        #expect(policy.problem(ReconcileFacts(passes: 4, interval: 60), now: start) == nil)
    }

    @Test func anUnknownRouteGetsTheOneErrorShape() async throws {
        let server = try await ServerHarness()
        for (method, path) in [("GET", "/nope"), ("POST", "/healthz"), ("GET", "/hooks/git")] {
            let reply = try await server.request(method, path)
            #expect(reply.status == 404, "\(method) \(path)")
            #expect(reply.errorCode == "not-found", "\(method) \(path)")
            #expect(reply.header("content-type") == "application/json; charset=utf-8")
        }
        await server.stop()
    }
}
