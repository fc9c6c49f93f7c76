@testable import BatonStore
import BatonTestSupport
import Foundation
import GRDB
import Testing

/// What a long-running process checks of its store: the file is still the one it opened,
/// and SQLite finds it sound; and which exported trees runs may still use.
@Suite struct StoreIntegrityTests {
    typealias F = StoreFixtures

    /// A store with a few hundred rows, every page of it in the main file.
    func filledStore(_ temp: TemporaryDirectory) async throws -> SQLiteStore {
        let store = try SQLiteStore(stateDirectory: temp.sub("state"))
        let versions = (0..<200).map { F.version("p\($0)", .create, spec: String(repeating: "{\"n\": \($0)} ", count: 20), commit: F.commit(1)) }
        try await store.apply(F.write(F.commit(1), after: nil, versions: versions))
        let queue = try DatabaseQueue(path: store.path)
        try await queue.writeWithoutTransaction { db in _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        return store
    }

    @Test func aSoundStorePasses() async throws {
        let temp = try TemporaryDirectory()
        let store = try await filledStore(temp)
        try await StoreIntegrity(path: store.path).check()
    }

    @Test func aDeletedStoreIsLost() async throws {
        let temp = try TemporaryDirectory()
        let store = try await filledStore(temp)
        let integrity = try StoreIntegrity(path: store.path)
        try FileManager.default.removeItem(atPath: store.path)
        let error = await #expect(throws: StoreError.self) { try await integrity.check() }
        #expect(error?.code == .lost)
        #expect(error?.message.contains("was deleted") == true, "\(error?.message ?? "")")
    }

    @Test func aReplacedStoreIsLostEvenWhenItIsSound() async throws {
        let temp = try TemporaryDirectory()
        let store = try await filledStore(temp)
        let integrity = try StoreIntegrity(path: store.path)
        try FileManager.default.copyItem(atPath: store.path, toPath: store.path + ".restored")
        #expect(rename(store.path + ".restored", store.path) == 0)
        let error = await #expect(throws: StoreError.self) { try await integrity.check() }
        #expect(error?.code == .lost)
        #expect(error?.message.contains("replaced") == true, "\(error?.message ?? "")")
    }

    @Test func damagedPagesAreFoundEvenBehindAnOpenConnectionsCache() async throws {
        let temp = try TemporaryDirectory()
        let store = try await filledStore(temp)
        // The store's own connections have read every page: they would serve them from cache.
        #expect(try await store.pipelines().count == 200)
        let integrity = try StoreIntegrity(path: store.path)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int)
        #expect(size >= 8 * 4096)
        let handle = try #require(FileHandle(forWritingAtPath: store.path))
        try handle.seek(toOffset: UInt64(3 * 4096))
        try handle.write(contentsOf: Data(repeating: 0x5A, count: size - 5 * 4096))
        try handle.close()
        let error = await #expect(throws: StoreError.self) { try await integrity.check() }
        #expect(error?.code == .corrupt, "\(error?.description ?? "")")
    }

    @Test func treesInUseAreTheLiveVersionsAndTheOpenRunsOnes() async throws {
        let temp = try TemporaryDirectory()
        let store = try SQLiteStore(stateDirectory: temp.sub("state"))
        func version(_ name: String, _ kind: ChangeKind, tree: Character, commit: Int) -> PipelineVersion {
            var version = F.version(name, kind, spec: "{\"\(name)\": \(commit)}", commit: F.commit(commit))
            version.treeID = String(repeating: tree, count: 40)
            return version
        }
        try await store.apply(F.write(F.commit(1), after: nil, versions: [version("a", .create, tree: "1", commit: 1)]))
        let first = try #require(try await store.versions(of: "a").first?.id)
        try await store.apply(F.write(F.commit(2), after: F.commit(1).id, versions: [
            version("a", .update, tree: "2", commit: 2), version("b", .create, tree: "3", commit: 2),
        ]))
        #expect(try await store.treesInUse() == [String(repeating: "2", count: 40), String(repeating: "3", count: 40)])

        // A run of the first version, still running somewhere, keeps its tree.
        let (run, _) = try await store.createRun(RunRecord(pipeline: "a", versionID: first, scheduledAt: nil, trigger: .manual, state: .running, createdAt: F.time(3)))
        #expect(try await store.treesInUse().contains(String(repeating: "1", count: 40)))
        var ended = run
        ended.state = .succeeded
        ended.finishedAt = F.time(4)
        try await store.updateRun(ended)
        #expect(try await !store.treesInUse().contains(String(repeating: "1", count: 40)))

        // A retired pipeline's tree goes too.
        try await store.apply(F.write(F.commit(5), after: F.commit(2).id, versions: [version("b", .retire, tree: "5", commit: 5)]))
        #expect(try await store.treesInUse() == [String(repeating: "2", count: 40)])
    }
}
