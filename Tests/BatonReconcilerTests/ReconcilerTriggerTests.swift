import BatonGit
import BatonManifest
import BatonReconciler
import BatonStore
import BatonTestSupport
import Foundation
import Testing

/// Pipelines linked by `triggers` and `onFailure` are judged over the whole repository: a pass
/// reads every manifest while any links exist, so a loop closed by a one-file commit is found
/// through files that did not change.
@Suite struct ReconcilerTriggerTests {
    typealias H = ReconcilerHarness

    static func linked(_ name: String, after upstream: String? = nil) -> String {
        let triggers = upstream.map { #", "triggers": [{ "pipeline": "\#($0)" }]"# } ?? ""
        return """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "\(name)"\(triggers), "tasks": [{ "id": "main", "run": "true" }]}

            """
    }

    @Test func aLoopClosedByOneFileIsFoundThroughTheFilesThatDidNotChange() async throws {
        let h = try H()
        try h.repo.write("manifests/a.json", Self.linked("a", after: "c"))
        try h.repo.write("manifests/b.json", Self.linked("b", after: "a"))
        try h.repo.write("manifests/c.json", Self.linked("c"))
        try h.repo.write("manifests/other.json", H.manifest("other"))
        try h.repo.commit("a after c, b after a")
        #expect(try await h.pass().outcome == .applied)
        #expect(try await h.store.hasLinkedManifests())

        // A commit touching only an unlinked file still reads everything while links exist.
        try h.repo.write("manifests/other.json", H.manifest("other", cron: "0 5 * * *"))
        try h.repo.commit("Move other")
        let unrelated = try await h.pass()
        #expect(unrelated.outcome == .applied)
        #expect(!unrelated.incremental)
        #expect(unrelated.plan.summary == PlanSummary(updates: 1, unchanged: 3))

        // c now runs after b: c → a → b → c, though a and b did not change.
        try h.repo.write("manifests/c.json", Self.linked("c", after: "b"))
        let closing = try h.repo.commit("c after b", author: .bo)
        let rejected = try await h.pass()
        #expect(rejected.outcome == .rejected)
        let loops = rejected.diagnostics.filter { $0.code == .triggerCycle }
        #expect(Set(loops.map(\.file)) == ["manifests/a.json", "manifests/b.json", "manifests/c.json"])
        #expect(try await h.store.source()?.lastAttemptedCommit == closing)
        #expect(try await h.version("c")?.spec.contains("triggers") == false, "nothing of the rejected commit applied")
    }

    @Test func withoutLinksPassesStayIncrementalAndTheIndexForgetsRemovedLinks() async throws {
        let h = try H()
        try h.repo.write("manifests/a.json", Self.linked("a", after: "b"))
        try h.repo.write("manifests/b.json", Self.linked("b"))
        try h.repo.commit("a after b")
        try await h.pass()
        try h.repo.write("manifests/a.json", Self.linked("a"))
        try h.repo.commit("a on its own")
        let unlinked = try await h.pass()
        #expect(!unlinked.incremental, "the live state still had a link")
        #expect(try await h.store.hasLinkedManifests() == false)
        try h.repo.write("manifests/b.json", H.manifest("b"))
        try h.repo.commit("b scheduled")
        #expect(try await h.pass().incremental)
    }
}
