import BatonTestSupport
import BatonGit
import Foundation
import Testing

@Suite struct AttributionTests {
    @Test func threeAuthorsChangingThreeFilesAreThreeAttributions() throws {
        let fixture = try MirroredFixture()
        let remote = fixture.remote
        try remote.write("manifests/a.json", FixtureRepository.manifest("a"))
        try remote.write("manifests/b.json", FixtureRepository.manifest("b"))
        try remote.write("manifests/c.json", FixtureRepository.manifest("c"))
        let before = try remote.commit("base")
        try remote.write("manifests/a.json", FixtureRepository.manifest("a", cron: "1 2 * * *"))
        let byAna = try remote.commit("ana edits a", author: .ana)
        try remote.write("manifests/b.json", FixtureRepository.manifest("b", cron: "1 2 * * *"))
        let byBo = try remote.commit("bo edits b", author: .bo)
        try remote.remove("manifests/c.json")
        let byCy = try remote.commit("cy removes c", author: .cy)
        try remote.write("README.md", "later, unrelated")
        let after = try remote.commit("docs", author: .dee)
        let (repository, _) = try fixture.sync()

        let attributions = try repository.attributions(from: fixture.id(before), to: fixture.id(after))
        #expect(attributions.map(\.change.path) == ["manifests/a.json", "manifests/b.json", "manifests/c.json"])
        #expect(attributions.map(\.commit.id.hex) == [byAna, byBo, byCy])
        #expect(attributions.map(\.author.email) == ["ana@example.com", "bo@example.com", "cy@example.com"])
        #expect(attributions.allSatisfy { $0.merge == nil })
        #expect(attributions[2].change.kind == .deleted)
    }

    @Test func aChangeThroughAMergeNamesTheBranchAuthorAndWhoMerged() throws {
        let fixture = try MirroredFixture()
        let remote = fixture.remote
        try remote.write("manifests/a.json", FixtureRepository.manifest("a"))
        try remote.write("manifests/b.json", FixtureRepository.manifest("b"))
        let before = try remote.commit("base")
        try remote.git("checkout", "-q", "-b", "pr-12")
        try remote.write("manifests/a.json", FixtureRepository.manifest("a", cron: "9 9 * * *"))
        let written = try remote.commit("bo changes a on a branch", author: .bo)
        try remote.write("manifests/new.json", FixtureRepository.manifest("new"))
        let added = try remote.commit("cy adds new on the same branch", author: .cy)
        try remote.git("checkout", "-q", "main")
        try remote.write("manifests/b.json", FixtureRepository.manifest("b", cron: "7 7 * * *"))
        let direct = try remote.commit("ana edits b on main", author: .ana)
        try remote.git("merge", "-q", "--no-ff", "-m", "Merge pull request #12", "pr-12", author: .dee, committer: .dee)
        let merge = try remote.head()
        let (repository, _) = try fixture.sync()

        let attributions = try repository.attributions(from: fixture.id(before), to: fixture.id(merge))
        #expect(attributions.map(\.change.path) == ["manifests/a.json", "manifests/b.json", "manifests/new.json"])
        let a = attributions[0]
        #expect(a.commit.id.hex == written)
        #expect(a.author.email == "bo@example.com")
        #expect(a.merge?.id.hex == merge)
        #expect(a.merge?.committer.email == "dee@example.com")
        #expect(attributions[1].commit.id.hex == direct && attributions[1].merge == nil)
        #expect(attributions[2].commit.id.hex == added && attributions[2].author.email == "cy@example.com")
        #expect(attributions[2].merge?.id.hex == merge)
    }
}
