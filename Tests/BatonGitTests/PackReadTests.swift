@testable import BatonGit
import BatonTestSupport
import CGit2
import Foundation
import Testing

/// Reading manifests takes sizes from the pack files (`PackSizeProbe`) and bytes from the
/// odb backends (`BlobReader`); whatever the layout of the object database, the snapshot must
/// be exactly the one `git_odb_read_header` + `git_odb_read` give.
@Suite struct PackReadTests {
    private static func same(_ left: ManifestSnapshot, _ right: ManifestSnapshot) -> Bool {
        left.commit == right.commit && left.manifestsPathExists == right.manifestsPathExists && left.blobs == right.blobs
            && left.diagnostics == right.diagnostics
    }

    /// Similar files, so `git repack` stores most of them as deltas.
    private static func manifest(_ index: Int, revision: Int = 0) -> String {
        var text = FixtureRepository.manifest("pipeline-\(index)")
        for line in 0..<40 {
            text += "{\"line\": \(line), \"note\": \"the same padding in every file so that deltas are worth it\"}\n"
        }
        return text + "{\"revision\": \(revision), \"index\": \(index)}\n"
    }

    /// Two packs (the second from an incremental repack) and loose objects on top, in the
    /// fixture's own (non-bare) repository.
    private static func layeredRepository(_ temp: TemporaryDirectory) throws -> (FixtureRepository, GitObjectID) {
        let repository = try FixtureRepository(at: temp.sub("layered"))
        for index in 0..<60 { try repository.write("manifests/g\(index % 4)/p\(index).json", manifest(index)) }
        try repository.commit("first")
        try repository.git("repack", "-a", "-d", "-q", "--depth=50", "--window=50")
        for index in 0..<60 where index % 3 == 0 { try repository.write("manifests/g\(index % 4)/p\(index).json", manifest(index, revision: 1)) }
        try repository.commit("second")
        try repository.git("repack", "-d", "-q")
        for index in 0..<60 where index % 5 == 0 { try repository.write("manifests/g\(index % 4)/p\(index).json", manifest(index, revision: 2)) }
        for index in 60..<66 { try repository.write("manifests/new/p\(index).json", manifest(index)) }
        try repository.commit("third, loose")
        return (repository, GitObjectID(hex: try repository.head())!)
    }

    @Test func severalPacksAndLooseObjectsReadTheSameAsThroughLibgit2Alone() throws {
        let temp = try TemporaryDirectory()
        let (fixture, commit) = try Self.layeredRepository(temp)
        let repository = try GitRepository(path: fixture.path)

        let probe = PackSizeProbe(objectsDirectory: fixture.path + "/.git/objects")
        #expect(probe.packCount == 2)
        let verified = try fixture.git("verify-pack", "-v", "--", "\(fixture.path)/.git/objects/pack/" + (try FileManager.default.contentsOfDirectory(atPath: fixture.path + "/.git/objects/pack").first { $0.hasSuffix(".idx") }!))
        #expect(verified.contains("chain length"), "the first pack has deltas")

        let fast = try repository.manifests(at: commit)
        let plain = try repository.manifests(at: commit, under: "manifests", direct: false)
        #expect(Self.same(fast, plain))
        #expect(fast.blobs.count == 66)
        for blob in fast.blobs {
            let expected = try String(contentsOfFile: fixture.path + "/" + blob.path, encoding: .utf8)
            #expect(blob.bytes == Array(expected.utf8), "\(blob.path)")
        }

        // The probe answers for packed blobs, deltas included, and leaves loose ones to libgit2.
        var answered = 0, unanswered = 0
        for blob in fast.blobs {
            if let size = probe.size(of: blob.id.oid) {
                #expect(size == blob.bytes.count, "\(blob.path)")
                answered += 1
            } else {
                unanswered += 1
            }
        }
        #expect(answered == 48)  // 66 blobs, of which 12 changed and 6 added in the loose commit
        #expect(unanswered == 18)
    }

    @Test func mirrorsFetchedSeveralTimesReadTheSameAsThroughLibgit2Alone() throws {
        let fixture = try MirroredFixture()
        for index in 0..<40 { try fixture.remote.write("manifests/p\(index).json", Self.manifest(index)) }
        try fixture.remote.commit("first")
        _ = try fixture.sync()
        for index in 0..<40 where index % 2 == 0 { try fixture.remote.write("manifests/p\(index).json", Self.manifest(index, revision: 1)) }
        try fixture.remote.commit("second")
        let (repository, commit) = try fixture.sync()

        let fast = try repository.manifests(at: commit)
        #expect(Self.same(fast, try repository.manifests(at: commit, under: "manifests", direct: false)))
        #expect(fast.blobs.count == 40)
    }

    @Test func oversizedDeltasAreRefusedBySizeAndTheSizeIsExact() throws {
        let temp = try TemporaryDirectory()
        let fixture = try FixtureRepository(at: temp.sub("large"))
        let large = String(repeating: "{\"padding\": \"0123456789abcdef\"}\n", count: 40_000)  // 1.3 MB
        try fixture.write("manifests/a.json", large)
        try fixture.write("manifests/small.json", FixtureRepository.manifest("small"))
        try fixture.commit("large")
        try fixture.write("manifests/b.json", large + "{\"more\": 1}\n")
        try fixture.commit("a near copy")
        try fixture.git("repack", "-a", "-d", "-q")
        let commit = GitObjectID(hex: try fixture.head())!
        let repository = try GitRepository(path: fixture.path)

        let fast = try repository.manifests(at: commit)
        #expect(Self.same(fast, try repository.manifests(at: commit, under: "manifests", direct: false)))
        #expect(fast.blobs.map(\.path) == ["manifests/small.json"])
        #expect(fast.diagnostics.map(\.file) == ["manifests/a.json", "manifests/b.json"])
        #expect(fast.diagnostics.allSatisfy { $0.code == .tooLarge })
        #expect(fast.diagnostics.last?.message.hasPrefix("file is \(large.utf8.count + 12) bytes") == true)

        let probe = PackSizeProbe(objectsDirectory: fixture.path + "/.git/objects")
        let treeB = try fixture.git("rev-parse", "HEAD:manifests/b.json").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(probe.size(of: GitObjectID(hex: treeB)!.oid) == large.utf8.count + 12)
    }

    @Test func deltaSizesAreReadFromStoredAndFixedHuffmanStreams() {
        // zlib streams of a delta header (base and result 2,000,000 bytes: three-byte numbers),
        // a few instructions and filler, compressed at level 0 (a stored block) and at level
        // 9 (fixed Huffman codes, the repeated number a back-reference).
        let prefix: [UInt8] = [128, 137, 122, 128, 137, 122, 144, 1, 2]
        let filler = Array(repeating: Array("abc".utf8), count: 20).flatMap { $0 }
        let stored: [UInt8] = [120, 1, 1, 69, 0, 186, 255] + prefix + filler + [170, 25, 26, 146]
        let fixed: [UInt8] = [120, 218, 107, 232, 172, 106, 232, 172, 154, 192, 200, 148, 152, 148, 76, 54, 2, 0, 170, 25, 26, 146]
        #expect(stored.withUnsafeBytes { DeltaSizes.resultSize($0) } == 2_000_000)
        #expect(fixed.withUnsafeBytes { DeltaSizes.resultSize($0) } == 2_000_000)
        // Truncated streams and other headers give no answer rather than a wrong one.
        #expect(Array(fixed.prefix(4)).withUnsafeBytes { DeltaSizes.resultSize($0) } == nil)
        #expect(([0x79] + fixed.dropFirst()).withUnsafeBytes { DeltaSizes.resultSize($0) } == nil)
    }

    @Test func deltaSizesAreReadFromDynamicHuffmanStreams() {
        // Sizes 2,344 and 2,345 followed by 30 bytes zlib chose a dynamic code for.
        let dynamic: [UInt8] = [120, 218, 13, 200, 49, 1, 0, 48, 8, 4, 49, 15, 248, 23, 208, 154, 123, 224, 57, 246, 54, 99, 78,
                                220, 144, 229, 5, 182, 38, 85, 219, 198, 48, 244, 200, 127, 30, 231, 148, 29, 207]
        #expect(dynamic.withUnsafeBytes { DeltaSizes.resultSize($0) } == 2_345)
        #expect(Array(dynamic.prefix(12)).withUnsafeBytes { DeltaSizes.resultSize($0) } == nil)
    }
}
