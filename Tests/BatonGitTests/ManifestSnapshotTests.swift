import BatonTestSupport
import BatonGit
import BatonManifest
import Foundation
import Testing

@Suite struct ManifestSnapshotTests {
    @Test func readsNestedManifestsAndIgnoresHiddenAndOtherFiles() throws {
        let fixture = try MirroredFixture()
        let remote = fixture.remote
        try remote.write("manifests/a.json", FixtureRepository.manifest("a"))
        try remote.write("manifests/team/sales/b.json", FixtureRepository.manifest("b"))
        try remote.write("manifests/.hidden.json", "{}")
        try remote.write("manifests/.github/c.json", "{}")
        try remote.write("manifests/team/.drafts/d.json", "{}")
        try remote.write("manifests/README.md", "not a manifest")
        try remote.write("other/e.json", FixtureRepository.manifest("e"))
        try remote.commit("layout")
        let (repository, commit) = try fixture.sync()

        let snapshot = try repository.manifests(at: commit)
        #expect(snapshot.manifestsPathExists)
        #expect(snapshot.diagnostics.isEmpty)
        #expect(snapshot.blobs.map(\.path) == ["manifests/a.json", "manifests/team/sales/b.json"])
        let a = try #require(snapshot.blobs.first)
        #expect(a.bytes == Array(FixtureRepository.manifest("a").utf8))
        #expect(a.id.hex == (try remote.revParse("HEAD:manifests/a.json")))
        // The bytes decode as the manifest language expects.
        #expect(ManifestFile(path: a.path, bytes: a.bytes).name == "a")
    }

    @Test func aMissingManifestsFolderIsFlagged() throws {
        let fixture = try MirroredFixture()
        try fixture.remote.write("elsewhere/a.json", FixtureRepository.manifest("a"))
        try fixture.remote.commit("no manifests folder")
        let (repository, commit) = try fixture.sync()
        let missing = try repository.manifests(at: commit)
        #expect(!missing.manifestsPathExists)
        #expect(missing.blobs.isEmpty)

        let other = try repository.manifests(at: commit, under: "./elsewhere/")
        #expect(other.manifestsPathExists)
        #expect(other.blobs.map(\.path) == ["elsewhere/a.json"])
    }

    @Test func anEmptyManifestsFolderIsNotMissing() throws {
        let fixture = try MirroredFixture()
        try fixture.remote.write("manifests/README.md", "nothing yet")
        try fixture.remote.commit("empty folder")
        let (repository, commit) = try fixture.sync()
        let snapshot = try repository.manifests(at: commit)
        #expect(snapshot.manifestsPathExists)
        #expect(snapshot.blobs.isEmpty)
    }

    @Test func symlinksAndSubmodulesAreDiagnostics() throws {
        let fixture = try MirroredFixture()
        let remote = fixture.remote
        let library = try FixtureRepository(at: fixture.temp.sub("library"))
        try library.write("x.json", FixtureRepository.manifest("x"))
        try library.commit("library")
        try remote.write("shared/real.json", FixtureRepository.manifest("real"))
        try remote.symlink("manifests/linked.json", to: "../shared/real.json")
        try remote.write("manifests/ok.json", FixtureRepository.manifest("ok"))
        try remote.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", library.path, "manifests/vendor")
        try remote.commit("link and submodule")
        let (repository, commit) = try fixture.sync()

        let snapshot = try repository.manifests(at: commit)
        #expect(snapshot.blobs.map(\.path) == ["manifests/ok.json"])
        #expect(snapshot.diagnostics.map(\.formatted) == [
            "manifests/linked.json:1:1: error: a symbolic link under the manifests path is not followed; commit the file itself [symlink]",
            "manifests/vendor:1:1: error: a submodule under the manifests path is not read; commit its manifests in this repository [submodule]",
        ])
        #expect(snapshot.diagnostics.map(\.code) == [.symlink, .submodule])
        #expect(snapshot.diagnostics.allSatisfy { $0.pointer.isEmpty && $0.severity == .error })
    }

    @Test func aBlobOverOneMebibyteIsADiagnosticNotRead() throws {
        let fixture = try MirroredFixture()
        let big = "[" + String(repeating: "0,", count: 600_000) + "0]"
        try fixture.remote.write("manifests/huge.json", big)
        try fixture.remote.write("manifests/small.json", FixtureRepository.manifest("small"))
        try fixture.remote.commit("big file")
        let (repository, commit) = try fixture.sync()

        let snapshot = try repository.manifests(at: commit)
        #expect(snapshot.blobs.map(\.path) == ["manifests/small.json"])
        let diagnostic = try #require(snapshot.diagnostics.first)
        #expect(snapshot.diagnostics.count == 1)
        #expect(diagnostic.code == .tooLarge)
        #expect(diagnostic.file == "manifests/huge.json")
        #expect((diagnostic.line, diagnostic.column, diagnostic.pointer) == (1, 1, ""))
        #expect(diagnostic.message == "file is \(big.utf8.count) bytes; a manifest may be at most 1048576 bytes (1 MiB)")
    }
}
