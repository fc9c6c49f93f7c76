import BatonTestSupport
import BatonGit
import Testing

@Suite struct GitSourceTests {
    @Test func defaultsToMainAndTheManifestsFolder() {
        let source = GitSource(url: "git://example.com/repo")
        #expect(source.ref == .branch("main"))
        #expect(source.manifestsPath == "manifests")
        #expect(GitSource(url: "x", manifestsPath: "./deploy/manifests/").manifestsPath == "deploy/manifests")
    }

    @Test func parsesRefKinds() throws {
        #expect(try GitSource.Ref(parsing: "main") == .branch("main"))
        #expect(try GitSource.Ref(parsing: "refs/heads/release/1") == .branch("release/1"))
        #expect(try GitSource.Ref(parsing: "refs/tags/v1") == .tag("v1"))
        let hex = "0123456789abcdef0123456789ABCDEF01234567"
        #expect(try GitSource.Ref(parsing: hex) == .commit(GitObjectID(hex: hex)!))
        #expect(try GitSource.Ref(parsing: "refs/tags/v1").referenceName == "refs/tags/v1")
        for bad in ["", "refs/remotes/origin/main", "-rf", "a..b"] {
            #expect(throws: GitError.self) { try GitSource.Ref(parsing: bad) }
        }
    }

    @Test func descriptionHidesThePassword() {
        let source = GitSource(url: "https://u:pw@host/r.git", ref: .tag("v2"))
        #expect(source.description == "https://u:***@host/r.git#refs/tags/v2 (manifests)")
    }
}
