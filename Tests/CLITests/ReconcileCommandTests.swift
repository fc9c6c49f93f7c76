import Foundation
import Testing

/// `baton reconcile --once` on real repositories and a real SQLite store.
@Suite struct ReconcileCommandTests {
    @Test func appliesThenReportsUnchanged() throws {
        let scenario = try ReconcilerScenario()
        let commit = try scenario.addPipelines()
        let first = try scenario.withSource("reconcile", "--once")
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("+ create ops  manifests/ops.json  v1"))
        #expect(first.stdout.contains("+ create sales  manifests/sales.json  v1"))
        #expect(first.stdout.contains("    by Ana Lima <ana@example.com> in \(commit.prefix(12))"))
        #expect(first.stdout.contains("schedule: at 02:00 every day (Asia/Tokyo)"))
        #expect(first.stdout.hasSuffix("reconcile: commit \(commit.prefix(12)) (ana@example.com) applied: 2 to create, 0 to update, 0 to retire, 0 to revive, 0 unchanged\n"))
        #expect(FileManager.default.fileExists(atPath: scenario.state + "/baton.sqlite"))

        let second = try scenario.withSource("reconcile", "--once")
        #expect(second.status == 0)
        #expect(second.stdout == "reconcile: commit \(commit.prefix(12)) (ana@example.com) unchanged: already applied; 2 pipelines live\n")
    }

    @Test func appliesAnUpdateWithItsFieldsAndAuthor() throws {
        let scenario = try ReconcilerScenario()
        try scenario.addPipelines()
        try scenario.withSource("reconcile", "--once")
        let commit = try scenario.moveSalesToThree()
        let result = try scenario.withSource("reconcile", "--once", "--json")
        #expect(result.status == 0)
        let object = try scenario.jsonObject(result)
        #expect(object["outcome"] as? String == "applied")
        #expect(object["written"] as? Bool == true)
        #expect(object["live"] as? String == commit)
        let changes = try #require(object["changes"] as? [[String: Any]])
        #expect(changes.count == 1)
        #expect(changes.first?["change"] as? String == "update")
        #expect(changes.first?["version"] as? Int == 2)
        let fields = try #require(changes.first?["fields"] as? [[String: Any]])
        #expect(fields.first?["pointer"] as? String == "/schedule/cron")
        #expect(fields.first?["old"] as? String == "0 2 * * *")
        #expect(fields.first?["new"] as? String == "0 3 * * *")
        let author = ((changes.first?["attribution"] as? [String: Any])?["commit"] as? [String: Any])?["author"] as? [String: Any]
        #expect(author?["email"] as? String == "bo@example.com")
    }

    @Test func aRejectedCommitNamesTheDiagnosticAndAuthorAndKeepsTheLiveCommit() throws {
        let scenario = try ReconcilerScenario()
        let good = try scenario.addPipelines()
        try scenario.withSource("reconcile", "--once")
        let bad = try scenario.breakSales()
        let result = try scenario.withSource("reconcile", "--once")
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("manifests/sales.json:5:") == true)
        #expect(lines.first?.contains(": error: ") == true)
        #expect(lines.first?.contains("[invalid-cron] (at /schedule/cron)") == true)
        #expect(lines.last == "reconcile: commit \(bad.prefix(12)) (bo@example.com) rejected: 1 error; \(good.prefix(12)) stays live")

        let json = try scenario.jsonObject(try scenario.withSource("reconcile", "--once", "--json"))
        #expect(json["outcome"] as? String == "rejected")
        #expect(json["alreadyJudged"] as? Bool == true)
        #expect(json["live"] as? String == good)
        let diagnostics = try #require(json["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.map { $0["code"] as? String } == ["invalid-cron"])
        #expect(diagnostics.first?["line"] as? Int == 5)
    }

    @Test func aMissingRepositoryIsAPermanentFetchFailure() throws {
        let scenario = try ReconcilerScenario()
        let missing = scenario.directory.url.appendingPathComponent("nowhere").path
        let result = try BatonBinary.run(["reconcile", "--once", "--repo", missing, "--state", scenario.state])
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "error: the repository \(missing) does not exist (permanent: a person must act); check --repo or BATON_REPO\n")
    }

    @Test func aMissingBranchIsAPermanentFetchFailureRecordedInStatus() throws {
        let scenario = try ReconcilerScenario()
        try scenario.addPipelines()
        let result = try scenario.withSource("reconcile", "--once", "--ref", "release")
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: fetch failed (permanent: a person must act): "))
        #expect(result.stderr.contains("refs/heads/release"))

        let status = try scenario.withState("status", "--json")
        #expect(status.status == 0)
        let source = try #require(try scenario.jsonObject(status)["source"] as? [String: Any])
        #expect(source["consecutiveFailures"] as? Int == 1)
        #expect(source["lastErrorTransient"] as? Bool == false)
        let text = try scenario.withState("status")
        #expect(text.stdout.contains("error:     1 failed fetch in a row, the last at "))
    }

    @Test func anUnreachableServerIsATransientFetchFailure() throws {
        let scenario = try ReconcilerScenario()
        let result = try BatonBinary.run(["reconcile", "--once", "--repo", "git://127.0.0.1:1/pipelines.git", "--state", scenario.state, "--json"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("transient"))
        let error = try #require(try scenario.jsonObject(result)["error"] as? [String: Any])
        #expect(error["transient"] as? Bool == true)
    }

    @Test func withoutOnceItIsAUsageError() throws {
        let result = try BatonBinary.run(["reconcile"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("pass --once"))
        #expect(result.stderr.contains("baton serve"))
    }

    @Test func anEmptiedSourceIsRejectedUnlessAllowed() throws {
        let scenario = try ReconcilerScenario()
        try scenario.addPipelines()
        try scenario.withSource("reconcile", "--once")
        try scenario.repo.remove("manifests")
        try scenario.repo.commit("Remove every pipeline", author: .bo)
        let rejected = try scenario.withSource("reconcile", "--once")
        #expect(rejected.status == 1)
        #expect(rejected.stdout.contains("[empty-source]"))
        let allowed = try scenario.withSource("reconcile", "--once", "--allow-empty")
        #expect(allowed.status == 0, "\(allowed.stdout)\(allowed.stderr)")
        #expect(allowed.stdout.contains("- retire sales  manifests/sales.json  v1 (retired)"))
    }

    @Test func helpTeachesWithAnExampleAndTheExitStatuses() throws {
        let result = try BatonBinary.run(["reconcile", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("$ baton reconcile --once"))
        #expect(result.stdout.contains("Exit status: 0 when the commit was applied"))
        #expect(result.stdout.contains("--allow-empty"))
    }
}
