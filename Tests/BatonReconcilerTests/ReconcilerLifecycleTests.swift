import BatonGit
import BatonManifest
@testable import BatonReconciler
import BatonStore
import BatonTestSupport
import Foundation
import Testing

/// End-to-end passes on real repositories: the life of a pipeline from its first commit to
/// its revival, and every way a commit can be judged.
@Suite struct ReconcilerLifecycleTests {
    typealias H = ReconcilerHarness

    @Test func createUpdateRetireRevive() async throws {
        let h = try H()
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        try h.repo.write("manifests/ops.json", H.manifest("ops"))
        let c1 = try h.repo.commit("Add sales and ops")
        var report = try await h.pass()
        #expect(report.outcome == .applied)
        #expect(report.movement == .initial)
        #expect(report.plan.summary == PlanSummary(creates: 2))
        #expect(report.plan.entries.map(\.pipeline) == ["ops", "sales"])
        #expect(report.applied)
        let created = try #require(try await h.version("sales"))
        #expect(created.number == 1)
        #expect(created.changeKind == .create)
        #expect(created.commit.id == c1)
        #expect(created.filePath == "manifests/sales.json")

        try h.repo.write("manifests/sales.json", H.manifest("sales", cron: "0 3 * * *"))
        let c2 = try h.repo.commit("Run sales at three", author: .bo)
        report = try await h.pass()
        #expect(report.plan.summary == PlanSummary(updates: 1, unchanged: 1))
        #expect(report.incremental)
        #expect(report.movement == .fastForward)
        let update = try #require(report.plan.entries.first)
        #expect(update.changes == [FieldChange(pointer: "/schedule/cron", old: #""0 2 * * *""#, new: #""0 3 * * *""#)])
        let preview = try #require(update.schedule)
        #expect(preview.before?.description.contains("02:00") == true)
        #expect(preview.before?.next.map { RFC3339.utcString($0) } == ["2026-01-01T02:00:00Z", "2026-01-02T02:00:00Z", "2026-01-03T02:00:00Z"])
        #expect(preview.after?.next.first.map { RFC3339.utcString($0) } == "2026-01-01T03:00:00Z")
        var sales = try #require(try await h.version("sales"))
        #expect(sales.number == 2)
        #expect(sales.commit.id == c2)
        #expect(sales.commit.author.email == "bo@example.com")

        try h.repo.remove("manifests/sales.json")
        let c3 = try h.repo.commit("Retire sales", author: .cy)
        report = try await h.pass()
        #expect(report.plan.summary == PlanSummary(retires: 1, unchanged: 1))
        #expect(try await h.state("sales") == .retired)
        sales = try #require(try await h.version("sales"))
        #expect(sales.changeKind == .retire)
        #expect(sales.commit.id == c3)
        #expect(sales.specHash == CanonicalSpec.of(Array(H.manifest("sales", cron: "0 3 * * *").utf8))?.hash)

        try h.repo.write("manifests/sales.json", H.manifest("sales", cron: "0 4 * * *"))
        try h.repo.commit("Bring sales back")
        report = try await h.pass()
        #expect(report.plan.summary == PlanSummary(revives: 1, unchanged: 1))
        #expect(try await h.state("sales") == .active)
        let versions = try await h.store.versions(of: "sales")
        #expect(versions.map(\.changeKind) == [.revive, .retire, .update, .create])
        #expect(versions.map(\.number) == [4, 3, 2, 1])
        let audit = try await h.store.auditEvents(AuditQuery(pipeline: "sales"))
        #expect(audit.map(\.action) == ["revive", "retire", "update", "create"])
        #expect(audit.map { $0.author?.email } == ["ana@example.com", "cy@example.com", "bo@example.com", "ana@example.com"])
    }

    @Test func theSameCommitTwiceChangesNothing() async throws {
        let h = try H()
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        try h.repo.commit("Add sales")
        try await h.pass()
        let again = try await h.pass()
        #expect(again.alreadyJudged)
        #expect(again.outcome == .applied)
        #expect(again.plan.summary == PlanSummary(unchanged: 1))
        #expect(try await h.store.versions(of: "sales").count == 1)
        #expect(try await h.store.revisions(limit: 10).count == 1)
    }

    @Test func reformattingOrMovingAManifestIsNotAChange() async throws {
        let h = try H()
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        try h.repo.commit("Add sales")
        try await h.pass()
        // Same meaning: other key order, other whitespace, 2.0 for 2, and a new folder.
        try h.repo.remove("manifests/sales.json")
        try h.repo.write("manifests/team/sales.json", #"{"tasks":[{"run":"./etl.sh","id":"main"}],"schedule":{"timezone":"UTC","cron":"0 2 * * *"},"name":"sales","kind":"Pipeline","apiVersion":"baton/v1"}"#)
        let moved = try h.repo.commit("Move sales into team/")
        let report = try await h.pass()
        #expect(report.outcome == .unchanged)
        #expect(report.plan.entries.isEmpty)
        #expect(try await h.store.versions(of: "sales").count == 1)
        #expect(try await h.store.source()?.lastAppliedCommit == moved)
        #expect(try await h.store.manifestIndex().map(\.path) == ["manifests/team/sales.json"])
        #expect(try await h.store.revisions(limit: 1).first?.outcome == .unchanged)
    }

    @Test func renamingAPipelineRetiresTheOldNameAndCreatesTheNew() async throws {
        let h = try H()
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        try h.repo.commit("Add sales")
        try await h.pass()
        try h.repo.write("manifests/sales.json", H.manifest("revenue"))
        try h.repo.commit("Call it revenue", author: .bo)
        let report = try await h.pass()
        #expect(report.plan.summary == PlanSummary(creates: 1, retires: 1))
        #expect(report.plan.entries.map { "\($0.kind) \($0.pipeline)" } == ["create revenue", "retire sales"])
        #expect(try await h.state("sales") == .retired)
        #expect(try await h.state("revenue") == .active)
        #expect(report.plan.entries.allSatisfy { $0.attribution?.commit.author.email == "bo@example.com" })
    }

    @Test func anInvalidCommitIsRejectedAndTheNextValidOneApplies() async throws {
        let h = try H()
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        let good = try h.repo.commit("Add sales")
        try await h.pass()

        try h.repo.write("manifests/sales.json", H.manifest("sales", cron: "0 25 * * *"))
        try h.repo.write("manifests/ops.json", H.manifest("ops"))
        let bad = try h.repo.commit("Break the schedule", author: .bo)
        let rejected = try await h.pass()
        #expect(rejected.outcome == .rejected)
        #expect(!rejected.applied)
        let error = try #require(rejected.diagnostics.first { $0.severity == .error })
        #expect(error.file == "manifests/sales.json")
        #expect(error.code == .invalidCron)
        #expect(error.pointer == "/schedule/cron")
        // Nothing of the commit is live: not the broken update, not the valid new pipeline.
        #expect(try await h.state("ops") == nil)
        #expect(try await h.store.versions(of: "sales").count == 1)
        let source = try #require(try await h.store.source())
        #expect(source.lastAppliedCommit == good)
        #expect(source.lastAttemptedCommit == bad)
        #expect(source.lastAttemptOutcome == .rejected)
        #expect(source.lastAttemptAuthor?.email == "bo@example.com")
        #expect(source.lastAttemptDiagnostics.contains { $0.code == .invalidCron && $0.line == 5 })
        // Polling again does not record the same rejection twice.
        let again = try await h.pass()
        #expect(again.alreadyJudged && again.outcome == .rejected)
        #expect(try await h.store.revisions(limit: 10).map(\.outcome) == [.rejected, .applied])

        try h.repo.write("manifests/sales.json", H.manifest("sales", cron: "0 5 * * *"))
        let fixed = try h.repo.commit("Fix the schedule", author: .bo)
        let applied = try await h.pass()
        #expect(applied.outcome == .applied)
        #expect(applied.plan.summary == PlanSummary(creates: 1, updates: 1))
        #expect(try await h.state("ops") == .active)
        #expect(try await h.store.source()?.lastAppliedCommit == fixed)
        #expect(try await h.store.source()?.lastAttemptDiagnostics.isEmpty == true)
    }

    @Test func aDuplicateNameIsRejectedNamingBothFiles() async throws {
        let h = try H()
        try h.repo.write("manifests/a/sales.json", H.manifest("sales"))
        try h.repo.commit("Add sales")
        try await h.pass()
        // The second file arrives later: the pass reads only it, yet names both.
        try h.repo.write("manifests/b/sales-copy.json", H.manifest("sales", cron: "0 9 * * *"))
        try h.repo.commit("Copy sales", author: .bo)
        let report = try await h.pass()
        #expect(report.incremental)
        #expect(report.outcome == .rejected)
        let duplicates = report.diagnostics.filter { $0.code == .duplicateName }
        #expect(duplicates.map(\.file) == ["manifests/a/sales.json", "manifests/b/sales-copy.json"])
        #expect(duplicates[0].message.contains("manifests/b/sales-copy.json"))
        #expect(try await h.store.versions(of: "sales").count == 1)
    }

    @Test func aCommitThatEmptiesTheManifestsPathIsRejectedUnlessAllowed() async throws {
        var h = try H()
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        try h.repo.write("manifests/ops.json", H.manifest("ops"))
        try h.repo.commit("Add pipelines")
        try await h.pass()
        try h.repo.git("mv", "manifests", "pipelines")
        try h.repo.commit("Move the folder (and forget the config)")
        let report = try await h.pass()
        #expect(report.outcome == .rejected)
        let diagnostic = try #require(report.diagnostics.first)
        #expect(diagnostic.code == .emptySource)
        #expect(diagnostic.message.contains("2 pipelines are live"))
        #expect(try await h.store.activePipelineCount() == 2)

        h.options.allowEmpty = true
        let allowed = try await h.pass()
        #expect(allowed.outcome == .applied)
        #expect(allowed.plan.summary == PlanSummary(retires: 2))
        #expect(try await h.store.activePipelineCount() == 0)
    }

    @Test func aSymlinkAddedLaterIsRejectedAsAFullReadWould() async throws {
        let h = try H()
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        try h.repo.commit("Add sales")
        try await h.pass()
        try h.repo.symlink("manifests/linked.json", to: "sales.json")
        try h.repo.commit("Link it")
        let report = try await h.pass()
        #expect(report.incremental)
        #expect(report.outcome == .rejected)
        #expect(report.diagnostics.map(\.code) == [.symlink])
        #expect(report.diagnostics.first?.file == "manifests/linked.json")
    }

    @Test func aFetchFailureIsRecordedAndLeavesTheLiveStateAlone() async throws {
        let h = try H()
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        let applied = try h.repo.commit("Add sales")
        try await h.pass()
        let broken = Reconciler(store: h.store, source: GitSource(url: h.temp.sub("nowhere"), ref: .branch("main")), options: h.options)
        await #expect(throws: ReconcileError.self) { try await broken.reconcile(mirror: h.mirror) }
        let source = try #require(try await h.store.source())
        #expect(source.lastError?.isEmpty == false)
        #expect(source.consecutiveFailures == 1)
        #expect(source.lastAppliedCommit == applied)
        #expect(try await h.store.activePipelineCount() == 1)
    }
}
