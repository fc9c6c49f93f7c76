import BatonGit
import BatonManifest
import BatonTestSupport
import Foundation
import Testing

/// The whole-tree check the reconciler runs on every commit it judges, so a commit whose
/// tree cannot be exported safely is rejected with the path named rather than exported.
@Suite struct ExportProblemsTests {
    /// Names like `../../../../x` anywhere in the tree, not only under the manifests folder.
    @Test func entriesThatAreNotOnePlainComponentAreDiagnosedAnywhere() throws {
        let temp = try TemporaryDirectory()
        let remote = try FixtureRepository(at: temp.sub("remote"))
        let blob = try RawTree.blob("x\n", in: remote)
        let etl = try RawTree.tree([.blob(".GIT", blob), .blob("run.sh", blob)], in: remote)
        let manifests = try RawTree.tree([.blob("etl.json", blob)], in: remote)
        let tree = try RawTree.tree([.blob("../../../../x", blob), .tree("etl", etl), .tree("manifests", manifests)], in: remote)
        let commit = try GitObjectID(hex: RawTree.commit(tree, in: remote))!

        let problems = try GitRepository(path: remote.path).exportProblems(at: commit, prefixBytes: 100)
        #expect(problems.map(\.file) == ["../../../../x", "etl/.GIT"])
        #expect(problems.allSatisfy { $0.code == .unsafePath && $0.severity == .error })
        #expect(problems[0].message.contains(#""../../../../x" contains /"#))
    }

    /// A name over 255 bytes, or a path over PATH_MAX once under `<state>/trees/<folder>/`:
    /// git stores both, and every run would fail to export them.
    @Test func pathsLongerThanTheFileSystemAllowsAreDiagnosed() throws {
        let temp = try TemporaryDirectory()
        let remote = try FixtureRepository(at: temp.sub("remote"))
        let blob = try RawTree.blob("x\n", in: remote)
        let longName = String(repeating: "n", count: 256)
        // 16 folders of 250 bytes: 4016 bytes before the file's own name.
        let folder = String(repeating: "d", count: 250)
        var deep = try RawTree.tree([.blob("file.txt", blob)], in: remote)
        for _ in 0..<16 { deep = try RawTree.tree([.tree(folder, deep)], in: remote) }
        let tree = try RawTree.tree([.tree("deep", deep), .blob("fine.txt", blob), .blob(longName, blob)], in: remote)
        let commit = try GitObjectID(hex: RawTree.commit(tree, in: remote))!
        let repository = try GitRepository(path: remote.path)

        let prefix = TreeStore(stateDirectory: temp.sub("state")).exportPrefixBytes
        let problems = try repository.exportProblems(at: commit, prefixBytes: prefix)
        #expect(problems.map(\.code) == [.pathTooLong, .pathTooLong])
        #expect(problems.contains { $0.file == longName && $0.message.contains("256 bytes") })
        // The first folder whose path no longer fits, named once (not every file under it).
        let tooLong = try #require(problems.first { $0.file.hasPrefix("deep/") })
        #expect(prefix + tooLong.file.utf8.count > 4095)
        #expect(prefix + tooLong.file.utf8.count - folder.utf8.count - 1 <= 4095)
        // With nothing in front, the deep path (4029 bytes) fits; the long name never does.
        #expect(try repository.exportProblems(at: commit, prefixBytes: 0).map(\.file) == [longName])
    }

    /// With a base commit, subtrees it holds unchanged are not walked again; what changed is.
    @Test func sinceABaseOnlyWhatChangedIsJudged() throws {
        let temp = try TemporaryDirectory()
        let remote = try FixtureRepository(at: temp.sub("remote"))
        let blob = try RawTree.blob("x\n", in: remote)
        let old = try RawTree.tree([.blob("..", blob)], in: remote)
        let base = try GitObjectID(hex: RawTree.commit(RawTree.tree([.blob("a.txt", blob), .tree("kept", old)], in: remote), in: remote))!
        let changed = try RawTree.tree([.blob(".git", blob)], in: remote)
        let next = try GitObjectID(hex: RawTree.commit(RawTree.tree([.tree("kept", old), .tree("new", changed)], in: remote), in: remote))!
        let repository = try GitRepository(path: remote.path)

        #expect(try repository.exportProblems(at: next, prefixBytes: 0).map(\.file) == ["kept/..", "new/.git"])
        #expect(try repository.exportProblems(at: next, since: base, prefixBytes: 0).map(\.file) == ["new/.git"])
    }
}
