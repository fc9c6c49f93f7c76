import Foundation
import Testing

/// `baton status`: read from the store only, never creating one.
@Suite struct StatusCommandTests {
    @Test func beforeAnyReconcileItSaysSoAndCreatesNothing() throws {
        let scenario = try ReconcilerScenario()
        let result = try scenario.withState("status")
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("nothing reconciled yet"))
        #expect(result.stderr.contains("run `baton reconcile --once`"))
        #expect(!FileManager.default.fileExists(atPath: scenario.state))

        let json = try scenario.withState("status", "--json")
        #expect(json.status == 1)
        let error = try #require(try scenario.jsonObject(json)["error"] as? [String: Any])
        #expect(error["code"] as? String == "not-reconciled")
        #expect(!FileManager.default.fileExists(atPath: scenario.state))
    }

    @Test func showsTheLiveCommitAndEachPipeline() throws {
        let scenario = try ReconcilerScenario()
        let commit = try scenario.addPipelines()
        try scenario.withSource("reconcile", "--once")
        let result = try scenario.withState("status")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "source:    \(scenario.repo.path)#main (manifests)")
        #expect(lines.contains { $0.hasPrefix("live:      \(commit.prefix(12)) by Ana Lima <ana@example.com> at 2023-11-14T") && $0.contains(": Add sales and ops (applied ") })
        #expect(!lines.contains { $0.hasPrefix("attempted:") })
        #expect(lines.contains("pipelines: 2 active, 0 retired"))
        let sales = try #require(lines.first { $0.hasPrefix("  sales ") })
        #expect(sales.contains("v1"))
        #expect(sales.contains("at 02:00 every day in Asia/Tokyo"))
        #expect(sales.contains("T02:00:00+09:00"))
        #expect(sales.hasSuffix("no"))
    }

    @Test func afterARejectionShowsTheAttemptWhileTheLiveCommitStays() throws {
        let scenario = try ReconcilerScenario()
        let good = try scenario.addPipelines()
        try scenario.withSource("reconcile", "--once")
        let bad = try scenario.breakSales()
        #expect(try scenario.withSource("reconcile", "--once").status == 1)

        let result = try scenario.withState("status")
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("live:      \(good.prefix(12)) by Ana Lima <ana@example.com>") })
        #expect(lines.contains("attempted: \(bad.prefix(12)) by Bo Chen <bo@example.com>: rejected, 1 error (Typo in the sales schedule)"))
        #expect(lines.contains { $0.hasPrefix("  manifests/sales.json:5:") && $0.contains("[invalid-cron] (at /schedule/cron)") })
        #expect(lines.contains { $0.hasPrefix("  sales ") && $0.contains("at 02:00 every day") })

        let json = try scenario.jsonObject(try scenario.withState("status", "--json"))
        #expect(json["healthy"] as? Bool == false)
        #expect((json["live"] as? [String: Any])?["commit"] as? String == good)
        let attempt = try #require(json["lastAttempt"] as? [String: Any])
        #expect(attempt["commit"] as? String == bad)
        #expect(attempt["outcome"] as? String == "rejected")
        #expect((attempt["author"] as? [String: Any])?["email"] as? String == "bo@example.com")
        #expect((attempt["diagnostics"] as? [[String: Any]])?.first?["code"] as? String == "invalid-cron")
    }

    @Test func retiredAndSuspendedPipelinesAreMarked() throws {
        let scenario = try ReconcilerScenario()
        try scenario.addPipelines()
        try scenario.withSource("reconcile", "--once")
        try scenario.repo.remove("manifests/ops.json")
        try scenario.repo.write("manifests/sales.json", scenario.pipeline("sales", cron: "0 2 * * *", suspend: true))
        try scenario.repo.commit("Retire ops, pause sales", author: .bo)
        #expect(try scenario.withSource("reconcile", "--once").status == 0)
        let result = try scenario.withState("status")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("pipelines: 1 active, 1 retired"))
        #expect(lines.contains { $0.hasPrefix("  sales ") && $0.hasSuffix("yes (manifest)") && $0.contains("v2") })
        #expect(lines.contains("retired:"))
        #expect(lines.contains { $0.hasPrefix("  ops ") && $0.contains("v2") && $0.hasSuffix("manifests/ops.json") })

        let json = try scenario.jsonObject(try scenario.withState("status", "--json"))
        let pipelines = try #require(json["pipelines"] as? [[String: Any]])
        #expect(pipelines.first { $0["name"] as? String == "ops" }?["state"] as? String == "retired")
        #expect(pipelines.first { $0["name"] as? String == "sales" }?["suspended"] as? Bool == true)
    }
}
