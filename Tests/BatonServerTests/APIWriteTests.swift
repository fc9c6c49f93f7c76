import BatonOperations
import BatonServer
import BatonStore
import Foundation
import Testing

/// The API's writes against a real daemon: each one does what the CLI's does, and names the
/// token that asked (in the run and in the audit log).
@Suite struct APIWriteTests {
    @Test func triggerWithParametersRunsWithThem() async throws {
        let server = try await APIFixture.server()
        let queued = try await server.trigger("params", body: #"{"parameters": {"region": "eu"}}"#)
        #expect(queued.parameters == ["region": "eu"])
        #expect(queued.trigger == .manual)
        let done = try await server.waitForRun(queued.id)
        #expect(done.run.state == .succeeded)
        let log = try await server.call("/runs/\(queued.id)/tasks/show/attempts/1/log")
        #expect(log.body.contains("stdout region=eu\n"))

        // Defaults fill in what is not given; an empty body is no parameters.
        #expect(try await server.trigger("params").parameters == ["region": "us"])
        #expect(try await server.trigger("params", body: "{}").parameters == ["region": "us"])

        let audit = try await server.api(AuditLog.self, "/pipelines/params/audit")
        #expect(audit.events.filter { $0.change == "trigger" }.allSatisfy { $0.actor == "operator" })
        #expect(audit.events.filter { $0.change == "trigger" }.count == 3)
        await server.stop()
    }

    @Test func triggerRefusesParametersThePipelineDoesNotAllow() async throws {
        let server = try await APIFixture.server()
        let outside = try await server.call("POST", "/pipelines/params/trigger", headers: APIFixture.json, body: #"{"parameters": {"region": "mars"}}"#)
        #expect(outside.status == 400)
        #expect(outside.errorCode == "invalid-parameters")
        let undeclared = try await server.call("POST", "/pipelines/params/trigger", headers: APIFixture.json, body: #"{"parameters": {"colour": "red"}}"#)
        #expect(undeclared.status == 400)
        #expect(undeclared.errorCode == "invalid-parameters")
        #expect(try await server.api(RunPage.self, "/runs?pipeline=params").runs.isEmpty)
        await server.stop()
    }

    @Test func cancelStopsARunningRun() async throws {
        let server = try await APIFixture.server()
        let queued = try await server.trigger("slow")
        _ = try await server.waitForRun(queued.id) { $0.tasks.first?.state == .running }
        let cancel = try await server.call("POST", "/runs/\(queued.id)/cancel")
        #expect(cancel.status == 202)
        let result = try OperationJSON.decoder.decode(CancelResult.self, from: Data(cancel.body.utf8))
        #expect(result.outcome == .requested)
        let ended = try await server.waitForRun(queued.id)
        #expect(ended.run.state == .cancelled)
        #expect(ended.run.reason?.contains("operator") == true)

        // Once more: it has ended, nothing changes.
        let again = try await server.api(CancelResult.self, "POST", "/runs/\(queued.id)/cancel")
        #expect(again.outcome == .alreadyEnded)
        let audit = try await server.api(AuditLog.self, "/pipelines/slow/audit")
        #expect(audit.events.contains { $0.change == "cancel" && $0.actor == "operator" })
        await server.stop()
    }

    @Test func retryResumesAFailedRunAndRefusesASucceededOne() async throws {
        let server = try await APIFixture.server()
        let failed = try await server.trigger("broken")
        #expect(try await server.waitForRun(failed.id).run.state == .failed)

        let retry = try await server.api(QueuedRun.self, "POST", "/runs/\(failed.id)/retry", status: 202)
        #expect(retry.run.retryOf == failed.id)
        #expect(retry.run.trigger == .retry)
        #expect(retry.run.requestedBy == "operator")
        #expect(try await server.waitForRun(retry.run.id).run.state == .failed)

        let fine = try await server.trigger("hello")
        _ = try await server.waitForRun(fine.id)
        let refused = try await server.call("POST", "/runs/\(fine.id)/retry")
        #expect(refused.status == 409)
        #expect(refused.errorCode == "not-retryable")
        await server.stop()
    }

    @Test func suspendAndResumeAreAuditedWithTheTokensName() async throws {
        let server = try await APIFixture.server()
        let suspended = try await server.api(SuspensionResult.self, "POST", "/pipelines/hello/suspend", body: #"{"reason": "db migration"}"#)
        #expect(suspended.suspended && suspended.changed)
        #expect(suspended.actor == "operator")
        let twice = try await server.api(SuspensionResult.self, "POST", "/pipelines/hello/suspend")
        #expect(twice.changed == false)
        #expect(twice.reason == "db migration")

        let resumed = try await server.api(SuspensionResult.self, "POST", "/pipelines/hello/resume", body: "{}")
        #expect(!resumed.suspended && resumed.changed)

        let audit = try await server.api(AuditLog.self, "/pipelines/hello/audit", token: ServerHarness.readToken)
        let writes = audit.events.filter { ["suspend", "resume"].contains($0.change) }
        #expect(writes.map(\.change) == ["resume", "suspend"])
        #expect(writes.allSatisfy { $0.actor == "operator" })
        #expect(writes.last?.message == "db migration")
        await server.stop()
    }

    @Test func reconcileWaitsForThePassAndSaysWhatItApplied() async throws {
        let server = try await APIFixture.server()
        try server.repository.write("manifests/extra.json", ServerHarness.manifest("extra"))
        let commit = try server.repository.commit("add extra")
        let pass = try await server.api(ReconcilePass.self, "POST", "/reconcile")
        #expect(pass.outcome == .applied)
        #expect(pass.commit == commit)
        #expect(pass.counts.created == 1)
        #expect(try await server.api(PipelineDetail.self, "/pipelines/extra").pipeline.name == "extra")

        let again = try await server.api(ReconcilePass.self, "POST", "/reconcile", body: "{}")
        #expect(again.alreadyJudged)
        #expect(again.commit == commit)
        await server.stop()
    }
}
