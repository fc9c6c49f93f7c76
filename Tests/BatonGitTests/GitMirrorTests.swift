import BatonTestSupport
import BatonGit
import Foundation
import Testing

@Suite struct GitMirrorTests {
    @Test func clonesOnFirstUseThenFetchesANewCommit() throws {
        let temp = try TemporaryDirectory()
        let remote = try FixtureRepository(at: temp.sub("remote"))
        try remote.write("manifests/a.json", FixtureRepository.manifest("a"))
        let first = try remote.commit("add a")
        let mirror = GitMirror(stateDirectory: temp.sub("state"))
        let source = GitSource(url: remote.path)

        let cloned = try mirror.sync(source)
        #expect(cloned.commit.hex == first)
        #expect(cloned.cloned)
        #expect(cloned.recovery == nil)
        #expect(cloned.mirrorPath.hasPrefix(temp.sub("state") + "/git/"))

        try remote.write("manifests/b.json", FixtureRepository.manifest("b"))
        let second = try remote.commit("add b")
        let fetched = try mirror.sync(source, lastApplied: cloned.commit)
        #expect(fetched.commit.hex == second)
        #expect(fetched.movement == .fastForward)
        #expect(try mirror.sync(source, lastApplied: fetched.commit).movement == .same)
        #expect(!fetched.cloned)
        #expect(fetched.mirrorPath == cloned.mirrorPath)
        let repository = try GitRepository(path: fetched.mirrorPath)
        #expect(try repository.movement(from: cloned.commit, to: fetched.commit) == .fastForward)
    }

    @Test func mirrorDirectoryIsAStableHashOfTheURL() {
        let mirror = GitMirror(stateDirectory: "/state")
        let path = mirror.mirrorPath(for: "https://user:secret@example.com/repo.git")
        #expect(path == mirror.mirrorPath(for: "https://user:secret@example.com/repo.git"))
        #expect(path != mirror.mirrorPath(for: "https://example.com/repo.git"))
        #expect(!path.contains("secret"))
        #expect(path.hasPrefix("/state/git/") && path.count == "/state/git/".count + 32)
        // The name must never change between versions, or every upgrade would re-clone:
        // SHA-256("abc") starts ba7816bf8f01cfea414140de5dae2223.
        #expect(mirror.mirrorPath(for: "abc") == "/state/git/ba7816bf8f01cfea414140de5dae2223")
    }

    @Test func fetchesOverGitProtocolFromARealDaemon() throws {
        let temp = try TemporaryDirectory()
        let remote = try FixtureRepository(at: temp.sub("served/repo"))
        try remote.write("manifests/a.json", FixtureRepository.manifest("a"))
        let first = try remote.commit("add a")
        let daemon = try GitDaemon(basePath: temp.sub("served"))
        defer { daemon.stop() }
        let mirror = GitMirror(stateDirectory: temp.sub("state"))
        let source = GitSource(url: daemon.url("repo"))

        #expect(try mirror.sync(source).commit.hex == first)
        try remote.write("manifests/b.json", FixtureRepository.manifest("b"))
        let second = try remote.commit("add b")
        #expect(try mirror.sync(source).commit.hex == second)
    }

    @Test func anAbandonedCloneIsClearedOnTheNextFirstSync() throws {
        let temp = try TemporaryDirectory()
        let remote = try FixtureRepository(at: temp.sub("remote"))
        try remote.commit("one")
        let mirror = GitMirror(stateDirectory: temp.sub("state"))
        let abandoned = mirror.mirrorPath(for: remote.path) + ".tmp-crashed"
        try FileManager.default.createDirectory(atPath: abandoned + "/objects", withIntermediateDirectories: true)
        _ = try mirror.sync(GitSource(url: remote.path))
        #expect(!FileManager.default.fileExists(atPath: abandoned))
    }

    @Test func fetchesOverFileURL() throws {
        let temp = try TemporaryDirectory()
        let remote = try FixtureRepository(at: temp.sub("remote"))
        let first = try remote.commit("empty")
        let result = try GitMirror(stateDirectory: temp.sub("state")).sync(GitSource(url: "file://" + remote.path))
        #expect(result.commit.hex == first)
    }

    @Test func forcePushIsARewind() throws {
        let temp = try TemporaryDirectory()
        let remote = try FixtureRepository(at: temp.sub("remote"))
        try remote.write("manifests/a.json", FixtureRepository.manifest("a"))
        try remote.commit("add a")
        try remote.write("manifests/b.json", FixtureRepository.manifest("b"))
        try remote.commit("add b")
        let mirror = GitMirror(stateDirectory: temp.sub("state"))
        let source = GitSource(url: remote.path)
        let before = try mirror.sync(source)

        try remote.git("reset", "-q", "--hard", "HEAD~1")
        try remote.write("manifests/c.json", FixtureRepository.manifest("c"))
        try remote.commit("add c instead")
        let after = try mirror.sync(source, lastApplied: before.commit)
        #expect(after.movement == .rewind(oldCommitInMirror: true))
        let repository = try GitRepository(path: after.mirrorPath)
        #expect(try repository.movement(from: before.commit, to: after.commit) == .rewind(oldCommitInMirror: true))
    }

    @Test func pinnedCommitStaysPut() throws {
        let temp = try TemporaryDirectory()
        let remote = try FixtureRepository(at: temp.sub("remote"))
        let pinned = try remote.commit("one")
        try remote.commit("two")
        let source = GitSource(url: remote.path, ref: try .init(parsing: pinned))
        #expect(try GitMirror(stateDirectory: temp.sub("state")).sync(source).commit.hex == pinned)
    }

    @Test func missingPinnedCommitIsRefNotFound() throws {
        let temp = try TemporaryDirectory()
        let remote = try FixtureRepository(at: temp.sub("remote"))
        try remote.commit("one")
        let source = GitSource(url: remote.path, ref: try .init(parsing: String(repeating: "ab", count: 20)))
        let error = try #require(throws: GitError.self) { try GitMirror(stateDirectory: temp.sub("state")).sync(source) }
        #expect(error.code == .refNotFound)
        #expect(!error.isTransient)
    }

    @Test func followsATag() throws {
        let temp = try TemporaryDirectory()
        let remote = try FixtureRepository(at: temp.sub("remote"))
        let tagged = try remote.commit("release")
        try remote.git("tag", "-a", "v1", "-m", "version 1")
        try remote.commit("after the release")
        let source = GitSource(url: remote.path, ref: try .init(parsing: "refs/tags/v1"))
        #expect(source.ref == .tag("v1"))
        #expect(try GitMirror(stateDirectory: temp.sub("state")).sync(source).commit.hex == tagged)
    }

    @Test func branchDeletedOnTheRemoteIsPermanentRefNotFound() throws {
        let temp = try TemporaryDirectory()
        let remote = try FixtureRepository(at: temp.sub("remote"))
        try remote.commit("one")
        try remote.git("branch", "feature")
        let mirror = GitMirror(stateDirectory: temp.sub("state"))
        let source = GitSource(url: remote.path, ref: .branch("feature"))
        _ = try mirror.sync(source)

        try remote.git("branch", "-D", "feature")
        let error = try #require(throws: GitError.self) { try mirror.sync(source) }
        #expect(error.code == .refNotFound)
        #expect(!error.isTransient)
        #expect(error.ref == "feature")
        #expect(error.step == .resolveRef)
    }

    @Test func aDirectoryThatIsNotARepositoryIsPermanent() throws {
        let temp = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: temp.sub("plain"), withIntermediateDirectories: true)
        let error = try #require(throws: GitError.self) {
            try GitMirror(stateDirectory: temp.sub("state")).sync(GitSource(url: temp.sub("plain")))
        }
        #expect(error.code == .notARepository)
        #expect(!error.isTransient)
        #expect(error.step == .fetch)
        // A failed first clone leaves nothing behind under the mirror's name.
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: temp.sub("state/git"))) ?? []
        #expect(leftovers.isEmpty)
    }

    @Test func aMissingRepositoryOnADaemonIsPermanentAndHidesThePassword() throws {
        let temp = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: temp.sub("served"), withIntermediateDirectories: true)
        let daemon = try GitDaemon(basePath: temp.sub("served"))
        defer { daemon.stop() }
        let url = "git://robot:hunter2@127.0.0.1:\(daemon.port)/nope.git"
        let error = try #require(throws: GitError.self) {
            try GitMirror(stateDirectory: temp.sub("state")).sync(GitSource(url: url))
        }
        #expect(error.code == .notARepository, "\(error)")
        #expect(!error.isTransient)
        #expect(error.url == "git://robot:***@127.0.0.1:\(daemon.port)/nope.git")
        #expect(!error.description.contains("hunter2"))
        #expect(!error.message.contains("hunter2"))
    }

    @Test func connectionRefusedIsTransient() throws {
        let temp = try TemporaryDirectory()
        let port = try FreePort.find()
        let url = "git://user:s3cret@127.0.0.1:\(port)/repo.git"
        let error = try #require(throws: GitError.self) {
            try GitMirror(stateDirectory: temp.sub("state")).sync(GitSource(url: url))
        }
        #expect(error.code == .connection, "\(error)")
        #expect(error.isTransient)
        #expect(error.step == .fetch)
        #expect(!error.description.contains("s3cret"))
    }

    @Test(arguments: ["git", "http"])
    func aRemoteThatNeverAnswersTimesOutAsTransient(scheme: String) throws {
        let temp = try TemporaryDirectory()
        let listener = try SilentListener()
        let mirror = GitMirror(stateDirectory: temp.sub("state"), fetchTimeout: 0.5)
        let start = Date()
        let error = try #require(throws: GitError.self) {
            try mirror.sync(GitSource(url: "\(scheme)://127.0.0.1:\(listener.port)/repo.git"))
        }
        let elapsed = Date().timeIntervalSince(start)
        #expect(error.code == .timeout, "\(error)")
        #expect(error.isTransient)
        #expect(error.step == .fetch)
        #expect(elapsed >= 0.5 && elapsed < 10, "took \(elapsed) s")
    }

    enum Damage: String, CaseIterable, Sendable {
        case garbageInRef, truncatedPack, missingObjects
    }

    @Test(arguments: Damage.allCases)
    func corruptMirrorIsMovedAsideAndClonedAfresh(damage: Damage) throws {
        let temp = try TemporaryDirectory()
        let remote = try FixtureRepository(at: temp.sub("remote"))
        try remote.write("manifests/a.json", FixtureRepository.manifest("a"))
        try remote.write("scripts/run.sh", String(repeating: "echo hello\n", count: 200))
        try remote.commit("add a")
        let mirror = GitMirror(stateDirectory: temp.sub("state"))
        let source = GitSource(url: remote.path)
        let first = try mirror.sync(source)
        let path = first.mirrorPath
        let files = FileManager.default

        switch damage {
        case .garbageInRef:
            try Data("this is not an object id\n".utf8).write(to: URL(fileURLWithPath: "\(path)/refs/heads/main"))
        case .truncatedPack:
            let packs = try files.contentsOfDirectory(atPath: "\(path)/objects/pack").filter { $0.hasSuffix(".pack") }
            try #require(!packs.isEmpty)
            for pack in packs {
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(path)/objects/pack/\(pack)"))
                try handle.truncate(atOffset: 40)
                try handle.close()
            }
        case .missingObjects:
            for entry in try files.contentsOfDirectory(atPath: "\(path)/objects") where entry != "info" {
                try files.removeItem(atPath: "\(path)/objects/\(entry)")
            }
        }

        try remote.write("manifests/b.json", FixtureRepository.manifest("b"))
        let second = try remote.commit("add b")
        let recovered = try mirror.sync(source)
        #expect(recovered.commit.hex == second)
        #expect(recovered.cloned)
        let recovery = try #require(recovered.recovery)
        #expect(recovery.problem.code == .corruptMirror)
        #expect(recovery.movedTo.hasPrefix(path + ".corrupt-"))
        #expect(files.fileExists(atPath: recovery.movedTo))
        let snapshot = try GitRepository(path: recovered.mirrorPath).manifests(at: recovered.commit)
        #expect(snapshot.blobs.map(\.path) == ["manifests/a.json", "manifests/b.json"])
    }
}
