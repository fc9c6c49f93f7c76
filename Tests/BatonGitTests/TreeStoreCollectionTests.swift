import BatonGit
import BatonTestSupport
import Foundation
import Testing

/// How exported trees are collected: a recently used tree is spared, a tree found by `export`
/// counts as used, and a removal cut short never leaves a partial tree under a tree id.
@Suite struct TreeStoreCollectionTests {
    func twoTrees() throws -> (MirroredFixture, TreeStore, old: ExportedTree, live: ExportedTree, repository: GitRepository, first: GitObjectID) {
        let fixture = try MirroredFixture()
        try fixture.remote.write("run.sh", "echo 1\n", executable: true)
        try fixture.remote.write("lib/x.txt", "x\n")
        let first = try fixture.remote.commit("one")
        try fixture.remote.write("run.sh", "echo 2\n", executable: true)
        let second = try fixture.remote.commit("two")
        let (repository, _) = try fixture.sync()
        let store = TreeStore(stateDirectory: fixture.temp.sub("state"))
        let old = try store.export(commit: fixture.id(first), from: repository)
        let live = try store.export(commit: fixture.id(second), from: repository)
        return (fixture, store, old, live, repository, fixture.id(first))
    }

    @Test func garbageCollectionKeepsOnlyLiveTrees() throws {
        let (fixture, store, old, live, _, _) = try twoTrees()
        let removed = try store.collectGarbage(keeping: [live.treeID])
        #expect(removed == [old.treeID])
        #expect(!FileManager.default.fileExists(atPath: old.path))
        #expect(FileManager.default.fileExists(atPath: live.path + "/run.sh"))
        #expect(try store.collectGarbage(keeping: [live.treeID]).isEmpty)
        #expect(try TreeStore(stateDirectory: fixture.temp.sub("nothing-yet")).collectGarbage(keeping: []).isEmpty)
    }

    /// Sets a folder's modification time `seconds` back.
    func age(_ path: String, by seconds: Int) {
        var times = [timeval(tv_sec: time(nil) - seconds, tv_usec: 0), timeval(tv_sec: time(nil) - seconds, tv_usec: 0)]
        #expect(utimes(path, &times) == 0)
    }

    @Test func aTreeUsedRecentlyIsSparedAndExportCountsAsAUse() throws {
        let (fixture, store, old, live, repository, first) = try twoTrees()
        defer { withExtendedLifetime(fixture) {} }
        #expect(try store.collectGarbage(keeping: [live.treeID], sparing: 600).isEmpty, "a tree exported just now was removed")
        age(old.path, by: 3600)
        // Found again by an export (a `baton run` in another process): used just now.
        let again = try store.export(commit: first, from: repository)
        #expect(!again.created)
        #expect(try store.collectGarbage(keeping: [live.treeID], sparing: 600).isEmpty, "a tree reused just now was removed")
        age(old.path, by: 3600)
        #expect(try store.collectGarbage(keeping: [live.treeID], sparing: 600) == [old.treeID])
        #expect(!FileManager.default.fileExists(atPath: old.path))
        #expect(FileManager.default.fileExists(atPath: live.path + "/run.sh"))
    }

    @Test func whatAnInterruptedRemovalLeftIsFinishedAndNeverTakenForATree() throws {
        let (fixture, store, old, live, _, _) = try twoTrees()
        defer { withExtendedLifetime(fixture) {} }
        // A removal cut short leaves a renamed, partial copy: no tree id names it.
        let trash = "\(store.root)/.trash-\(old.treeID.short)-left"
        #expect(rename(old.path, trash) == 0)
        #expect(!FileManager.default.fileExists(atPath: old.path))
        #expect(try store.collectGarbage(keeping: [live.treeID]).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: trash))
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root) == [live.treeID.hex])
    }
}
