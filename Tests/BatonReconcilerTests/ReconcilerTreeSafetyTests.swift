import BatonGit
import BatonManifest
import BatonReconciler
import BatonStore
import BatonTestSupport
import Foundation
import Testing

/// A commit whose tree cannot be exported safely (a hostile entry name) or at all (a path
/// too long for the file system) is rejected at reconcile, naming the path, wherever the
/// entry is in the tree: runs export the whole tree, not only the manifests.
@Suite struct ReconcilerTreeSafetyTests {
    typealias H = ReconcilerHarness

    /// The tree of the live commit with `extra` entries added at the root.
    private func commitLiveTree(adding extra: [RawTree.Entry], to h: H) throws -> String {
        let manifests = try h.repo.revParse("HEAD:manifests")
        let entries = [RawTree.Entry.tree("manifests", manifests)] + extra
        return try RawTree.commit(RawTree.tree(entries.sorted { $0.name < $1.name }, in: h.repo), in: h.repo)
    }

    @Test func aTreeEntryNamedDotDotRejectsTheCommitWhole() async throws {
        let h = try H()
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        let applied = try h.repo.commit("Add sales")
        try await h.pass()

        let blob = try RawTree.blob("#!/bin/sh\n", in: h.repo)
        let hostile = try commitLiveTree(adding: [.blob("../../../../x", blob)], to: h)
        let report = try await h.pass()
        #expect(report.commit.id == hostile)
        #expect(report.incremental)
        #expect(report.outcome == .rejected)
        #expect(report.diagnostics.map(\.code) == [.unsafePath])
        #expect(report.diagnostics.first?.file == "../../../../x")
        let source = try #require(try await h.store.source())
        #expect(source.lastAppliedCommit == applied)
        #expect(source.lastAttemptedCommit == hostile)
        #expect(source.lastAttemptDiagnostics.map(\.code) == [.unsafePath])
    }

    /// `plan --base --head` (a pull-request check) judges the head's tree the same way.
    @Test func comparingAgainstAHostileHeadRejectsIt() throws {
        let h = try H()
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        let base = try h.repo.commit("Add sales")
        let blob = try RawTree.blob("x\n", in: h.repo)
        let head = try commitLiveTree(adding: [.blob(".Git", blob)], to: h)

        let report = try Reconciler.compare(
            repository: GitRepository(path: h.repo.path), base: GitObjectID(hex: base)!, head: GitObjectID(hex: head)!, manifestsPath: "manifests")
        #expect(report.outcome == .rejected)
        #expect(report.diagnostics.map(\.file) == [".Git"])
        #expect(report.diagnostics.map(\.code) == [.unsafePath])
    }

    @Test func aPathTooLongForTheFileSystemRejectsTheCommitNamingIt() async throws {
        let h = try H()
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        try h.repo.commit("Add sales")
        let blob = try RawTree.blob("x\n", in: h.repo)
        let name = String(repeating: "é", count: 128)  // 256 bytes: one over NAME_MAX
        let long = try commitLiveTree(adding: [.blob(name, blob)], to: h)

        let report = try await h.pass()
        #expect(report.commit.id == long)
        #expect(!report.incremental)
        #expect(report.outcome == .rejected)
        #expect(report.diagnostics.map(\.code) == [.pathTooLong])
        #expect(report.diagnostics.first?.file == name)
        #expect(try await h.store.activePipelineCount() == 0)
    }
}
