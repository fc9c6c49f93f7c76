import BatonGit
import BatonManifest
import BatonReconciler
import BatonStore
import BatonTestSupport
import Foundation
import Testing

/// Who changed what: several commits between two passes, merges, reverts and rewinds.
@Suite struct ReconcilerAttributionTests {
    typealias H = ReconcilerHarness

    @Test func threeAuthorsBetweenTwoPassesAreThreeAttributions() async throws {
        let h = try H()
        for name in ["a", "b", "c"] { try h.repo.write("manifests/\(name).json", H.manifest(name)) }
        try h.repo.commit("Add three pipelines")
        try await h.pass()

        try h.repo.write("manifests/a.json", H.manifest("a", cron: "0 3 * * *"))
        let byAna = try h.repo.commit("a at three", author: .ana)
        try h.repo.write("manifests/b.json", H.manifest("b", cron: "0 4 * * *"))
        let byBo = try h.repo.commit("b at four", author: .bo)
        try h.repo.write("manifests/c.json", H.manifest("c", cron: "0 5 * * *"))
        let byCy = try h.repo.commit("c at five", author: .cy)
        try h.repo.write("README.md", "docs only\n")
        let tip = try h.repo.commit("Docs", author: .dee)

        let report = try await h.pass()
        #expect(report.plan.summary == PlanSummary(updates: 3))
        var commits: [String: (String, String)] = [:]
        for name in ["a", "b", "c"] {
            let version = try #require(try await h.version(name))
            commits[name] = (version.commit.id, version.commit.author.email)
            #expect(version.revisionCommit == tip)
        }
        #expect(commits["a"]! == (byAna, "ana@example.com"))
        #expect(commits["b"]! == (byBo, "bo@example.com"))
        #expect(commits["c"]! == (byCy, "cy@example.com"))
        let audit = try await h.store.auditEvents(AuditQuery(authorEmail: "bo@example.com"))
        #expect(audit.map(\.pipeline) == ["b"])
        #expect(audit.first?.changedFields == ["/schedule/cron"])
    }

    @Test func aChangeMergedFromABranchNamesItsAuthorAndWhoMerged() async throws {
        let h = try H()
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        try h.repo.commit("Add sales")
        try await h.pass()

        try h.repo.git("checkout", "-q", "-b", "later")
        try h.repo.write("manifests/sales.json", H.manifest("sales", cron: "0 6 * * *"))
        let onBranch = try h.repo.commit("Run sales later", author: .bo)
        try h.repo.git("checkout", "-q", "main")
        try h.repo.write("README.md", "moving main along\n")
        try h.repo.commit("Docs on main", author: .cy)
        try h.repo.git("merge", "-q", "--no-ff", "-m", "Merge pull request #7 from later", "later", author: .dee)
        let merge = try h.repo.head()

        let report = try await h.pass()
        #expect(report.plan.summary == PlanSummary(updates: 1))
        let version = try #require(try await h.version("sales"))
        #expect(version.commit.id == onBranch)
        #expect(version.commit.author.email == "bo@example.com")
        #expect(version.mergeCommit == merge)
        #expect(version.mergedBy?.email == "dee@example.com")
        let event = try #require(try await h.store.auditEvents(AuditQuery(pipeline: "sales")).first)
        #expect(event.mergedBy?.email == "dee@example.com")
        #expect(try await h.store.auditEvents(AuditQuery(authorEmail: "dee@example.com")).count == 1)
    }

    @Test func aRevertedScheduleChangeIsANewVersionByTheReverterWithTheOldHash() async throws {
        let h = try H()
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        try h.repo.commit("Add sales")
        try await h.pass()
        let original = try #require(try await h.version("sales"))

        try h.repo.write("manifests/sales.json", H.manifest("sales", cron: "*/5 * * * *"))
        let change = try h.repo.commit("Every five minutes", author: .bo)
        try await h.pass()
        try h.repo.git("revert", "--no-edit", change, author: .cy)
        let revert = try h.repo.head()
        let report = try await h.pass()

        #expect(report.plan.entries.first?.changes == [FieldChange(pointer: "/schedule/cron", old: #""*/5 * * * *""#, new: #""0 2 * * *""#)])
        let versions = try await h.store.versions(of: "sales")
        #expect(versions.map(\.number) == [3, 2, 1])
        #expect(versions.map(\.commit.author.email) == ["cy@example.com", "bo@example.com", "ana@example.com"])
        #expect(versions[0].commit.id == revert)
        #expect(versions[0].specHash == original.specHash)
        #expect(versions[1].specHash != original.specHash)
        #expect(try await h.store.pipelines(named: ["sales"]).first?.specHash == original.specHash)
    }

    @Test func aForcePushRewindAppliesTheOlderContentAndIsRecordedAsARewind() async throws {
        let h = try H()
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        let first = try h.repo.commit("Add sales")
        try await h.pass()
        try h.repo.write("manifests/sales.json", H.manifest("sales", cron: "0 7 * * *"))
        try h.repo.write("manifests/ops.json", H.manifest("ops"))
        try h.repo.commit("A change that gets force-pushed away", author: .bo)
        try await h.pass()
        #expect(try await h.store.activePipelineCount() == 2)

        try h.repo.git("reset", "-q", "--hard", first)
        try h.repo.write("manifests/sales.json", H.manifest("sales", cron: "0 8 * * *"))
        let rewritten = try h.repo.commit("The change, rewritten", author: .cy)
        let report = try await h.pass()
        #expect(report.movement == .rewind)
        #expect(report.outcome == .applied)
        #expect(report.plan.summary == PlanSummary(updates: 1, retires: 1))
        #expect(try await h.state("ops") == .retired)
        let sales = try #require(try await h.version("sales"))
        #expect(sales.commit.id == rewritten)
        #expect(sales.spec.contains("0 8 * * *"))
        #expect(try await h.store.revisions(limit: 1).first?.movement == .rewind)
        #expect(try await h.store.source()?.lastAppliedCommit == rewritten)
    }
}
