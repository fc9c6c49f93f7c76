import CGit2

/// An open repository (in Baton, a bare mirror) and the read operations the reconciler needs.
///
/// A class because it owns a `git_repository *` that must be freed exactly once. Not
/// `Sendable`: libgit2 allows one repository object per thread, so each task opens its own
/// (opening is cheap) instead of sharing one behind a lock.
public final class GitRepository {
    let pointer: OpaquePointer
    /// The directory it was opened from.
    public let path: String

    /// Opens an existing repository (bare or not) without searching parent directories, so a
    /// missing mirror is never confused with an enclosing repository.
    public init(path: String) throws(GitError) {
        LibGit2.ensureInitialized()
        var repository: OpaquePointer?
        let rc = git_repository_open_ext(&repository, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
        guard rc == 0, let repository else {
            throw LibGit2.error(rc, step: .openMirror, code: .notARepository).withMessagePrefix("\(path): ")
        }
        self.pointer = repository
        self.path = path
    }

    deinit {
        git_repository_free(pointer)
    }

    /// True when the commit (or any object) is in the object database.
    public func contains(_ id: GitObjectID) -> Bool {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, pointer) == 0, let odb else { return false }
        defer { git_odb_free(odb) }
        var oid = id.oid
        return git_odb_exists(odb, &oid) == 1
    }

    /// The commit a ref points at, peeling annotated tags. A missing branch or tag is
    /// `refNotFound`; a pinned commit must be present in the object database.
    public func resolve(_ ref: GitSource.Ref) throws(GitError) -> GitObjectID {
        guard let name = ref.referenceName else {
            guard case .commit(let id) = ref else { preconditionFailure("a ref without a name is a commit") }
            guard contains(id) else {
                throw GitError(code: .refNotFound, message: "commit \(id.hex) is not in the fetched history", ref: ref.description, step: .resolveRef)
            }
            return id
        }
        var reference: OpaquePointer?
        var rc = git_reference_lookup(&reference, pointer, name)
        guard rc == 0, let reference else {
            if rc == GIT_ENOTFOUND.rawValue {
                throw GitError(code: .refNotFound, message: "\(name) does not exist on the remote", ref: ref.description, step: .resolveRef)
            }
            throw LibGit2.error(rc, step: .resolveRef, ref: ref.description)
        }
        defer { git_reference_free(reference) }
        var object: OpaquePointer?
        rc = git_reference_peel(&object, reference, GIT_OBJECT_COMMIT)
        guard rc == 0, let object else {
            throw LibGit2.error(rc, step: .resolveRef, ref: ref.description, code: rc == GIT_ENOTFOUND.rawValue ? .corruptMirror : nil)
        }
        defer { git_object_free(object) }
        return GitObjectID(git_object_id(object))
    }

    /// Looks up a commit; the caller frees it with `git_commit_free`.
    func lookupCommit(_ id: GitObjectID, step: GitError.Step) throws(GitError) -> OpaquePointer {
        var oid = id.oid
        var commit: OpaquePointer?
        let rc = git_commit_lookup(&commit, pointer, &oid)
        guard rc == 0, let commit else {
            throw LibGit2.error(rc, step: step, ref: id.hex, code: rc == GIT_ENOTFOUND.rawValue ? .refNotFound : nil)
                .withMessagePrefix("commit \(id.short): ")
        }
        return commit
    }

    /// The root tree of a commit; the caller frees it with `git_tree_free`.
    func lookupTree(ofCommit id: GitObjectID, step: GitError.Step) throws(GitError) -> OpaquePointer {
        let commit = try lookupCommit(id, step: step)
        defer { git_commit_free(commit) }
        var tree: OpaquePointer?
        let rc = git_commit_tree(&tree, commit)
        guard rc == 0, let tree else { throw LibGit2.error(rc, step: step, ref: id.hex) }
        return tree
    }

    /// The root tree id of a commit: what exported trees are named after.
    public func treeID(ofCommit id: GitObjectID) throws(GitError) -> GitObjectID {
        let commit = try lookupCommit(id, step: .readTree)
        defer { git_commit_free(commit) }
        return GitObjectID(git_commit_tree_id(commit))
    }
}

extension GitError {
    func withMessagePrefix(_ prefix: String) -> GitError {
        var copy = self
        copy.message = prefix + message
        return copy
    }
}
