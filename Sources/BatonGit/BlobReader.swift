import CGit2

/// Reads blob bytes from one repository handle's object database.
///
/// Plain `git_odb_read`, with libgit2's strict hash verification turned off process-wide at
/// initialisation (`LibGit2`): re-hashing every object on every read cost more than half of
/// the instructions of reading a 10,000-manifest snapshot, and git does not do it either.
/// Objects are hashed when a fetch indexes them, which is where corruption in transit shows.
///
/// Not `Sendable`: it holds the odb of one repository handle, used on one thread.
struct BlobReader {
    private let odb: OpaquePointer

    init(odb: OpaquePointer) {
        self.odb = odb
    }

    /// The blob's bytes. `path` only prefixes error messages.
    func read(_ oid: git_oid, path: String) throws(GitError) -> [UInt8] {
        var oid = oid
        var object: OpaquePointer?
        let rc = git_odb_read(&object, odb, &oid)
        guard rc == 0, let object else { throw LibGit2.error(rc, step: .readTree, ref: GitObjectID(oid).hex).withMessagePrefix("\(path): ") }
        defer { git_odb_object_free(object) }
        let size = git_odb_object_size(object)
        guard size > 0, let data = git_odb_object_data(object) else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: size))
    }
}
