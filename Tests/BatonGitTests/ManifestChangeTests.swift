import BatonTestSupport
import BatonGit
import Foundation
import Testing

@Suite struct ManifestChangeTests {
    @Test func reportsAddModifyDeleteAndRename() throws {
        let fixture = try MirroredFixture()
        let remote = fixture.remote
        try remote.write("manifests/keep.json", FixtureRepository.manifest("keep"))
        try remote.write("manifests/edit.json", FixtureRepository.manifest("edit"))
        try remote.write("manifests/gone.json", FixtureRepository.manifest("gone"))
        try remote.write("manifests/old/moved.json", FixtureRepository.manifest("moved-with-a-long-enough-name"))
        try remote.write("manifests/backup.json", FixtureRepository.manifest("backup"))
        try remote.write("scripts/run.sh", "echo 1\n")
        let before = try remote.commit("before")

        try remote.write("manifests/edit.json", FixtureRepository.manifest("edit", cron: "0 3 * * *"))
        try remote.remove("manifests/gone.json")
        try FileManager.default.createDirectory(atPath: remote.path + "/manifests/new", withIntermediateDirectories: true)
        try remote.git("mv", "manifests/old/moved.json", "manifests/new/moved.json")
        try remote.git("mv", "manifests/backup.json", "manifests/backup.json.bak")
        try remote.write("manifests/added.json", FixtureRepository.manifest("added"))
        try remote.write("manifests/.hidden/x.json", "{}")
        try remote.write("scripts/run.sh", "echo 2\n")
        try remote.write("elsewhere/outside.json", FixtureRepository.manifest("outside"))
        let after = try remote.commit("after")
        let (repository, _) = try fixture.sync()

        let changes = try repository.manifestChanges(from: fixture.id(before), to: fixture.id(after))
        #expect(changes.map(\.path) == ["manifests/added.json", "manifests/backup.json", "manifests/edit.json", "manifests/gone.json", "manifests/new/moved.json"])
        #expect(changes.map(\.kind) == [.added, .deleted, .modified, .deleted, .renamed(from: "manifests/old/moved.json")])
        let edit = changes[2]
        #expect(edit.oldBlob?.hex == (try remote.revParse("\(before):manifests/edit.json")))
        #expect(edit.newBlob?.hex == (try remote.revParse("\(after):manifests/edit.json")))
        #expect(changes[0].oldBlob == nil && changes[1].newBlob == nil)
    }

    @Test func fromNothingEveryManifestIsAdded() throws {
        let fixture = try MirroredFixture()
        try fixture.remote.write("manifests/a.json", FixtureRepository.manifest("a"))
        try fixture.remote.write("manifests/b/c.json", FixtureRepository.manifest("c"))
        let head = try fixture.remote.commit("first")
        let (repository, _) = try fixture.sync()
        let changes = try repository.manifestChanges(from: nil, to: fixture.id(head))
        #expect(changes.map(\.path) == ["manifests/a.json", "manifests/b/c.json"])
        #expect(changes.allSatisfy { $0.kind == .added })
    }

    @Test func changesOutsideTheManifestsFolderAreNoChange() throws {
        let fixture = try MirroredFixture()
        try fixture.remote.write("manifests/a.json", FixtureRepository.manifest("a"))
        let before = try fixture.remote.commit("first")
        try fixture.remote.write("README.md", "docs")
        let after = try fixture.remote.commit("docs only")
        let (repository, _) = try fixture.sync()
        #expect(try repository.manifestChanges(from: fixture.id(before), to: fixture.id(after)).isEmpty)
        #expect(try repository.manifestChanges(from: fixture.id(after), to: fixture.id(after)).isEmpty)
    }

    /// 10,000 files in 100 folders; one manifest changes. The diff must skip the unchanged
    /// subtrees by id, so it stays far under the bound however slow the test machine is.
    /// Built with `git fast-import` and read in place, so the set-up takes well under a second.
    @Test func aOneFileChangeInALargeRepositoryIsFast() throws {
        let temp = try TemporaryDirectory()
        let remote = try FixtureRepository(at: temp.sub("remote"))
        var stream = ""
        func file(_ path: String, _ contents: String) {
            stream += "M 100644 inline \(path)\ndata \(contents.utf8.count)\n\(contents)\n"
        }
        stream += "commit refs/heads/main\nmark :1\ncommitter Ana <ana@example.com> 1700000000 +0000\ndata 3\nbig\n"
        for folder in 0..<100 {
            for index in 0..<100 { file("data/\(folder)/\(index).txt", "\(folder)-\(index)\n") }
        }
        for index in 0..<50 { file("manifests/team\(index % 5)/p\(index).json", FixtureRepository.manifest("p\(index)")) }
        stream += "\ncommit refs/heads/main\nmark :2\ncommitter Bo <bo@example.com> 1700000060 +0000\ndata 3\none\nfrom :1\n"
        file("manifests/team3/p13.json", FixtureRepository.manifest("p13", cron: "5 2 * * *"))
        stream += "\n"
        let input = temp.sub("stream")
        try Data(stream.utf8).write(to: URL(fileURLWithPath: input))
        try Shell.run("/bin/sh", ["-c", "git -C '\(remote.path)' fast-import --quiet < '\(input)'"])
        let before = GitObjectID(hex: try remote.revParse("main~1"))!
        let after = GitObjectID(hex: try remote.revParse("main"))!
        let repository = try GitRepository(path: remote.path)

        let start = Date()
        var changes: [ManifestChange] = []
        for _ in 0..<10 { changes = try repository.manifestChanges(from: before, to: after) }
        let perDiff = Date().timeIntervalSince(start) / 10
        #expect(changes.map(\.path) == ["manifests/team3/p13.json"])
        #expect(changes.map(\.kind) == [.modified])
        #expect(perDiff < 0.05, "one diff took \(perDiff * 1000) ms")
    }
}
