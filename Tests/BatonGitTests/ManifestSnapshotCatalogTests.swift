import BatonTestSupport
import BatonGit
import BatonManifest
import Testing

/// A commit is judged as one revision: decoding errors, cross-file rules and what the
/// snapshot found in the tree all land in one catalog.
@Suite struct ManifestSnapshotCatalogTests {
    @Test func treeProblemsAndManifestErrorsRejectTheRevisionTogether() throws {
        let fixture = try MirroredFixture()
        let remote = fixture.remote
        try remote.write("shared/real.json", FixtureRepository.manifest("real"))
        try remote.symlink("manifests/linked.json", to: "../shared/real.json")
        try remote.write("manifests/a.json", FixtureRepository.manifest("same"))
        try remote.write("manifests/team/b.json", FixtureRepository.manifest("same"))
        try remote.write("manifests/ok.json", FixtureRepository.manifest("ok"))
        try remote.commit("three problems")
        let (repository, commit) = try fixture.sync()

        let catalog = try repository.manifests(at: commit).catalog()
        #expect(!catalog.isValid)
        #expect(catalog.files.map(\.path) == ["manifests/a.json", "manifests/linked.json", "manifests/ok.json", "manifests/team/b.json"])
        #expect(catalog.diagnostics.map { "\($0.file) \($0.code)" } == [
            "manifests/a.json duplicate-name",
            "manifests/linked.json symlink",
            "manifests/team/b.json duplicate-name",
        ])
        #expect(catalog.pipelines.map(\.name) == ["ok"])
    }

    @Test func aCleanCommitGivesEveryPipeline() throws {
        let fixture = try MirroredFixture()
        try fixture.remote.write("manifests/x.json", FixtureRepository.manifest("x"))
        try fixture.remote.write("manifests/deep/y.json", FixtureRepository.manifest("y", cron: "*/5 * * * *"))
        try fixture.remote.write("manifests/.drafts/z.json", "not json")
        try fixture.remote.commit("two pipelines")
        let (repository, commit) = try fixture.sync()

        let catalog = try repository.manifests(at: commit).catalog()
        #expect(catalog.isValid)
        #expect(catalog.pipelines.map(\.name) == ["y", "x"])
        #expect(catalog.summary == "2 files, 2 pipelines, 0 errors, 0 warnings")
    }
}
