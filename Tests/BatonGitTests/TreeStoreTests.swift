import BatonTestSupport
import BatonGit
import Foundation
import Testing

@Suite struct TreeStoreTests {
    private func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int).map { $0 & 0o777 } ?? -1
    }

    private func fixtureWithScripts() throws -> (MirroredFixture, GitRepository, GitObjectID) {
        let fixture = try MirroredFixture()
        let remote = fixture.remote
        try remote.write("manifests/etl.json", FixtureRepository.manifest("etl"))
        try remote.write("etl/extract.sh", "#!/bin/sh\necho extract\n", executable: true)
        try remote.write("etl/lib/helpers.py", "print('hi')\n")
        try remote.symlink("etl/current.sh", to: "extract.sh")
        try remote.symlink("etl/lib/up.py", to: "../../manifests/etl.json")
        try remote.symlink("escape-relative", to: "../../outside")
        try remote.symlink("etl/escape-absolute", to: "/etc/passwd")
        let library = try FixtureRepository(at: fixture.temp.sub("library"))
        try library.commit("library")
        try remote.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", library.path, "vendor/lib")
        try remote.commit("scripts")
        let (repository, commit) = try fixture.sync()
        return (fixture, repository, commit)
    }

    @Test func exportsTheWholeTreeReadOnlyWithModesAndSafeSymlinks() throws {
        let (fixture, repository, commit) = try fixtureWithScripts()
        let store = TreeStore(stateDirectory: fixture.temp.sub("state"))
        let exported = try store.export(commit: commit, from: repository)

        #expect(exported.created)
        #expect(exported.treeID.hex == (try fixture.remote.revParse("\(commit.hex)^{tree}")))
        #expect(exported.path == store.root + "/" + exported.treeID.hex)
        let root = exported.path
        #expect(try String(contentsOfFile: root + "/etl/extract.sh", encoding: .utf8) == "#!/bin/sh\necho extract\n")
        #expect(try mode(root + "/etl/extract.sh") == 0o555)
        #expect(try mode(root + "/etl/lib/helpers.py") == 0o444)
        #expect(try mode(root + "/manifests/etl.json") == 0o444)
        #expect(try mode(root) == 0o555)
        #expect(try mode(root + "/etl/lib") == 0o555)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root + "/etl/current.sh") == "extract.sh")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root + "/etl/lib/up.py") == "../../manifests/etl.json")
        #expect(!FileManager.default.fileExists(atPath: root + "/escape-relative"))
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: root + "/etl/escape-absolute")) == nil)
        #expect(exported.skipped == [
            SkippedEntry(path: "escape-relative", reason: .symlinkOutsideTree(target: "../../outside")),
            SkippedEntry(path: "etl/escape-absolute", reason: .symlinkOutsideTree(target: "/etc/passwd")),
            SkippedEntry(path: "vendor/lib", reason: .submodule),
        ])
        // Nothing half-written is left beside the finished tree.
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root) == [exported.treeID.hex])
    }

    @Test func treesAreSharedByIDAndASecondExportIsANoOp() throws {
        let fixture = try MirroredFixture()
        try fixture.remote.write("run.sh", "echo\n", executable: true)
        let first = try fixture.remote.commit("one")
        let second = try fixture.remote.commit("same tree, new message")
        let (repository, _) = try fixture.sync()
        let store = TreeStore(stateDirectory: fixture.temp.sub("state"))

        let a = try store.export(commit: fixture.id(first), from: repository)
        let b = try store.export(commit: fixture.id(second), from: repository)
        #expect(a.created && !b.created)
        #expect(a.path == b.path)
    }

    @Test func concurrentExportsOfOneTreeAgree() throws {
        let fixture = try MirroredFixture()
        for index in 0..<50 { try fixture.remote.write("files/\(index).txt", "\(index)\n") }
        let commit = try fixture.remote.commit("many files")
        let (repository, _) = try fixture.sync()
        let mirrorPath = repository.path
        let store = TreeStore(stateDirectory: fixture.temp.sub("state"))
        let id = fixture.id(commit)
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            // One repository object per thread, as libgit2 requires.
            let result = Result { try store.export(commit: id, from: GitRepository(path: mirrorPath)) }
            results.append(result)
        }
        let exports = try results.all.map { try $0.get() }
        #expect(exports.count == 4)
        #expect(Set(exports.map(\.path)).count == 1)
        #expect(exports.filter(\.created).count >= 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root).count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: exports[0].path + "/files").count == 50)
    }

    @Test func aFailedExportLeavesNothingBehind() throws {
        let temp = try TemporaryDirectory()
        let remote = try FixtureRepository(at: temp.sub("remote"))
        try remote.write("a.txt", "a\n")
        try remote.write("b.txt", "b\n")
        let commit = try remote.commit("two files")
        let blob = try remote.revParse("HEAD:b.txt")
        try FileManager.default.removeItem(atPath: "\(remote.path)/.git/objects/\(blob.prefix(2))/\(blob.dropFirst(2))")
        let store = TreeStore(stateDirectory: temp.sub("state"))

        let error = try #require(throws: GitError.self) {
            try store.export(commit: GitObjectID(hex: commit)!, from: GitRepository(path: remote.path))
        }
        #expect(error.step == .exportTree)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root).isEmpty)
    }

    // MARK: Hostile trees

    /// A raw tree entry (written with `git hash-object --literally`, as a hostile pusher
    /// can) whose name is not one plain component is never joined onto the export folder:
    /// the export fails with `unsafe-tree` before writing anything, even when called on a
    /// commit no reconcile judged, and nothing appears outside `trees/`.
    /// (An empty name never gets this far: libgit2 refuses to parse such a tree.)
    @Test(arguments: ["../../../../x", "..", ".", ".git", ".GIT", "a/b", "a\\b", ".git.", "git~1"])
    func anEntryThatIsNotOnePlainComponentIsRefusedAndNothingIsWritten(name: String) throws {
        let temp = try TemporaryDirectory()
        let remote = try FixtureRepository(at: temp.sub("remote"))
        let blob = try RawTree.blob("written by the commit\n", in: remote)
        // At the root, and one folder down, where the name is joined onto a deeper path.
        let inner = try RawTree.tree([.blob(name, blob), .blob("ok.txt", blob)], in: remote)
        for tree in [
            try RawTree.tree([.blob(name, blob), .blob("ok.txt", blob)], in: remote),
            try RawTree.tree([.tree("dir", inner), .blob("ok.txt", blob)], in: remote),
        ] {
            let commit = try RawTree.commit(tree, in: remote)
            let store = TreeStore(stateDirectory: temp.sub("a/b/c/state"))
            let error = try #require(throws: GitError.self) {
                try store.export(commit: GitObjectID(hex: commit)!, from: GitRepository(path: remote.path))
            }
            #expect(error.code == .unsafeTree)
            #expect(error.message.contains(name.debugDescription))
            #expect(try FileManager.default.contentsOfDirectory(atPath: store.root).isEmpty)
            // `<state>/trees/<folder>/../../../../x` is `a/b/x`; one folder down, `a/b/c/x`.
            #expect(!FileManager.default.fileExists(atPath: temp.sub("a/b/x")))
            #expect(!FileManager.default.fileExists(atPath: temp.sub("a/b/c/x")))
        }
    }

    /// `a -> .`, `b -> a/..`, `c -> b/..`: each text alone stays inside, but `b` is the
    /// folder holding the tree and `c` the state directory. Judged by where they resolve,
    /// `b` and `c` are left out; links that resolve inside through other links are kept,
    /// and loops are left out.
    @Test func symlinkChainsAreJudgedByWhereTheyResolve() throws {
        let fixture = try MirroredFixture()
        let remote = fixture.remote
        try remote.write("etl/run.sh", "echo\n", executable: true)
        try remote.symlink("a", to: ".")
        try remote.symlink("b", to: "a/..")
        try remote.symlink("c", to: "b/..")
        try remote.symlink("etl/up", to: "..")
        try remote.symlink("etl/again", to: "up/a/etl/up/etl")
        try remote.symlink("etl/out", to: "up/a/..")
        try remote.symlink("etl/deeper/via-b", to: "../../b")
        try remote.symlink("loop1", to: "loop2")
        try remote.symlink("loop2", to: "loop1")
        try remote.symlink("missing-then-up", to: "nothing/../etl")
        let commit = try remote.commit("links")
        let (repository, _) = try fixture.sync()
        let store = TreeStore(stateDirectory: fixture.temp.sub("state"))

        let exported = try store.export(commit: fixture.id(commit), from: repository)
        let root = exported.path
        #expect(exported.skipped == [
            SkippedEntry(path: "b", reason: .symlinkOutsideTree(target: "a/..")),
            SkippedEntry(path: "c", reason: .symlinkOutsideTree(target: "b/..")),
            SkippedEntry(path: "etl/deeper/via-b", reason: .symlinkOutsideTree(target: "../../b")),
            SkippedEntry(path: "etl/out", reason: .symlinkOutsideTree(target: "up/a/..")),
            SkippedEntry(path: "loop1", reason: .symlinkOutsideTree(target: "loop2")),
            SkippedEntry(path: "loop2", reason: .symlinkOutsideTree(target: "loop1")),
        ])
        for kept in ["a", "etl/up", "etl/again", "missing-then-up"] {
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: "\(root)/\(kept)")) != nil, "\(kept) was left out")
        }
        // What a task with `workdir: "c"` would get: nothing to change into.
        #expect(!FileManager.default.fileExists(atPath: root + "/c"))
        #expect(!FileManager.default.fileExists(atPath: root + "/b"))
        // Every link kept resolves inside the tree, as the kernel follows it.
        let realRoot = try #require(realpath(root, nil).map { pointer in defer { free(pointer) }; return String(cString: pointer) })
        for link in ["a", "etl/up", "etl/again"] {
            let resolved = try #require(realpath("\(root)/\(link)", nil).map { pointer in defer { free(pointer) }; return String(cString: pointer) })
            #expect(resolved == realRoot || resolved.hasPrefix(realRoot + "/"), "\(link) resolves to \(resolved)")
        }
    }
}

/// Collects results from concurrent work.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Result<ExportedTree, any Error>] = []
    func append(_ item: Result<ExportedTree, any Error>) { lock.withLock { items.append(item) } }
    var all: [Result<ExportedTree, any Error>] { lock.withLock { items } }
}
