import BatonOperations
import BatonServer
import BatonStore
import Foundation
import Testing

/// The API's reads against a real daemon with real runs: status, the pipelines, one
/// pipeline with its versions and audit, runs filtered and paged by cursor, one run.
@Suite struct APIReadTests {
    @Test func statusSaysWhatIsLiveAndListsEveryPipeline() async throws {
        let server = try await APIFixture.server()
        let status = try await server.api(StatusReport.self, "/status", token: ServerHarness.readToken)
        #expect(status.healthy)
        #expect(status.live.commit == status.lastAttempt.commit)
        #expect(status.live.commit?.count == 40)
        #expect(status.pipelines.map(\.name).sorted() == ["broken", "hello", "params", "slow"])
        #expect(status.counts == PipelineCounts(active: 4, retired: 0))
        #expect(status.daemon?.running == true)
        await server.stop()
    }

    @Test func pipelinesCarryTheirNextFireTimesAndSuspension() async throws {
        let server = try await APIFixture.server()
        let list = try await server.api(PipelineList.self, "/pipelines?fireTimes=4&recentRuns=0", token: ServerHarness.readToken)
        let hello = try #require(list.pipelines.first { $0.name == "hello" })
        #expect(hello.schedule?.nextFireTimes.count == 4)
        #expect(hello.schedule?.description.isEmpty == false)
        #expect(hello.suspended == false)
        // Only triggered: no schedule, no fire times.
        #expect(list.pipelines.first { $0.name == "slow" }?.schedule == nil)

        _ = try await server.api(SuspensionResult.self, "POST", "/pipelines/hello/suspend", body: #"{"reason": "maintenance"}"#)
        let after = try await server.api(PipelineList.self, "/pipelines")
        let suspended = try #require(after.pipelines.first { $0.name == "hello" })
        #expect(suspended.suspended)
        #expect(suspended.suspendedByOperator?.actor == "operator")
        #expect(suspended.suspendedByOperator?.reason == "maintenance")
        #expect(suspended.schedule?.nextFireTimes.count == 3)
        await server.stop()
    }

    @Test func onePipelineWithItsParametersGraphVersionsAndAudit() async throws {
        let server = try await APIFixture.server()
        let detail = try await server.api(PipelineDetail.self, "/pipelines/params", token: ServerHarness.readToken)
        #expect(detail.pipeline.name == "params")
        #expect(detail.parameters.map(\.name) == ["region"])
        #expect(detail.parameters.first?.allowed == ["us", "eu"])
        #expect(detail.parameters.first?.defaultValue == "us")
        #expect(detail.tasks.map(\.id) == ["show"])
        #expect(detail.versions.count == 1)
        #expect(detail.versions.first?.change == .create)
        #expect(detail.audit.map(\.change) == ["create"])

        let versions = try await server.api(PipelineHistory.self, "/pipelines/params/versions", token: ServerHarness.readToken)
        #expect(versions.pipeline == "params")
        #expect(versions.currentVersion == 1)
        #expect(versions.versions == detail.versions)

        let audit = try await server.api(AuditLog.self, "/pipelines/params/audit?limit=5", token: ServerHarness.readToken)
        #expect(audit.events == detail.audit)
        await server.stop()
    }

    @Test func runsArePagedByCursorNewestFirstAndFiltered() async throws {
        let server = try await APIFixture.server()
        var triggered: [Int64] = []
        for _ in 0..<5 { triggered.append(try await server.trigger("hello").id) }
        let failed = try await server.trigger("broken").id
        for id in triggered + [failed] { _ = try await server.waitForRun(id) }

        // Two at a time through the cursor: every hello run once, newest first.
        var seen: [Int64] = []
        var path = "/runs?pipeline=hello&limit=2"
        var pages = 0
        while true {
            let page = try await server.api(RunPage.self, path, token: ServerHarness.readToken)
            pages += 1
            #expect(page.runs.count <= 2)
            seen += page.runs.map(\.id)
            guard let cursor = page.nextCursor else { break }
            path = "/runs?pipeline=hello&limit=2&cursor=\(cursor)"
        }
        #expect(pages == 3)
        #expect(seen == triggered.reversed())

        let failures = try await server.api(RunPage.self, "/runs?state=failed,timedOut&trigger=manual")
        #expect(failures.runs.map(\.id) == [failed])
        #expect(failures.nextCursor == nil)
        let repeated = try await server.api(RunPage.self, "/runs?state=failed&state=succeeded&limit=100")
        #expect(repeated.runs.count == 6)
        let withAttempts = try await server.api(RunPage.self, "/runs?pipeline=broken&attempts=true")
        #expect(withAttempts.runs.first?.attempts?.map(\.task) == ["fail"])
        await server.stop()
    }

    /// A backfill made beside the server (as `baton backfill` does) runs in the daemon, and
    /// its runs answer with the trigger `backfill` and the backfill's id, filterable by trigger.
    @Test func backfilledRunsCarryTheirTriggerAndBackfill() async throws {
        let server = try await APIFixture.server()
        let operations = Operations(store: server.handle.store, stateDirectory: server.state, daemon: InProcessDaemonLink(daemon: server.handle))
        let backfill = try await operations.backfill(
            BackfillRequest(pipeline: "hello", from: .instant(Date(timeIntervalSince1970: 1_767_225_600)), to: .instant(Date(timeIntervalSince1970: 1_767_225_600 + 3 * 86_400)), maxParallel: 3),
            by: .token("operator"))
        #expect(backfill.created == 3)
        let page = try await server.api(RunPage.self, "/runs?trigger=backfill", token: ServerHarness.readToken)
        #expect(page.runs.count == 3)
        #expect(page.runs.allSatisfy { $0.trigger == .backfill && $0.backfillID == backfill.id && $0.scheduledAt != nil })
        for run in page.runs { #expect(try await server.waitForRun(run.id).run.state == .succeeded) }
        let raw = try await server.request("GET", "/api/v1/runs/\(try #require(page.runs.first?.id))", token: ServerHarness.readToken)
        #expect(raw.body.contains(#""trigger":"backfill""#) && raw.body.contains(#""backfillID":\#(backfill.id)"#), "\(raw.body)")
        #expect(try await server.api(RunPage.self, "/runs?trigger=manual").runs.isEmpty)
        await server.stop()
    }

    /// Pages are kept while the store stands still; a run written by anyone, the CLI in
    /// another process included, is in the next answer.
    @Test func aKeptPageGivesWayToAnyCommit() async throws {
        let server = try await APIFixture.server()
        let first = try await server.trigger("hello").id
        _ = try await server.waitForRun(first)
        let page = try await server.api(RunPage.self, "/runs?limit=5", token: ServerHarness.readToken)
        #expect(page.runs.map(\.id) == [first])
        #expect(try await server.api(RunPage.self, "/runs?limit=5", token: ServerHarness.readToken) == page)

        // What `baton trigger` does beside the daemon: its own connection to the store.
        let cli = try SQLiteStore(stateDirectory: server.state)
        let queued = try await cli.createRun(RunRecord(pipeline: "hello", versionID: nil, scheduledAt: nil, trigger: .manual, state: .failed,
                                                       createdAt: Date(), finishedAt: Date(), reason: "written by another process")).run
        let after = try await server.api(RunPage.self, "/runs?limit=5", token: ServerHarness.readToken)
        #expect(after.runs.map(\.id) == [try #require(queued.id), first])
        await server.stop()
    }

    @Test func oneRunWithItsAttemptsAndTaskGraph() async throws {
        let server = try await APIFixture.server()
        let queued = try await server.trigger("hello")
        #expect(queued.state == .queued)
        #expect(queued.requestedBy == "operator")
        let detail = try await server.waitForRun(queued.id)
        #expect(detail.run.state == .succeeded)
        #expect(detail.run.attempts?.map(\.task) == ["greet"])
        #expect(detail.run.attempts?.first?.hasLog == true)
        #expect(detail.tasks.map(\.task.id) == ["greet"])
        #expect(detail.tasks.first?.state == .succeeded)
        #expect(detail.version?.number == 1)
        await server.stop()
    }

    @Test func unknownNamesAndIdsAre404WithTheOperationsCode() async throws {
        let server = try await APIFixture.server()
        let run = try await server.trigger("hello")
        _ = try await server.waitForRun(run.id)
        let cases: [(String, String)] = [
            ("/pipelines/nope", "unknown-pipeline"), ("/pipelines/nope/versions", "unknown-pipeline"),
            ("/pipelines/nope/audit", "unknown-pipeline"), ("/runs/999999", "unknown-run"),
            ("/runs/\(run.id)/tasks/nope/attempts/1/log", "unknown-task"),
            ("/runs/\(run.id)/tasks/greet/attempts/7/log", "unknown-attempt"),
            ("/runs/999999/tasks/greet/attempts/1/log", "unknown-run"),
            ("/nothing-here", "not-found"),
        ]
        for (path, code) in cases {
            let reply = try await server.call(path, token: ServerHarness.readToken)
            #expect(reply.status == 404, "\(path)")
            #expect(reply.errorCode == code, "\(path): \(reply.body)")
        }
        // A close name is suggested.
        let typo = try await server.call("/pipelines/helo", token: ServerHarness.readToken)
        #expect(typo.errorMessage?.contains("\"hello\"") == true)
        for (method, path) in [("POST", "/pipelines/nope/trigger"), ("POST", "/pipelines/nope/suspend"), ("POST", "/pipelines/nope/resume"),
                               ("POST", "/runs/999999/cancel"), ("POST", "/runs/999999/retry")] {
            let reply = try await server.call(method, path)
            #expect(reply.status == 404, "\(method) \(path)")
        }
        await server.stop()
    }

    @Test func aMethodAPathDoesNotTakeIs405WithAllow() async throws {
        let server = try await APIFixture.server()
        let delete = try await server.call("DELETE", "/status")
        #expect(delete.status == 405)
        #expect(delete.errorCode == "method-not-allowed")
        #expect(delete.header("allow") == "GET, HEAD")
        let get = try await server.call("GET", "/runs/1/cancel")
        #expect(get.status == 405)
        #expect(get.header("allow") == "POST")
        await server.stop()
    }
}
