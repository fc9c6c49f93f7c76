import BatonOperations
import BatonStore
import BatonTestSupport
import Foundation
import Synchronization
import Testing

/// `status` and `pipelines`: what is live, schedules in words, next fire times, suspension
/// and each pipeline's recent runs, from a store reconciled from a real repository.
@Suite struct StatusOperationTests {
    @Test func statusBeforeAnyReconcileSaysNothingIsReconciled() async throws {
        let harness = try OperationsHarness()
        let error = await #expect(throws: OperationError.self) { try await harness.operations.status() }
        #expect(error?.code == .notReconciled)
        #expect(error?.exitCode == 1)
        #expect(error?.httpStatus == 503)
    }

    @Test func statusShowsTheLiveCommitAndEveryPipeline() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["sales": OperationsHarness.manifest("sales"), "adhoc": OperationsHarness.manifest("adhoc", schedule: nil)], message: "Add pipelines")
        let status = try await harness.operations.status()
        #expect(status.healthy)
        #expect(status.now == OperationsHarness.now)
        #expect(status.daemon == nil)
        #expect(status.live.commit == (try harness.repo.head()))
        #expect(status.live.revision?.commit.subject == "Add pipelines")
        #expect(status.counts == PipelineCounts(active: 2, retired: 0))
        let sales = try #require(status.pipelines.first { $0.name == "sales" })
        #expect(sales.schedule?.description == "at 02:00 every day in America/Sao_Paulo")
        #expect(sales.schedule?.timeZone == "America/Sao_Paulo")
        // 02:00 in São Paulo (UTC-3) is 05:00 UTC.
        #expect(sales.schedule?.nextFireTimes == [Date(timeIntervalSince1970: 1_767_225_600 + 5 * 3600)])
        #expect(sales.schedule?.nextFireTimesLocal == ["2026-01-01T02:00:00-03:00"])
        #expect(sales.commit?.author.email == "ana@example.com")
        let adhoc = try #require(status.pipelines.first { $0.name == "adhoc" })
        #expect(adhoc.schedule == nil)
        #expect(adhoc.specReadable)
    }

    /// The list's rows are kept between requests while the store stands still: a run
    /// recorded since is in the next list, and fire times follow the clock, not the rows.
    @Test func aKeptListGivesWayToACommitAndFollowsTheClock() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["sales": OperationsHarness.manifest("sales")])
        let clock = Mutex(OperationsHarness.now)
        let operations = Operations(store: harness.store, stateDirectory: harness.state, daemon: harness.link, now: { clock.withLock { $0 } })
        let first = try await operations.pipelines(PipelinesRequest(fireTimes: 1, recentRuns: 5)).pipelines[0]
        #expect(first.recentRuns.isEmpty)
        // 02:00 in São Paulo is 05:00 UTC.
        #expect(first.schedule?.nextFireTimes == [OperationsHarness.now.addingTimeInterval(5 * 3600)])

        clock.withLock { $0 = OperationsHarness.now.addingTimeInterval(6 * 3600) }
        let later = try await operations.pipelines(PipelinesRequest(fireTimes: 1, recentRuns: 5)).pipelines[0]
        #expect(later.schedule?.nextFireTimes == [OperationsHarness.now.addingTimeInterval(29 * 3600)])

        let run = try await harness.recordRun("sales", state: .succeeded)
        let after = try await operations.pipelines(PipelinesRequest(fireTimes: 1, recentRuns: 5)).pipelines[0]
        #expect(after.recentRuns.map(\.id) == [run.id])
    }

    /// Foundation names UTC "GMT"; a schedule written in UTC is reported in UTC.
    @Test func aScheduleWrittenInUTCIsReportedInUTC() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["nightly": OperationsHarness.manifest("nightly", schedule: #"{ "cron": "0 2 * * *", "timezone": "UTC" }"#)])
        let nightly = try #require(try await harness.operations.pipelines().pipelines.first)
        #expect(nightly.schedule?.timeZone == "UTC")
        #expect(nightly.schedule?.description == "at 02:00 every day in UTC")
        #expect(nightly.schedule?.nextFireTimesLocal.first == "2026-01-01T02:00:00+00:00")
    }

    @Test func pipelinesGiveFireTimesSuspensionAndRecentRunsOldestFirst() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile([
            "sales": OperationsHarness.manifest("sales"),
            "paused": OperationsHarness.manifest("paused", fields: #""suspend": true"#),
        ])
        for state in [RunRecord.State.succeeded, .failed, .running] { try await harness.recordRun("sales", state: state, trigger: .manual) }
        _ = try await harness.operations.suspend("sales", reason: "maintenance", by: .token("ci"))

        let list = try await harness.operations.pipelines(PipelinesRequest(fireTimes: 3, recentRuns: 2))
        let sales = try #require(list.pipelines.first { $0.name == "sales" })
        #expect(sales.schedule?.nextFireTimes.count == 3)
        #expect(sales.recentRuns.map(\.state) == [.failed, .running])
        #expect(sales.suspended)
        #expect(!sales.suspendedByManifest)
        #expect(sales.suspendedByOperator == OperatorSuspension(actor: "ci", since: OperationsHarness.now, reason: "maintenance"))
        let paused = try #require(list.pipelines.first { $0.name == "paused" })
        #expect(paused.suspended && paused.suspendedByManifest && paused.suspendedByOperator == nil)
        #expect(paused.recentRuns.isEmpty)
    }

    @Test func pipelinesRefuseCountsOutOfRange() async throws {
        let harness = try OperationsHarness()
        let error = await #expect(throws: OperationError.self) { try await harness.operations.pipelines(PipelinesRequest(fireTimes: 51)) }
        #expect(error?.code == .badRequest)
        #expect(error?.exitCode == 2)
        #expect(error?.httpStatus == 400)
    }

    @Test func aRetiredPipelineHasNoNextFireTime() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["a": OperationsHarness.manifest("a"), "b": OperationsHarness.manifest("b")])
        try harness.repo.remove("manifests/b.json")
        try await harness.commitAndReconcile([:], message: "Retire b")
        let list = try await harness.operations.pipelines()
        let b = try #require(list.pipelines.first { $0.name == "b" })
        #expect(b.state == .retired)
        #expect(b.schedule?.nextFireTimes == [])
        #expect(list.counts == PipelineCounts(active: 1, retired: 1))
    }
}
