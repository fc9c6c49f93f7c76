import BatonOperations
import BatonStore
import BatonTestSupport
import Foundation
import Testing

/// trigger, cancel, suspend, resume and reconcile now: what each writes, who it names, and
/// every way each is refused.
@Suite struct WriteOperationTests {
    static let parameters = #""parameters": { "region": { "default": "us", "allowed": ["us", "eu"] } }"#

    @Test func triggerQueuesARunNamingWhoAskedAndTellsTheDaemon() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["p": OperationsHarness.manifest("p", fields: Self.parameters)])
        let queued = try await harness.operations.trigger(TriggerRequest(pipeline: "p", parameters: ["region": "eu"]), by: .token("deploy-bot"))
        #expect(queued.daemonNotified)
        #expect(harness.link.notifications == 1)
        #expect(queued.run.state == .queued)
        #expect(queued.run.trigger == .manual)
        #expect(queued.run.requestedBy == "deploy-bot")
        #expect(queued.run.parameters == ["region": "eu"])
        let stored = try #require(try await harness.store.run(id: queued.run.id))
        #expect(stored.requestedBy == "deploy-bot")
        #expect(stored.scheduledAt == nil)
        let audit = try await harness.operations.audit(AuditRequest(pipeline: "p"))
        #expect(audit.events.first?.change == "trigger")
        #expect(audit.events.first?.actor == "deploy-bot")
        #expect(audit.events.first?.message == "run \(queued.run.id)")

        let defaults = try await harness.operations.trigger(TriggerRequest(pipeline: "p"), by: .token("deploy-bot"))
        #expect(defaults.run.parameters == ["region": "us"])
    }

    @Test func triggerIsRefusedWithoutADaemonForBadParametersAndForAnUnknownPipeline() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["p": OperationsHarness.manifest("p", fields: Self.parameters)])
        let outside = await #expect(throws: OperationError.self) {
            try await harness.operations.trigger(TriggerRequest(pipeline: "p", parameters: ["region": "asia"]), by: .token("t"))
        }
        #expect(outside?.code == .invalidParameters)
        #expect(outside?.exitCode == 2)
        #expect(outside?.httpStatus == 400)
        let undeclared = await #expect(throws: OperationError.self) {
            try await harness.operations.trigger(TriggerRequest(pipeline: "p", parameters: ["regoin": "eu"]), by: .token("t"))
        }
        #expect(undeclared?.code == .invalidParameters)
        let unknown = await #expect(throws: OperationError.self) { try await harness.operations.trigger(TriggerRequest(pipeline: "q"), by: .token("t")) }
        #expect(unknown?.code == .unknownPipeline)

        harness.link.setRunning(nil)
        let stopped = await #expect(throws: OperationError.self) { try await harness.operations.trigger(TriggerRequest(pipeline: "p"), by: .token("t")) }
        #expect(stopped?.code == .daemonNotRunning)
        #expect(stopped?.httpStatus == 503)
        #expect(try await harness.store.runs(RunQuery(limit: 10)).isEmpty, "a refused trigger queued a run")
    }

    @Test func cancellingAQueuedRunEndsItAtOnceAndNamesTheActor() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["p": OperationsHarness.manifest("p")])
        let queued = try await harness.operations.trigger(TriggerRequest(pipeline: "p"), by: .token("bot"))
        let result = try await harness.operations.cancel(queued.run.id, by: .token("oncall"))
        #expect(result.outcome == .cancelled)
        #expect(result.run.state == .cancelled)
        #expect(result.run.reason == "cancel requested by oncall")
        #expect(result.run.finishedAt == OperationsHarness.now)
        #expect(result.stoppedTasks == 0)
        let audit = try await harness.operations.audit(AuditRequest(pipeline: "p", limit: 1))
        #expect(audit.events.first?.change == "cancel")
        #expect(audit.events.first?.actor == "oncall")

        let again = try await harness.operations.cancel(queued.run.id, by: .token("oncall"))
        #expect(again.outcome == .alreadyEnded)
        #expect(again.run.reason == "cancel requested by oncall")
    }

    @Test func cancellingARunningRunRecordsTheRequestForItsExecutor() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["p": OperationsHarness.manifest("p")])
        let running = try await harness.recordRun("p", state: .running, trigger: .manual)
        let result = try await harness.operations.cancel(running.id!, by: .operatingSystemUser)
        #expect(result.outcome == .requested)
        #expect(result.run.state == .running)
        #expect(result.run.reason == "cancel requested by \(OperationActor.operatingSystemUser.name)")
        #expect(result.daemonNotified)

        let unknown = await #expect(throws: OperationError.self) { try await harness.operations.cancel(404, by: .token("t")) }
        #expect(unknown?.code == .unknownRun)
    }

    @Test func suspendAndResumeAreAuditedWithTheirActor() async throws {
        let harness = try OperationsHarness(daemonRunning: false)
        try await harness.commitAndReconcile(["p": OperationsHarness.manifest("p")])
        let suspended = try await harness.operations.suspend("p", reason: "warehouse maintenance", by: .token("ops"))
        #expect(suspended == SuspensionResult(pipeline: "p", suspended: true, changed: true, actor: "ops", reason: "warehouse maintenance", daemonNotified: false))
        let twice = try await harness.operations.suspend("p", reason: "again", by: .token("someone-else"))
        #expect(!twice.changed)
        #expect(twice.actor == "ops")
        #expect(try await harness.store.overrides().map(\.actor) == ["ops"])

        let resumed = try await harness.operations.resume("p", by: .token("lead"))
        #expect(resumed.changed && !resumed.suspended && resumed.actor == "lead")
        let notSuspended = try await harness.operations.resume("p", by: .token("lead"))
        #expect(!notSuspended.changed)

        let events = try await harness.operations.audit(AuditRequest(pipeline: "p")).events
        #expect(events.prefix(2).map(\.change) == ["resume", "suspend"])
        #expect(events.prefix(2).map(\.actor) == ["lead", "ops"])
        #expect(events[1].message == "warehouse maintenance")

        let unknown = await #expect(throws: OperationError.self) { try await harness.operations.suspend("q", reason: nil, by: .token("ops")) }
        #expect(unknown?.code == .unknownPipeline)
    }

    @Test func reconcileNowAsksTheDaemonAndNeedsOne() async throws {
        let harness = try OperationsHarness()
        let pass = ReconcilePass(outcome: .applied, commit: String(repeating: "a", count: 40), counts: .init(created: 1), live: String(repeating: "a", count: 40), finishedAt: OperationsHarness.now)
        harness.link.answer(.success(pass))
        #expect(try await harness.operations.reconcileNow() == pass)
        harness.link.answer(.failure(OperationError(.timeout, "too slow")))
        let slow = await #expect(throws: OperationError.self) { try await harness.operations.reconcileNow() }
        #expect(slow?.code == .timeout)
        #expect(slow?.httpStatus == 504)
        harness.link.setRunning(nil)
        let none = await #expect(throws: OperationError.self) { try await harness.operations.reconcileNow() }
        #expect(none?.code == .daemonNotRunning)
        #expect(harness.link.reconcileRequests == 2)
    }
}
