import BatonOperations
import BatonStore
import BatonTestSupport
import Foundation
import Testing

/// backfill and cancel --backfill in-process: which slots a range holds (dates read in the
/// schedule's zone, from inclusive, to exclusive, nothing after now), the slots skipped, who
/// is named, and every way a backfill is refused.
@Suite struct BackfillOperationTests {
    /// `OperationsHarness.manifest`'s schedule: 02:00 in São Paulo (UTC-3 all year), 05:00Z.
    static func slot(_ day: String) -> Date { RFC3339Fixture.instant("\(day)T05:00:00Z") }

    @Test func aRangeOfDatesIsReadInTheScheduleZoneAndQueuesOneRunPerFreeSlot() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["etl": OperationsHarness.manifest("etl", fields: WriteOperationTests.parameters)])
        try await harness.recordRun("etl", state: .succeeded, slot: Self.slot("2025-12-03"))
        let request = BackfillRequest(pipeline: "etl", from: try #require(BackfillBound("2025-12-01")), to: try #require(BackfillBound("2025-12-06")), maxParallel: 2)
        let backfill = try await harness.operations.backfill(request, by: .token("ops-bot"))
        #expect(backfill.from == RFC3339Fixture.instant("2025-12-01T03:00:00Z"))
        #expect(backfill.to == RFC3339Fixture.instant("2025-12-06T03:00:00Z"))
        #expect(backfill.slots == 5 && backfill.skipped == 1 && backfill.created == 4)
        #expect(backfill.state == .running && backfill.maxParallel == 2 && backfill.requestedBy == "ops-bot")
        #expect(backfill.runs == ["queued": 4])
        #expect(harness.link.notifications == 1)
        let runs = try await harness.store.runs(ofBackfill: backfill.id, inStates: [.queued], limit: 10)
        #expect(runs.map(\.scheduledAt) == ["2025-12-01", "2025-12-02", "2025-12-04", "2025-12-05"].map(Self.slot))
        #expect(runs.allSatisfy { $0.trigger == .backfill && $0.requestedBy == "ops-bot" && $0.parameters == ["region": "us"] })
        let audit = try await harness.operations.audit(AuditRequest(pipeline: "etl"))
        #expect(audit.events.first?.change == "backfill" && audit.events.first?.actor == "ops-bot")
        #expect(try await harness.operations.backfills(pipeline: "etl").map(\.id) == [backfill.id])
        #expect(try await harness.operations.backfill(id: backfill.id) == backfill)

        // A range reaching past now (2026-01-01T00:00Z) takes only the slots before it.
        let recent = BackfillRequest(pipeline: "etl", from: .instant(RFC3339Fixture.instant("2025-12-30T00:00:00Z")), to: try #require(BackfillBound("2026-01-05")))
        let clamped = try await harness.operations.backfill(recent, by: .token("ops-bot"))
        #expect(clamped.slots == 2 && clamped.created == 2)
    }

    @Test func aBackfillIsRefusedWithAStableCodeAndRecordsNothing() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile([
            "etl": OperationsHarness.manifest("etl"),
            "minutely": OperationsHarness.manifest("minutely", schedule: #"{ "cron": "* * * * *" }"#),
            "manual": OperationsHarness.manifest("manual", schedule: nil),
            "required": OperationsHarness.manifest("required", fields: #""parameters": { "day": { "required": true } }"#),
        ])
        func refused(_ pipeline: String, _ from: String, _ to: String, maxParallel: Int = 1) async -> OperationError? {
            await #expect(throws: OperationError.self) {
                try await harness.operations.backfill(BackfillRequest(pipeline: pipeline, from: BackfillBound(from)!, to: BackfillBound(to)!, maxParallel: maxParallel), by: .token("t"))
            }
        }
        #expect(await refused("nope", "2025-12-01", "2025-12-02")?.code == .unknownPipeline)
        let manual = await refused("manual", "2025-12-01", "2025-12-02")
        #expect(manual?.code == .noSchedule && manual?.exitCode == 1 && manual?.httpStatus == 409)
        let reversed = await refused("etl", "2025-12-02", "2025-12-01")
        #expect(reversed?.code == .badRange && reversed?.exitCode == 2 && reversed?.httpStatus == 400)
        #expect(await refused("etl", "2025-12-01", "2025-12-01")?.code == .badRange)
        #expect(await refused("etl", "2026-01-02", "2026-01-03")?.code == .badRange)
        // 7 days of minutes: 10,080 slots, over the limit of 10,000; 6 days (8,640) are not.
        let tooMany = await refused("minutely", "2025-12-01", "2025-12-08")
        #expect(tooMany?.code == .tooManySlots && tooMany?.exitCode == 2)
        #expect(await refused("etl", "2025-12-01", "2025-12-02", maxParallel: 0)?.code == .badRequest)
        #expect(await refused("etl", "2025-12-01", "2025-12-02", maxParallel: 101)?.code == .badRequest)
        #expect(await refused("required", "2025-12-01", "2025-12-02")?.code == .invalidParameters)
        harness.link.setRunning(nil)
        #expect(await refused("etl", "2025-12-01", "2025-12-02")?.code == .daemonNotRunning)
        #expect(try await harness.store.backfills(pipeline: nil, states: [], limit: 10).isEmpty, "a refused backfill was recorded")
        #expect(try await harness.store.runs(RunQuery(limit: 10)).isEmpty, "a refused backfill queued runs")

        harness.link.setRunning(4242)
        let sixDays = try await harness.operations.backfill(
            BackfillRequest(pipeline: "minutely", from: BackfillBound("2025-12-01")!, to: BackfillBound("2025-12-07")!), by: .token("t"))
        #expect(sixDays.slots == 8_640)
        let unknown = await #expect(throws: OperationError.self) { try await harness.operations.cancelBackfill(99, by: .token("t")) }
        #expect(unknown?.code == .unknownBackfill && unknown?.httpStatus == 404)
    }

    @Test func cancellingABackfillCancelsItsQueuedRunsAtOnceAndNamesTheActor() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["etl": OperationsHarness.manifest("etl")])
        let backfill = try await harness.operations.backfill(
            BackfillRequest(pipeline: "etl", from: BackfillBound("2025-12-01")!, to: BackfillBound("2025-12-04")!), by: .token("ops-bot"))
        let result = try await harness.operations.cancelBackfill(backfill.id, by: .token("on-call"))
        #expect(result.changed && result.cancelledRuns == 3 && result.requestedRuns == 0 && result.daemonNotified)
        #expect(result.backfill.state == .cancelled && result.backfill.runs == ["cancelled": 3])
        #expect(result.backfill.reason == "cancel requested by on-call (backfill \(backfill.id))")
        let audit = try await harness.operations.audit(AuditRequest(pipeline: "etl"))
        #expect(audit.events.first?.change == "cancel" && audit.events.first?.actor == "on-call")
        let again = try await harness.operations.cancelBackfill(backfill.id, by: .token("on-call"))
        #expect(!again.changed && again.cancelledRuns == 0)
    }

    @Test func aBoundIsAnRFC3339InstantOrAPlainDate() throws {
        #expect(BackfillBound("2026-01-01T02:00:00+09:00") == .instant(RFC3339Fixture.instant("2025-12-31T17:00:00Z")))
        #expect(BackfillBound("2026-01-31") == .date(year: 2026, month: 1, day: 31))
        for bad in ["2026-02-30", "2026-13-01", "2026-1-01", "26-01-01", "2026-01-01T00:00Z", "yesterday", ""] {
            #expect(BackfillBound(bad) == nil, "\(bad)")
        }
        // A date is its first instant in the zone, also on a day daylight saving starts.
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        #expect(BackfillBound("2026-03-08")?.instant(in: newYork) == RFC3339Fixture.instant("2026-03-08T05:00:00Z"))
        #expect(BackfillBound("2026-07-01")?.instant(in: newYork) == RFC3339Fixture.instant("2026-07-01T04:00:00Z"))
    }
}

/// Instants in tests, written as RFC 3339 text.
enum RFC3339Fixture {
    static func instant(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)!
    }
}
