import BatonTestSupport
import BatonGit
import Foundation
import Testing

/// Snapshots of 1,024 or more manifests are read on several threads, each with its own
/// repository handle: the result must be the same as reading them one by one.
@Suite struct ParallelManifestReadTests {
    @Test func aLargeSnapshotReadsEveryBlobExactlyAndStillRefusesOversizedOnes() throws {
        let fixture = try MirroredFixture()
        let remote = fixture.remote
        for index in 0..<1_100 {
            try remote.write("manifests/g\(index % 10)/p\(index).json", FixtureRepository.manifest("p-\(index)"))
        }
        try remote.write("manifests/g3/huge.json", String(repeating: " ", count: (1 << 20) + 1) + "{}")
        try remote.commit("many")
        let (repository, commit) = try fixture.sync()

        let snapshot = try repository.manifests(at: commit)
        #expect(snapshot.blobs.count == 1_100)
        #expect(snapshot.diagnostics.map(\.file) == ["manifests/g3/huge.json"])
        #expect(snapshot.diagnostics.first?.code == .tooLarge)
        for blob in snapshot.blobs {
            let expected = try String(contentsOfFile: remote.path + "/" + blob.path, encoding: .utf8)
            #expect(blob.bytes == Array(expected.utf8), "\(blob.path)")
        }
        #expect(snapshot.blobs.map(\.path) == snapshot.blobs.map(\.path).sorted())
    }
}
