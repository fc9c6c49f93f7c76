import BatonTestSupport
import Foundation
import GRDB
import Testing

/// `baton backfill` against a real daemon: the slots of a range run once each (slots that
/// have a run skipped), at most --max-parallel at once (judged from the stored start and end
/// times), cancelled as one unit, and carried on by a daemon killed with SIGKILL half-way;
/// and the requests it refuses, with their codes and exit statuses.
@Suite struct BackfillTests {
    /// A pipeline at 02:00 every day in Tokyo (09:00 ahead of UTC, no daylight saving).
    static func daily(_ name: String, run: String = "true", fields: String = "") -> String {
        """
        {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "\(name)",
         "schedule": {"cron": "0 2 * * *", "timezone": "Asia/Tokyo"}\(fields),
         "tasks": [{"id": "work", "run": \(run.hasPrefix("[") ? run : "\"\(run)\"")}]}

        """
    }

    struct BackfillRow {
        var state: String
        var slots: Int
        var skipped: Int
    }

    static func backfill(_ serve: ServeProcess, _ id: Int) throws -> BackfillRow? {
        try serve.read { db in
            try Row.fetchOne(db, sql: "SELECT state, slotCount, skippedCount FROM backfill WHERE id = ?", arguments: [id])
                .map { BackfillRow(state: $0["state"], slots: $0["slotCount"], skipped: $0["skippedCount"]) }
        } ?? nil
    }

    static func waitForState(_ serve: ServeProcess, backfill id: Int, _ state: String, timeout: TimeInterval = 60) throws {
        try serve.waitFor("backfill \(id) to be \(state)", timeout: timeout) { try backfill(serve, id)?.state == state }
    }

    /// The runs a backfill made, oldest slot first: (slot, state, started, finished).
    static func runs(_ serve: ServeProcess, backfill id: Int) throws -> [(slot: String, state: String, started: Date?, finished: Date?)] {
        try serve.read { db in
            try Row.fetchAll(db, sql: "SELECT scheduledAt, state, startedAt, finishedAt FROM run WHERE backfillID = ? ORDER BY scheduledAt", arguments: [id]).map { row in
                (slot: row["scheduledAt"] as String, state: row["state"] as String,
                 started: (row["startedAt"] as String?).flatMap(ServeTests.date), finished: (row["finishedAt"] as String?).flatMap(ServeTests.date))
            }
        } ?? []
    }

    func requested(_ scenario: ReconcilerScenario, _ arguments: String...) throws -> [String: Any] {
        let result = try BatonBinary.run(["backfill"] + arguments + ["--json", "--state", scenario.state])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        return try scenario.jsonObject(result)
    }

    @Test func aRangeRunsEachSlotOnceAndSlotsThatHaveARunAreSkipped() throws {
        let scenario = try ReconcilerScenario(committing: ["daily": Self.daily("daily", run: "echo slot=$BATON_SCHEDULED_TIME >> $BATON_OUTPUT")])
        let serve = try ServeProcess(scenario).start(interval: "1h")

        // Plain dates are midnights in the schedule's zone: 2026-01-03 in Tokyo is 2026-01-02T15:00Z.
        let first = try requested(scenario, "daily", "--from", "2026-01-03", "--to", "2026-01-05")
        #expect(first["from"] as? String == "2026-01-02T15:00:00Z")
        #expect(first["slots"] as? Int == 2 && first["skipped"] as? Int == 0 && first["created"] as? Int == 2, "\(first)")
        let firstID = try #require(first["id"] as? Int)
        try Self.waitForState(serve, backfill: firstID, "completed")

        let second = try requested(scenario, "daily", "--from", "2026-01-01", "--to", "2026-01-08", "--max-parallel", "3")
        #expect(second["slots"] as? Int == 7 && second["skipped"] as? Int == 2 && second["created"] as? Int == 5, "\(second)")
        let secondID = try #require(second["id"] as? Int)
        try Self.waitForState(serve, backfill: secondID, "completed")

        // An instant range: the slots are those of [from, to); 2026-01-07T17:00Z (the 8th, 02:00
        // in Tokyo) is `to` itself, so it is out, and every slot before it has a run by now.
        let third = try requested(scenario, "daily", "--from", "2025-12-31T17:00:00Z", "--to", "2026-01-07T17:00:00Z")
        #expect(third["slots"] as? Int == 7 && third["skipped"] as? Int == 7 && third["state"] as? String == "completed", "\(third)")

        let expected = (0..<7).map { String(format: "%@ 17:00:00.000", ["2025-12-31", "2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05", "2026-01-06"][$0]) }
        let all = try serve.runs("daily").filter { $0.trigger == "backfill" }
        #expect(all.compactMap(\.scheduledAt).sorted() == expected, "\(all)")
        #expect(all.allSatisfy { $0.state == "succeeded" }, "\(all)")
        #expect(try Self.runs(serve, backfill: firstID).map(\.slot) == ["2026-01-02 17:00:00.000", "2026-01-03 17:00:00.000"])
        // Each run's task saw its own slot, as an on-time run does.
        let outputs = try serve.read { db in
            try String.fetchAll(db, sql: "SELECT a.outputs FROM task_attempt a JOIN run r ON r.id = a.runID WHERE r.backfillID = ? ORDER BY r.scheduledAt", arguments: [firstID])
        } ?? []
        #expect(outputs == [#"{"slot":"2026-01-02T17:00:00Z"}"#, #"{"slot":"2026-01-03T17:00:00Z"}"#], "\(outputs)")

        // Where triggers show: `runs` (text and JSON) and `backfills`.
        let listed = try scenario.withState("runs", "daily", "--limit", "50")
        #expect(listed.stdout.split(separator: "\n").filter { $0.contains(" backfill ") && $0.contains("succeeded") }.count == 7, "\(listed.stdout)")
        let json = try scenario.jsonObject(try scenario.withState("runs", "daily", "--json", "--limit", "50"))
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.filter { $0["trigger"] as? String == "backfill" }.count == 7)
        #expect(runs.contains { $0["backfill"] as? Int == secondID })
        let shown = try scenario.withState("backfills", String(secondID))
        #expect(shown.status == 0 && shown.stdout.contains("completed") && shown.stdout.contains("5 succeeded"), "\(shown.stdout)")
        let list = try scenario.jsonObject(try scenario.withState("backfills", "--json"))
        #expect((list["backfills"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [third["id"] as? Int, secondID, firstID].compactMap { $0 })
        #expect(try serve.stop() == 0)
    }

    @Test func atMostMaxParallelRunsAreActiveAtOnceOldestSlotFirst() throws {
        let scenario = try ReconcilerScenario(committing: ["slow": Self.daily("slow", run: #"["sleep", "0.4"]"#)])
        let serve = try ServeProcess(scenario).start(["--workers", "8"], interval: "1h")
        let request = try requested(scenario, "slow", "--from", "2026-02-01", "--to", "2026-02-09", "--max-parallel", "2")
        let id = try #require(request["id"] as? Int)
        try Self.waitForState(serve, backfill: id, "completed")
        #expect(try serve.stop() == 0)

        let runs = try Self.runs(serve, backfill: id)
        #expect(runs.count == 8 && runs.allSatisfy { $0.state == "succeeded" }, "\(runs)")
        let spans = runs.compactMap { run in run.started.flatMap { start in run.finished.map { (start, $0) } } }
        #expect(spans.count == 8)
        // At each start, the runs already started and not yet ended, itself included.
        let overlaps = spans.map { span in spans.filter { $0.0 <= span.0 && span.0 < $0.1 }.count }
        #expect(overlaps.max() == 2, "max-parallel 2 not honoured or never used: \(overlaps) \(spans)")
        // Oldest slot first: starts follow the slots' order.
        let starts = spans.map(\.0)
        #expect(zip(starts, starts.dropFirst()).allSatisfy { $0 <= $1 }, "\(starts)")
    }

    /// `concurrency: forbid` (the default) weighs the pipeline's scheduled runs only: the
    /// on-time slots that come due while a long backfill run is active still run.
    @Test func onTimeSlotsStillRunWhileABackfillRunIsActive() throws {
        // January's (backfilled) slots take 3 s, the on-time ones (now) no time at all.
        let scenario = try ReconcilerScenario(committing: ["tick": servedPipeline("tick", run: #"["sh", "-c", "case $BATON_SCHEDULED_TIME in 2026-01-*) sleep 3;; esac"]"#)])
        let serve = try ServeProcess(scenario).start(interval: "1h")
        let request = try requested(scenario, "tick", "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-01T00:00:02Z")
        let id = try #require(request["id"] as? Int)
        #expect(request["created"] as? Int == 2)
        try Self.waitForState(serve, backfill: id, "completed", timeout: 30)
        #expect(try serve.stop() == 0)
        let backfilled = try Self.runs(serve, backfill: id)
        #expect(backfilled.allSatisfy { $0.state == "succeeded" }, "\(backfilled)")
        let start = try #require(backfilled.first?.started)
        let end = try #require(backfilled.last?.finished)
        let scheduled = try serve.runs("tick").filter { $0.trigger == "schedule" }.filter { run in
            guard let slot = run.scheduledAt.flatMap(ServeTests.date) else { return false }
            return slot > start.addingTimeInterval(0.5) && slot < end.addingTimeInterval(-0.5)
        }
        #expect(scheduled.count >= 3, "\(scheduled)")
        #expect(scheduled.allSatisfy { $0.state == "succeeded" }, "on-time slots skipped for a backfill run: \(scheduled)")
    }

    /// A backfilled slot is long past by design: `late` is not raised for its run, while
    /// `success` (and `failure`) are, as for any run.
    @Test func backfilledRunsRaiseSuccessAlertsButNeverLate() throws {
        let alerts = NSTemporaryDirectory() + "backfill-alerts-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: alerts) }
        let scenario = try ReconcilerScenario(committing: ["etl": Self.daily("etl", run: "sleep 0.5", fields: #", "alerts": [{"on": ["late", "success"], "sla": "1s", "command": ["sh", "-c", "echo $BATON_ALERT_EVENT $BATON_ALERT_RUN >> \#(alerts)"]}]"#)])
        let serve = try ServeProcess(scenario).start(interval: "1h")
        let request = try requested(scenario, "etl", "--from", "2026-05-01", "--to", "2026-05-03")
        let id = try #require(request["id"] as? Int)
        try Self.waitForState(serve, backfill: id, "completed")
        try serve.waitFor("both success alerts") {
            ((try? String(contentsOfFile: alerts, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0.hasPrefix("success") }.count == 2
        }
        #expect(try serve.stop() == 0)
        let lines = try String(contentsOfFile: alerts, encoding: .utf8).split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix("late") }, "\(lines)")
    }

    @Test func cancellingABackfillCancelsItsQueuedRunsAndStopsTheRunningOne() throws {
        let scenario = try ReconcilerScenario(committing: ["long": Self.daily("long", run: #"["sleep", "60"]"#)])
        let serve = try ServeProcess(scenario).start(interval: "1h")
        let request = try requested(scenario, "long", "--from", "2026-03-01", "--to", "2026-03-06")
        let id = try #require(request["id"] as? Int)
        try serve.waitFor("the first slot's task to run") {
            try serve.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM task_attempt a JOIN run r ON r.id = a.runID WHERE r.backfillID = ? AND a.state = 'running'", arguments: [id]) } == 1
        }
        let cancelled = try scenario.withState("cancel", "--backfill", String(id))
        #expect(cancelled.status == 0, "\(cancelled.stderr)")
        #expect(cancelled.stdout.contains("4 queued runs cancelled, 1 running asked to stop"), "\(cancelled.stdout)")
        try serve.waitFor("every run of the backfill to end") { try Self.runs(serve, backfill: id).allSatisfy { $0.state == "cancelled" } }
        let runs = try Self.runs(serve, backfill: id)
        #expect(runs.count == 5)
        #expect(runs.filter { $0.started != nil }.count == 1, "a run started after the cancel: \(runs)")
        #expect(try Self.backfill(serve, id)?.state == "cancelled")
        let again = try scenario.withState("cancel", "--backfill", String(id))
        #expect(again.status == 0 && again.stdout.contains("already ended: cancelled"), "\(again.stdout)")
        #expect(try serve.stop() == 0)
        #expect(try Self.runs(serve, backfill: id).filter { $0.started != nil }.count == 1)
    }

    @Test func aDaemonKilledMidBackfillFinishesItAfterARestartWithEachSlotRunOnce() throws {
        // One retry: the run the kill interrupts continues after the restart with its next attempt.
        let scenario = try ReconcilerScenario(committing: ["etl": Self.daily("etl", run: #"["sleep", "0.7"]"#, fields: #", "defaults": {"retries": 1}"#)])
        let serve = try ServeProcess(scenario).start(interval: "1h")
        let request = try requested(scenario, "etl", "--from", "2026-04-01", "--to", "2026-04-09")
        let id = try #require(request["id"] as? Int)
        try serve.waitFor("three slots done and a fourth running") {
            let runs = try Self.runs(serve, backfill: id)
            return runs.filter { $0.state == "succeeded" }.count >= 3 && runs.contains { $0.state == "running" }
        }
        serve.crash()
        #expect(try Self.backfill(serve, id)?.state == "running")
        let interrupted = try #require(try Self.runs(serve, backfill: id).first { $0.state == "running" }?.slot)
        try serve.start(interval: "1h")
        try Self.waitForState(serve, backfill: id, "completed")
        #expect(try serve.stop() == 0)

        let runs = try Self.runs(serve, backfill: id)
        #expect(runs.count == 8, "\(runs)")
        #expect(Set(runs.map(\.slot)).count == 8)
        #expect(runs.allSatisfy { $0.state == "succeeded" }, "\(runs)")
        // The run the kill caught was taken up again in place (its next attempt), not made anew.
        let attempts = try serve.read { db in
            try Row.fetchAll(db, sql: "SELECT a.reason FROM task_attempt a JOIN run r ON r.id = a.runID WHERE r.backfillID = ? AND r.scheduledAt = ? ORDER BY a.attempt", arguments: [id, interrupted])
                .map { $0["reason"] as String? }
        } ?? []
        #expect(attempts.count <= 2 && (attempts.count == 1 || attempts.first == "interrupted"), "\(attempts)")
        let doubled = try serve.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM (SELECT scheduledAt FROM run WHERE pipeline = 'etl' GROUP BY scheduledAt HAVING COUNT(*) > 1)") }
        #expect(doubled == 0)
        // Max-parallel 1 across the restart: each run started after the one before ended.
        let spans = runs.compactMap { run in run.started.flatMap { start in run.finished.map { (start, $0) } } }
        #expect(spans.count == 8)
        #expect(zip(spans, spans.dropFirst()).allSatisfy { $0.1 <= $1.0 }, "\(spans)")
    }

    @Test func refusedRequestsSayWhyWithAStableCodeAndExitStatus() throws {
        let scenario = try ReconcilerScenario(committing: [
            "daily": Self.daily("daily"),
            "minutely": Self.daily("minutely").replacingOccurrences(of: "0 2 * * *", with: "* * * * *"),
            "manual": #"{"apiVersion": "baton/v1", "kind": "Pipeline", "name": "manual", "tasks": [{"id": "a", "run": "true"}]}"# + "\n",
        ])
        try scenario.withSource("reconcile", "--once")

        func refused(_ arguments: String..., status: Int32, code: String?, saying text: String) throws {
            let result = try BatonBinary.run(["backfill"] + arguments + ["--json", "--state", scenario.state])
            #expect(result.status == status, "\(arguments): \(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains(text), "\(arguments): \(result.stderr)")
            if let code {
                let error = try scenario.jsonObject(result)["error"] as? [String: Any]
                #expect(error?["code"] as? String == code, "\(arguments): \(result.stdout)")
            }
        }
        try refused("nope", "--from", "2026-01-01", "--to", "2026-01-02", status: 2, code: "unknown-pipeline", saying: "no live pipeline named \"nope\"")
        try refused("manual", "--from", "2026-01-01", "--to", "2026-01-02", status: 1, code: "no-schedule", saying: "has no schedule")
        try refused("daily", "--from", "2026-01-02", "--to", "2026-01-02", status: 2, code: "bad-range", saying: "is not before --to")
        try refused("daily", "--from", "2026-01-03", "--to", "2026-01-02", status: 2, code: "bad-range", saying: "is not before --to")
        try refused("daily", "--from", "2999-01-01", "--to", "2999-01-02", status: 2, code: "bad-range", saying: "in the future")
        // 7 days of minutes: 10,080 slots.
        try refused("minutely", "--from", "2026-01-01", "--to", "2026-01-08", status: 2, code: "too-many-slots", saying: "more than 10000 slots")
        try refused("daily", "--from", "2026-02-30", "--to", "2026-03-02", status: 2, code: nil, saying: "neither an RFC 3339 instant")
        try refused("daily", "--from", "2026-01-01", "--to", "2026-01-02", "--max-parallel", "0", status: 2, code: nil, saying: "--max-parallel must be between 1 and 100")
        // A request that would be accepted, with no daemon: refused, and nothing recorded.
        try refused("daily", "--from", "2026-01-01", "--to", "2026-01-02", status: 1, code: "daemon-not-running", saying: "no baton serve runs")
        let none = try scenario.withState("backfills")
        #expect(none.status == 0 && none.stdout.contains("no backfills yet"), "\(none.stdout)\(none.stderr)")

        let unknown = try scenario.withState("cancel", "--backfill", "42")
        #expect(unknown.status == 1 && unknown.stderr.contains("no backfill 42"), "\(unknown.stderr)")
        let shown = try scenario.withState("backfills", "42", "--json")
        #expect(shown.status == 1)
        #expect((try scenario.jsonObject(shown)["error"] as? [String: Any])?["code"] as? String == "unknown-backfill")
        #expect(try scenario.withState("cancel").status == 2)
        #expect(try scenario.withState("cancel", "1", "--backfill", "1").status == 2)
    }
}
