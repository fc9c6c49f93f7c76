import Foundation
import Testing

/// `baton plan`: against the live state (nothing written) and between two commits (no store).
@Suite struct PlanCommandTests {
    @Test func textShowsTheCronChangeAndFireTimesBeforeAndAfter() throws {
        let scenario = try ReconcilerScenario()
        try scenario.addPipelines()
        try scenario.withSource("reconcile", "--once")
        let head = try scenario.moveSalesToThree()
        let result = try scenario.withSource("plan")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("~ update sales  manifests/sales.json  v1 → v2"))
        #expect(result.stdout.contains("    by Bo Chen <bo@example.com> in \(head.prefix(12))"))
        #expect(result.stdout.contains(#"    /schedule/cron: "0 2 * * *" → "0 3 * * *""#))
        #expect(result.stdout.contains("    schedule: at 02:00 every day (Asia/Tokyo) → at 03:00 every day (Asia/Tokyo)"))
        let before = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("    next before: ") })
        let after = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("    next after:  ") })
        #expect(before.components(separatedBy: "T02:00:00+09:00").count == 4)
        #expect(after.components(separatedBy: "T03:00:00+09:00").count == 4)
        #expect(result.stdout.hasSuffix("plan: commit \(head.prefix(12)) (bo@example.com) would apply: 0 to create, 1 to update, 0 to retire, 0 to revive, 1 unchanged\n"))

        // Nothing was written: the live commit is still the first one.
        let status = try scenario.jsonObject(try scenario.withState("status", "--json"))
        let pipelines = try #require(status["pipelines"] as? [[String: Any]])
        #expect(pipelines.first { $0["name"] as? String == "sales" }?["version"] as? Int == 1)
    }

    /// Triggers read like schedules: what starts a pipeline, before and after the change.
    @Test func triggersAndOnFailureShowBesideTheSchedule() throws {
        let scenario = try ReconcilerScenario()
        try scenario.addPipelines()
        try scenario.repo.write("manifests/report.json", """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "report",
             "parameters": {"day": {"default": "today"}, "file": {"default": ""}},
             "triggers": [{"pipeline": "sales", "params": {"day": "${upstream.outputs.day}"}}, {"path": "/data/in/*.csv", "settle": "30s"}],
             "tasks": [{"id": "a", "run": "true"}]}
            """)
        try scenario.repo.commit("Add report")
        let added = try scenario.withSource("plan")
        #expect(added.status == 0, "\(added.stdout)\(added.stderr)")
        #expect(added.stdout.contains("    schedule: no schedule: runs on its triggers\n    trigger: after sales succeeds, with day=${upstream.outputs.day}\n    trigger: for each new file /data/in/*.csv, once unchanged for 30s\n"), "\(added.stdout)")
        #expect(try scenario.withSource("reconcile", "--once").status == 0)
        let status = try scenario.withState("status")
        #expect(status.stdout.contains("after sales succeeds, with day=${upstream.outputs.day}; for each new file /data/in/*.csv"), "\(status.stdout)")

        try scenario.repo.write("manifests/report.json", """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "report",
             "triggers": [{"pipeline": "sales", "on": ["failed"]}], "onFailure": {"pipeline": "oncall"},
             "tasks": [{"id": "a", "run": "true"}]}
            """)
        try scenario.repo.write("manifests/oncall.json", """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "oncall",
             "parameters": {"failedRun": {}, "failedPipeline": {}, "failedReason": {}}, "tasks": [{"id": "a", "run": "true"}]}
            """)
        try scenario.repo.commit("Report on failures")
        let changed = try scenario.withSource("plan")
        #expect(changed.stdout.contains("    trigger before: after sales succeeds, with day=${upstream.outputs.day}\n    trigger before: for each new file /data/in/*.csv, once unchanged for 30s\n    trigger after: after sales fails or times out\n    on failure after: a failed run starts oncall\n"), "\(changed.stdout)")
        let json = try scenario.jsonObject(try scenario.withSource("plan", "--json"))
        let schedule = (json["changes"] as? [[String: Any]])?.first { $0["pipeline"] as? String == "report" }?["schedule"] as? [String: Any]
        #expect((schedule?["after"] as? [String: Any])?["triggers"] as? [String] == ["after sales fails or times out"])
        #expect((schedule?["after"] as? [String: Any])?["onFailure"] as? String == "a failed run starts oncall")
    }

    @Test func jsonCarriesFieldsAndScheduleBeforeAndAfter() throws {
        let scenario = try ReconcilerScenario()
        try scenario.addPipelines()
        try scenario.withSource("reconcile", "--once")
        try scenario.moveSalesToThree()
        let result = try scenario.withSource("plan", "--json")
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let object = try scenario.jsonObject(result)
        #expect(object["hasChanges"] as? Bool == true)
        #expect(object["written"] as? Bool == false)
        let change = try #require((object["changes"] as? [[String: Any]])?.first)
        let field = try #require((change["fields"] as? [[String: Any]])?.first)
        #expect(field["pointer"] as? String == "/schedule/cron")
        #expect(field["old"] as? String == "0 2 * * *")
        #expect(field["new"] as? String == "0 3 * * *")
        let schedule = try #require(change["schedule"] as? [String: Any])
        let before = try #require(schedule["before"] as? [String: Any])
        let after = try #require(schedule["after"] as? [String: Any])
        #expect(before["timeZone"] as? String == "Asia/Tokyo")
        #expect((before["next"] as? [String])?.allSatisfy { $0.hasSuffix("T17:00:00Z") } == true)
        #expect((after["next"] as? [String])?.count == 3)
        #expect((after["next"] as? [String])?.allSatisfy { $0.hasSuffix("T18:00:00Z") } == true)
    }

    @Test func detailedExitcodeIsZeroWithoutChangesAndTwoWithChanges() throws {
        let scenario = try ReconcilerScenario()
        try scenario.addPipelines()
        try scenario.withSource("reconcile", "--once")
        let none = try scenario.withSource("plan", "--detailed-exitcode")
        #expect(none.status == 0, "\(none.stdout)\(none.stderr)")
        #expect(none.stdout.contains("unchanged: no pipeline changes"))
        try scenario.moveSalesToThree()
        let some = try scenario.withSource("plan", "--detailed-exitcode")
        #expect(some.status == 2)
        let plain = try scenario.withSource("plan")
        #expect(plain.status == 0)
        try scenario.breakSales()
        let rejected = try scenario.withSource("plan", "--detailed-exitcode")
        #expect(rejected.status == 1)
        #expect(rejected.stdout.contains("[invalid-cron]"))
        #expect(rejected.stdout.contains("would be rejected: 1 error"))
    }

    @Test func baseAndHeadNeedNoStateDirectory() throws {
        let scenario = try ReconcilerScenario()
        let base = try scenario.addPipelines()
        let head = try scenario.moveSalesToThree()
        let result = try scenario.withSource("plan", "--base", base, "--head", head)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("~ update sales  manifests/sales.json\n"))
        #expect(result.stdout.contains(#"/schedule/cron: "0 2 * * *" → "0 3 * * *""#))
        #expect(!FileManager.default.fileExists(atPath: scenario.state))

        // Branches, short ids and rev-parse syntax name commits too.
        let short = try scenario.withSource("plan", "--base", "main~1", "--head", String(head.prefix(8)), "--detailed-exitcode")
        #expect(short.status == 2, "\(short.stdout)\(short.stderr)")
        let same = try scenario.withSource("plan", "--base", "main", "--head", head, "--detailed-exitcode")
        #expect(same.status == 0)
        #expect(!FileManager.default.fileExists(atPath: scenario.state))
    }

    @Test func markdownIsAPullRequestComment() throws {
        let scenario = try ReconcilerScenario()
        let base = try scenario.addPipelines()
        let head = try scenario.moveSalesToThree()
        let result = try scenario.withSource("plan", "--base", base, "--head", head, "--format", "markdown")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let text = result.stdout
        #expect(text.hasPrefix("### Baton plan: 1 to update, 1 unchanged\n"))
        #expect(text.contains("| change | pipeline | file | version |\n|---|---|---|---|\n| update | `sales` | `manifests/sales.json` | - |\n"))
        #expect(text.contains("#### `sales` (update)"))
        #expect(text.contains(#"- `/schedule/cron`: `"0 2 * * *"` → `"0 3 * * *"`"#))
        #expect(text.contains("Schedule: at 02:00 every day (Asia/Tokyo) → **at 03:00 every day (Asia/Tokyo)**"))
        #expect(text.contains("| next | before | after |"))
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| 1 |") || $0.hasPrefix("| 2 |") || $0.hasPrefix("| 3 |") }
        #expect(rows.count == 3)
        #expect(rows.allSatisfy { $0.contains("T02:00:00+09:00`") && $0.contains("T03:00:00+09:00`") })
    }

    @Test func markdownOfARejectedHeadListsEveryDiagnosticInACodeBlock() throws {
        let scenario = try ReconcilerScenario()
        let base = try scenario.addPipelines()
        let head = try scenario.breakSales()
        let result = try scenario.withSource("plan", "--base", base, "--head", head, "--format", "markdown")
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("### Baton plan: rejected, 1 error\n"))
        #expect(result.stdout.contains("```text\nmanifests/sales.json:5:"))
        #expect(result.stdout.contains("[invalid-cron] (at /schedule/cron)\n```\n"))
    }

    @Test func anUnknownRevisionNamesTheFlag() throws {
        let scenario = try ReconcilerScenario()
        try scenario.addPipelines()
        let result = try scenario.withSource("plan", "--base", "nope", "--head", "main")
        #expect(result.status == 1)
        #expect(result.stderr.contains("--base \"nope\" names no branch, tag or commit"))
    }

    @Test func aFetchFailureIsThreeOrOneWithDetailedExitcode() throws {
        let scenario = try ReconcilerScenario()
        try scenario.addPipelines()
        let plain = try scenario.withSource("plan", "--head", "missing")
        #expect(plain.status == 3)
        #expect(plain.stderr.contains("permanent"))
        let detailed = try scenario.withSource("plan", "--head", "missing", "--detailed-exitcode")
        #expect(detailed.status == 1)
    }

    @Test func beforeAnyReconcileEveryPipelineIsACreateAndNoStoreIsMade() throws {
        let scenario = try ReconcilerScenario()
        try scenario.addPipelines()
        let result = try scenario.withSource("plan", "--detailed-exitcode")
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("would apply: 2 to create"))
        #expect(!FileManager.default.fileExists(atPath: scenario.state + "/baton.sqlite"))
    }
}
