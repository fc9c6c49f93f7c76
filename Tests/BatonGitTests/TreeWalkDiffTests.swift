import BatonTestSupport
import BatonGit
import Foundation
import Testing

/// The fast pass of `manifestChanges`, which walks both trees itself and skips unchanged
/// folders by id: it must report exactly what `git diff-tree` sees.
@Suite struct TreeWalkDiffTests {
    /// `git diff-tree` restricted to manifests, as (status, path), for comparison.
    func gitDiffTree(_ remote: FixtureRepository, _ old: String, _ new: String) throws -> [String] {
        let output = try remote.git("diff-tree", "-r", "--no-renames", "--name-status", old, new, "--", "manifests")
        return output.split(separator: "\n").map { line in
            let parts = line.split(separator: "\t")
            return "\(parts[0]) \(parts[1])"
        }.filter { !$0.contains("/.") }.sorted { $0.split(separator: " ")[1] < $1.split(separator: " ")[1] }
    }

    func letters(_ changes: [ManifestChange]) -> [String] {
        changes.map { change in
            switch change.kind {
            case .added: "A \(change.path)"
            case .deleted: "D \(change.path)"
            case .modified: "M \(change.path)"
            case .renamed(let from): "R \(from) \(change.path)"
            }
        }
    }

    @Test func editsAcrossManyFoldersMatchGit() throws {
        let fixture = try MirroredFixture()
        let remote = fixture.remote
        for folder in 0..<20 {
            for file in 0..<5 {
                try remote.write("manifests/f\(folder)/p\(file).json", FixtureRepository.manifest("p-\(folder)-\(file)"))
            }
        }
        let before = try remote.commit("before")
        try remote.write("manifests/f3/p1.json", FixtureRepository.manifest("p-3-1", cron: "0 4 * * *"))
        try remote.write("manifests/f17/p4.json", FixtureRepository.manifest("p-17-4", cron: "0 5 * * *"))
        try remote.write("manifests/f9/deep/er/p9.json", FixtureRepository.manifest("deep"))
        try remote.write("manifests/f9/.drafts/p.json", FixtureRepository.manifest("draft"))
        let after = try remote.commit("after")
        let (repository, _) = try fixture.sync()

        let changes = try repository.manifestChanges(from: fixture.id(before), to: fixture.id(after))
        #expect(letters(changes) == ["M manifests/f17/p4.json", "M manifests/f3/p1.json", "A manifests/f9/deep/er/p9.json"])
        #expect(letters(changes) == (try gitDiffTree(remote, before, after)))
    }

    @Test func aFileBecomingAFolderIsADeletionAndAdditions() throws {
        let fixture = try MirroredFixture()
        let remote = fixture.remote
        try remote.write("manifests/team.json", FixtureRepository.manifest("team"))
        try remote.write("manifests/keep.json", FixtureRepository.manifest("keep"))
        let before = try remote.commit("before")
        try remote.remove("manifests/team.json")
        try remote.write("manifests/team.json/inner.json", FixtureRepository.manifest("inner"))
        let after = try remote.commit("after")
        let (repository, _) = try fixture.sync()

        let changes = try repository.manifestChanges(from: fixture.id(before), to: fixture.id(after))
        #expect(Set(letters(changes)) == ["D manifests/team.json", "A manifests/team.json/inner.json"])
    }

    @Test func deletingAWholeFolderListsEveryManifestInIt() throws {
        let fixture = try MirroredFixture()
        let remote = fixture.remote
        try remote.write("manifests/old/a.json", FixtureRepository.manifest("a"))
        try remote.write("manifests/old/deeper/b.json", FixtureRepository.manifest("b"))
        try remote.write("manifests/stay.json", FixtureRepository.manifest("stay"))
        let before = try remote.commit("before")
        try remote.git("rm", "-r", "-q", "manifests/old")
        let after = try remote.commit("after")
        let (repository, _) = try fixture.sync()

        let changes = try repository.manifestChanges(from: fixture.id(before), to: fixture.id(after))
        #expect(letters(changes) == ["D manifests/old/a.json", "D manifests/old/deeper/b.json"])
        #expect(letters(changes) == (try gitDiffTree(remote, before, after)))
    }

    @Test func fromNothingEveryManifestIsAdded() throws {
        let fixture = try MirroredFixture()
        try fixture.remote.write("manifests/x.json", FixtureRepository.manifest("x"))
        try fixture.remote.write("manifests/y/z.json", FixtureRepository.manifest("z"))
        try fixture.remote.write("README.md", "hello\n")
        let head = try fixture.remote.commit("first")
        let (repository, _) = try fixture.sync()
        #expect(letters(try repository.manifestChanges(from: nil, to: fixture.id(head))) == ["A manifests/x.json", "A manifests/y/z.json"])
    }
}
