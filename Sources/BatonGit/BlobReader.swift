import CGit2
import Crypto
import Foundation

/// Reads blobs for a manifest snapshot through the object database's backends directly,
/// checking each against its id with a fast SHA-1, and falls back to `git_odb_read`.
///
/// Why not `git_odb_read` for every blob: libgit2 1.5 re-hashes every object it reads
/// (strict hash verification, on by default) with its collision-detecting SHA-1, which on a
/// snapshot of 10,000 manifests (23 MB) cost more than half of all instructions of the read,
/// more than inflating and applying every delta. `git cat-file` does not re-hash at all.
/// The switch that turns it off, `git_libgit2_opts`, is variadic and so cannot be called from
/// Swift; it is also process-wide. Calling a backend's `read` skips only the odb layer
/// (its lock, its object cache, and that hash), and the bytes are then hashed here with
/// swift-crypto's SHA-1, which is several times faster, so every manifest is still checked
/// against the id the tree names.
///
/// The backend struct comes from libgit2's `git2/sys/odb_backend.h`, which BatonGit's module
/// does not import: `{ unsigned int version; git_odb *odb; read; ... }`, unchanged since
/// libgit2 0.21 and versioned by its first field. Its `read` is used only when the running
/// libgit2 is 1.x and every backend's version field is 1; otherwise, or when a backend fails,
/// returns something other than a blob, or the bytes do not hash to the id, the read goes
/// through `git_odb_read`, whose result and errors are the reference.
///
/// Not `Sendable`: it holds the odb of one repository handle, used on one thread.
struct BlobReader {
    typealias ReadFunction = @convention(c) (
        UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<Int>?, UnsafeMutablePointer<git_object_t>?,
        OpaquePointer?, UnsafePointer<git_oid>?
    ) -> Int32

    private let odb: OpaquePointer
    private let backends: [(backend: OpaquePointer, read: ReadFunction)]

    /// - Parameter direct: false reads everything through `git_odb_read` (for tests that
    ///   compare both paths).
    init(odb: OpaquePointer, direct: Bool = true) {
        self.odb = odb
        self.backends = direct ? Self.readableBackends(odb) : []
    }

    /// True when blobs are read through the backends (for tests).
    var readsDirectly: Bool { !backends.isEmpty }

    /// The blob's bytes. `path` only prefixes error messages.
    func read(_ oid: git_oid, path: String) throws(GitError) -> [UInt8] {
        if let bytes = readDirectly(oid) { return bytes }
        var oid = oid
        var object: OpaquePointer?
        let rc = git_odb_read(&object, odb, &oid)
        guard rc == 0, let object else { throw LibGit2.error(rc, step: .readTree, ref: GitObjectID(oid).hex).withMessagePrefix("\(path): ") }
        defer { git_odb_object_free(object) }
        let size = git_odb_object_size(object)
        guard size > 0, let data = git_odb_object_data(object) else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: size))
    }

    /// The bytes from the first backend that has the object, if they are a blob whose
    /// SHA-1 is `oid`; nil sends the caller to `git_odb_read`.
    private func readDirectly(_ oid: git_oid) -> [UInt8]? {
        var oid = oid
        for (backend, read) in backends {
            var data: UnsafeMutableRawPointer?
            var length = 0
            var type = GIT_OBJECT_ANY
            let rc = read(&data, &length, &type, backend, &oid)
            if rc == GIT_ENOTFOUND.rawValue || rc == GIT_PASSTHROUGH.rawValue { continue }
            // Allocated by libgit2's allocator, the C library's unless changed through
            // `git_libgit2_opts`, which Swift cannot call.
            defer { free(data) }
            guard rc == 0, type == GIT_OBJECT_BLOB, length >= 0, data != nil || length == 0 else { return nil }
            let bytes = UnsafeRawBufferPointer(start: data, count: length)
            guard Self.isBlob(bytes, named: oid) else { return nil }
            return Array(bytes)
        }
        return nil
    }

    /// Whether `bytes` hash to `oid` as a blob: SHA-1 of "blob <size>\0" and the bytes.
    static func isBlob(_ bytes: UnsafeRawBufferPointer, named oid: git_oid) -> Bool {
        var hasher = Insecure.SHA1()
        hasher.update(data: Array("blob \(bytes.count)\0".utf8))
        hasher.update(bufferPointer: bytes)
        let digest = hasher.finalize()
        var oid = oid
        return digest.withUnsafeBytes { digest in
            withUnsafeBytes(of: &oid.id) { $0.elementsEqual(digest) }
        }
    }

    private static func readableBackends(_ odb: OpaquePointer) -> [(backend: OpaquePointer, read: ReadFunction)] {
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        guard git_libgit2_version(&major, &minor, &revision) == 0, major == 1 else { return [] }
        var found: [(backend: OpaquePointer, read: ReadFunction)] = []
        for position in 0..<git_odb_num_backends(odb) {
            var backend: OpaquePointer?
            guard git_odb_get_backend(&backend, odb, position) == 0, let backend else { return [] }
            let raw = UnsafeRawPointer(backend)
            // `version` then `odb` (padded to pointer alignment) then `read`.
            guard raw.load(as: UInt32.self) == 1 else { return [] }
            guard let read = raw.load(fromByteOffset: 2 * MemoryLayout<UnsafeRawPointer>.stride, as: ReadFunction?.self) else {
                continue  // a backend that cannot read (write-only): `git_odb_read` skips it too
            }
            found.append((backend, read))
        }
        return found
    }
}
