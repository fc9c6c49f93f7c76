import BatonTestSupport
import BatonGit

/// A fixture repository and its Baton mirror in one temporary directory: the usual set-up
/// for tests of reading, diffing and history.
struct MirroredFixture {
    let temp: TemporaryDirectory
    let remote: FixtureRepository
    let mirror: GitMirror

    init() throws {
        temp = try TemporaryDirectory()
        remote = try FixtureRepository(at: temp.sub("remote"))
        mirror = GitMirror(stateDirectory: temp.sub("state"))
    }

    /// Fetches `branch` and opens the mirror.
    func sync(branch: String = "main") throws -> (GitRepository, GitObjectID) {
        let result = try mirror.sync(GitSource(url: remote.path, ref: .branch(branch)))
        return (try GitRepository(path: result.mirrorPath), result.commit)
    }

    func id(_ hex: String) -> GitObjectID { GitObjectID(hex: hex)! }
}
