import BatonTestSupport
import Foundation
import GRDB
import Testing

/// `triggers` naming a pipeline and `onFailure`, through a real daemon: parameters filled from
/// the upstream run's outputs, the cause recorded on the run, and each upstream run firing
/// each dependent exactly once through kill -9.
@Suite struct PipelineTriggerServeTests {
    static func manifest(_ name: String, fields: String, run: String) -> String {
        """
        {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "\(name)", \(fields)
         "tasks": [{"id": "work", "run": \(run)}]}

        """
    }

    @Test func aDependentRunsWithTheUpstreamOutputsAndAFailureRunsItsHandler() throws {
        let out = try TemporaryDirectory()
        let scenario = try ReconcilerScenario(committing: [
            "ingest": Self.manifest("ingest", fields: #""parameters": {"fail": {"default": "no"}}, "onFailure": {"pipeline": "oncall"},"#,
                                    run: #""test \"$BATON_PARAM_FAIL\" = no && echo day=2026-03-0$BATON_RUN_ID >> \"$BATON_OUTPUT\"""#),
            "report": Self.manifest("report", fields: #""parameters": {"day": {"required": true}}, "triggers": [{"pipeline": "ingest", "params": {"day": "${upstream.outputs.day}"}}],"#,
                                    run: #""echo \"$BATON_PARAM_DAY\" > \#(out.url.path)/report.$BATON_RUN_ID""#),
            "oncall": Self.manifest("oncall", fields: #""parameters": {"failedRun": {}, "failedPipeline": {}, "failedReason": {}},"#,
                                    run: #""echo \"$BATON_PARAM_FAILEDPIPELINE $BATON_PARAM_FAILEDRUN $BATON_PARAM_FAILEDREASON\" > \#(out.url.path)/oncall.$BATON_RUN_ID""#),
        ])
        let serve = try ServeProcess(scenario).start(interval: "1h")

        let good = try scenario.withState("trigger", "ingest", "--json")
        #expect(good.status == 0, "\(good.stderr)")
        let ingestID = try #require(try scenario.jsonObject(good)["run"] as? Int)
        try serve.waitFor("report to run after ingest") { try serve.runs("report").contains { $0.state == "succeeded" } }
        let report = try #require(try serve.runs("report").first)
        #expect(report.trigger == "pipeline")
        #expect(try String(contentsOfFile: "\(out.url.path)/report.\(report.id)", encoding: .utf8) == "2026-03-0\(ingestID)\n")
        let listed = try scenario.withState("runs", "report")
        #expect(listed.stdout.contains("pipeline ingest run \(ingestID)"), "\(listed.stdout)")
        let json = try #require(try scenario.jsonObject(try scenario.withState("runs", "report", "--json"))["runs"] as? [[String: Any]])
        #expect(json.first?["upstreamRun"] as? Int == ingestID)
        #expect(json.first?["upstreamPipeline"] as? String == "ingest")
        #expect(try serve.runs("oncall").isEmpty, "a success starts no failure handler")

        let bad = try scenario.withState("trigger", "ingest", "--param", "fail=yes", "--json")
        let badID = try #require(try scenario.jsonObject(bad)["run"] as? Int)
        try serve.waitFor("oncall to run after the failure") { try serve.runs("oncall").contains { $0.state == "succeeded" } }
        let oncall = try #require(try serve.runs("oncall").first)
        #expect(oncall.trigger == "failure")
        #expect(try String(contentsOfFile: "\(out.url.path)/oncall.\(oncall.id)", encoding: .utf8) == "ingest \(badID) task work failed: exited with status 1\n")
        #expect(try serve.runs("report").count == 1, "report triggers on success only")
        #expect(try serve.stop() == 0)
    }

    @Test func anOutputTheUpstreamDidNotWriteFailsTheDependentWithTheReason() throws {
        let scenario = try ReconcilerScenario(committing: [
            "ingest": Self.manifest("ingest", fields: "", run: #""true""#),
            "report": Self.manifest("report", fields: #""parameters": {"day": {}}, "triggers": [{"pipeline": "ingest", "params": {"day": "${upstream.outputs.day}"}}],"#, run: #""true""#),
        ])
        let serve = try ServeProcess(scenario).start(interval: "1h")
        #expect(try scenario.withState("trigger", "ingest").status == 0)
        try serve.waitFor("the dependent to be recorded") { !(try serve.runs("report")).isEmpty }
        let report = try #require(try serve.runs("report").first)
        #expect(report.state == "failed")
        #expect(report.reason?.contains("no task of run") == true && report.reason?.contains("wrote an output \"day\"") == true, "\(report.reason ?? "")")
        #expect(try serve.stop() == 0)
    }

    /// A daemon stopped after a run ended but before it recorded the run's dependents leaves
    /// the run unmarked, as here; the next daemon records them at its start.
    @Test func aRunWhoseDependentsWereNotRecordedFiresThemAtTheNextStart() throws {
        let scenario = try ReconcilerScenario(committing: [
            "ingest": Self.manifest("ingest", fields: "", run: #""true""#),
            "report": Self.manifest("report", fields: #""triggers": [{"pipeline": "ingest"}],"#, run: #""true""#),
        ])
        let serve = try ServeProcess(scenario).start(interval: "1h")
        #expect(try serve.stop() == 0)
        let queue = try DatabaseQueue(path: "\(scenario.state)/baton.sqlite")
        let upstream = try queue.write { db -> Int64 in
            let version = try Int64.fetchOne(db, sql: "SELECT currentVersionID FROM pipeline WHERE name = 'ingest'")
            // As the store writes instants (UTC), a moment after the trigger was applied.
            let format = DateFormatter()
            format.locale = Locale(identifier: "en_US_POSIX")
            format.timeZone = TimeZone(identifier: "UTC")
            format.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
            let now = format.string(from: Date())
            try db.execute(sql: """
                INSERT INTO run (pipeline, versionID, trigger, state, parameters, createdAt, startedAt, finishedAt, taskSpecHashes, dependentsFired)
                VALUES ('ingest', ?, 'manual', 'succeeded', '{}', ?, ?, ?, '{}', 0)
                """, arguments: [version, now, now, now])
            return db.lastInsertedRowID
        }
        try queue.close()
        try serve.start(interval: "1h")
        try serve.waitFor("the dependent of the unmarked run") { try serve.runs("report").contains { $0.state == "succeeded" } }
        let (marked, dependents) = try #require(try serve.read { db in
            (try Bool.fetchOne(db, sql: "SELECT dependentsFired FROM run WHERE id = ?", arguments: [upstream]),
             try Int64.fetchAll(db, sql: "SELECT upstreamRunID FROM run WHERE pipeline = 'report'"))
        })
        #expect(marked == true)
        #expect(dependents == [upstream])
        #expect(try serve.stop() == 0)
    }

    /// `tick` runs every second; `after` follows each of its runs, whatever their end. The
    /// daemon is killed with SIGKILL at random moments (seed printed; BATON_TEST_SEED repeats
    /// it) and restarted; in the end every ended `tick` run has exactly one `after` run.
    @Test func eachUpstreamRunFiresEachDependentExactlyOnceThroughKill9() throws {
        let seed = ProcessInfo.processInfo.environment["BATON_TEST_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
        print("eachUpstreamRunFiresEachDependentExactlyOnceThroughKill9 seed: \(seed) (BATON_TEST_SEED=\(seed) repeats it)")
        var random = SplitMix64(seed: seed)
        let scenario = try ReconcilerScenario(committing: [
            "tick": servedPipeline("tick", every: "1s", run: "sleep 0.3"),
            "after": Self.manifest("after", fields: #""triggers": [{"pipeline": "tick", "on": ["any"]}],"#, run: #""true""#),
        ])
        let serve = ServeProcess(scenario)
        for round in 0..<4 {
            try serve.start(interval: "1h")
            let before = try serve.runs("tick").count
            try serve.waitFor("ticks in round \(round)") { try serve.runs("tick").count >= before + 2 }
            usleep(UInt32(random.next() % 900_000))
            serve.crash()
        }
        try serve.start(interval: "1h")
        try serve.waitFor("more ticks after the last restart") { try serve.runs("tick").filter { $0.state == "succeeded" }.count >= 6 }
        #expect(try serve.stop() == 0)

        let (ticks, dependents) = try #require(try serve.read { db -> ([Row], [Row]) in
            (try Row.fetchAll(db, sql: "SELECT id, state, dependentsFired FROM run WHERE pipeline = 'tick' AND finishedAt IS NOT NULL AND state NOT IN ('missed', 'skipped')"),
             try Row.fetchAll(db, sql: "SELECT upstreamRunID, trigger FROM run WHERE pipeline = 'after'"))
        })
        #expect(ticks.count >= 6)
        var byUpstream: [Int64: Int] = [:]
        for row in dependents {
            #expect(row["trigger"] as String == "pipeline")
            byUpstream[row["upstreamRunID"] as Int64, default: 0] += 1
        }
        for tick in ticks {
            let id: Int64 = tick["id"]
            #expect(byUpstream[id] == 1, "tick run \(id) (\(tick["state"] as String)) fired \(byUpstream[id] ?? 0) after runs (seed \(seed))")
            #expect(tick["dependentsFired"] as Bool, "tick run \(id) is marked")
        }
        #expect(byUpstream.values.allSatisfy { $0 == 1 })
    }
}
