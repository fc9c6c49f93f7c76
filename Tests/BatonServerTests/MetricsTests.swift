import BatonDaemon
import BatonServer
import BatonStore
import Foundation
import Hummingbird
import Testing

/// `/metrics` after a real pass and a real run: every family the daemon writes is there,
/// with the counts of what happened.
@Suite struct MetricsTests {
    @Test func metricsShowThePassesAndRunsOfTheDaemon() async throws {
        let server = try await ServerHarness()
        // A run as `baton trigger` leaves it: queued in the store, then the mailbox.
        let store = server.handle.store
        let pipeline = try #require(try await store.pipelines().first { $0.name == "hello" })
        let run = try await store.createRun(RunRecord(
            pipeline: "hello", versionID: pipeline.currentVersionID, scheduledAt: nil, trigger: .manual, state: .queued, createdAt: Date())).run
        await server.handle.checkMailbox()
        let ended = try await eventually { try await store.run(id: run.id!).flatMap { $0.isFinished ? $0 : nil } }
        #expect(ended.state == .succeeded)
        // A second pass, of the same commit: unchanged.
        guard case .reconciled(let report) = try await server.handle.reconcileNow() else {
            Issue.record("the pass failed")
            return
        }
        #expect(report.outcome == .unchanged || report.alreadyJudged)

        // The run's end is counted just after the store says so.
        let text = try await eventually { () async throws -> String? in
            let reply = try await server.request("GET", "/metrics", token: ServerHarness.readToken)
            return reply.body.contains(#"baton_runs_total{pipeline="hello",state="succeeded"} 1"#) ? reply.body : nil
        }
        #expect(text.contains(#"baton_reconcile_passes_total{outcome="applied"} 1"#))
        #expect(text.contains(#"baton_reconcile_passes_total{outcome="unchanged"} 1"#))
        #expect(text.contains(#"baton_reconcile_passes_total{outcome="failed"} 0"#))
        #expect(text.contains("# TYPE baton_reconcile_duration_seconds histogram"))
        #expect(text.contains("baton_reconcile_duration_seconds_count 2"))
        #expect(text.contains("baton_task_duration_seconds_count 1"))
        for family in ["baton_rejected_commits_total", "baton_fetch_errors_total", "baton_slot_start_delay_seconds", "baton_queue_depth", "baton_alerts_total"] {
            #expect(text.contains("# TYPE \(family) "), "\(family) missing")
        }
        #expect(text.contains("baton_queue_depth 0.0"))
        await server.stop()
    }

    @Test func alertDeliveriesAreCountedSentAndFailed() async throws {
        let server = try await ServerHarness(routes: [AlertSink()])
        let base = server.base
        try server.repository.write("manifests/alerted.json", """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "alerted", "schedule": {"cron": "0 2 * * *"},
             "tasks": [{"id": "a", "run": "true"}],
             "alerts": [{"on": ["success"], "webhook": "\(base)/test/alerts"}, {"on": ["success"], "webhook": "\(base)/test/missing"}]}
            """)
        try server.repository.commit("alerted")
        guard case .reconciled = try await server.handle.reconcileNow() else {
            Issue.record("the pass failed")
            return
        }
        let store = server.handle.store
        let pipeline = try #require(try await store.pipelines().first { $0.name == "alerted" })
        _ = try await store.createRun(RunRecord(
            pipeline: "alerted", versionID: pipeline.currentVersionID, scheduledAt: nil, trigger: .manual, state: .queued, createdAt: Date()))
        await server.handle.checkMailbox()
        // The 404 target is tried four times (10, 20, 40 ms apart) before it counts as failed.
        let text = try await eventually { () async throws -> String? in
            let body = try await server.request("GET", "/metrics", token: ServerHarness.readToken).body
            return body.contains(#"baton_alerts_total{result="failed"} 1"#) ? body : nil
        }
        #expect(text.contains(#"baton_alerts_total{result="sent"} 1"#))
        await server.stop()
    }

    @Test func aRejectedCommitAndAFailedFetchAreCounted() async throws {
        let server = try await ServerHarness()
        try server.repository.write("manifests/broken.json", #"{"apiVersion": "baton/v1", "kind": "Pipeline", "name": "broken", "schedule": {"cron": "0 25 * * *"}, "tasks": [{"id": "a", "run": "true"}]}"#)
        try server.repository.commit("a bad cron")
        guard case .reconciled(let rejected) = try await server.handle.reconcileNow() else {
            Issue.record("the pass failed")
            return
        }
        #expect(rejected.outcome == .rejected)
        // The repository disappears: the next pass cannot fetch.
        try FileManager.default.removeItem(atPath: server.repository.path)
        guard case .failed(let error) = try await server.handle.reconcileNow() else {
            Issue.record("the pass succeeded without its repository")
            return
        }
        #expect(error.stage == .fetch)
        let text = try await server.request("GET", "/metrics", token: ServerHarness.readToken).body
        #expect(text.contains(#"baton_reconcile_passes_total{outcome="rejected"} 1"#))
        #expect(text.contains(#"baton_reconcile_passes_total{outcome="failed"} 1"#))
        #expect(text.contains("baton_rejected_commits_total 1"))
        #expect(text.contains("baton_fetch_errors_total 1"))
        await server.stop()
    }
}

/// An open endpoint that takes alert webhooks, in the server under test itself.
struct AlertSink: BatonRoutes {
    func register(on router: Router<BatonRequestContext>, environment: ServerEnvironment) {
        router.post("test/alerts") { _, _ in JSONBody.response(["received": true]) }
    }
}

/// Polls `probe` until it returns a value (10 s at most): for outcomes with no event to wait
/// on, such as a run's end written by the daemon's own task.
func eventually<T: Sendable>(_ probe: @Sendable () async throws -> T?, sourceLocation: SourceLocation = #_sourceLocation) async throws -> T {
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline {
        if let value = try await probe() { return value }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("condition not met within 10 s", sourceLocation: sourceLocation)
    throw TimedOut()
}

struct TimedOut: Error {}
