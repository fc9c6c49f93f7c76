import CGit2
import Foundation

/// The working repository a command is run in, found the way `git` finds it: by walking up
/// from a directory until a `.git` appears.
///
/// This is what lets `baton reconcile --once` work with no configuration inside a clone: the
/// source defaults to the clone itself, on its current branch.
public struct DiscoveredRepository: Sendable, Hashable {
    /// The working tree's root (no trailing `/`), or the repository directory for a bare one:
    /// what to hand to `GitSource` as a local URL.
    public var root: String
    /// Whether the repository has no working tree.
    public var isBare: Bool
    /// HEAD's branch without `refs/heads/`; nil when HEAD is detached (CI checkouts of a
    /// commit), in which case the caller must be told the ref explicitly.
    public var branch: String?
    /// True when the branch has no commit yet (a fresh `git init`).
    public var isUnborn: Bool
    /// The commit HEAD points at; nil before the first commit.
    public var head: GitObjectID?
}

extension GitRepository {
    /// Finds the repository containing `directory` (or the directory itself), searching
    /// parent directories, and reads its current branch. Fails with `notARepository` when
    /// there is none up to the file system root.
    public static func discover(from directory: String) throws(GitError) -> DiscoveredRepository {
        LibGit2.ensureInitialized()
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        var rc = git_repository_discover(&buffer, directory, 0, nil)
        guard rc == 0, let found = buffer.ptr else {
            if rc == GIT_ENOTFOUND.rawValue {
                throw GitError(code: .notARepository, message: "no Git repository at \(directory) or any parent directory", step: .openMirror)
            }
            throw LibGit2.error(rc, step: .openMirror, code: .notARepository).withMessagePrefix("\(directory): ")
        }
        let gitDirectory = String(cString: found)

        var repository: OpaquePointer?
        rc = git_repository_open(&repository, gitDirectory)
        guard rc == 0, let repository else {
            throw LibGit2.error(rc, step: .openMirror, code: .notARepository).withMessagePrefix("\(gitDirectory): ")
        }
        defer { git_repository_free(repository) }

        let isBare = git_repository_is_bare(repository) == 1
        var root = git_repository_workdir(repository).map { String(cString: $0) } ?? gitDirectory
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }

        var headID = git_oid()
        let head: GitObjectID? = git_reference_name_to_id(&headID, repository, "HEAD") == 0 ? GitObjectID(headID) : nil
        if git_repository_head_detached(repository) == 1 {
            return DiscoveredRepository(root: root, isBare: isBare, branch: nil, isUnborn: false, head: head)
        }
        // HEAD is symbolic: its target names the branch even before the first commit.
        var symbolic: OpaquePointer?
        rc = git_reference_lookup(&symbolic, repository, "HEAD")
        guard rc == 0, let symbolic else {
            throw LibGit2.error(rc, step: .resolveRef, ref: "HEAD").withMessagePrefix("\(root): ")
        }
        defer { git_reference_free(symbolic) }
        guard let target = git_reference_symbolic_target(symbolic).map({ String(cString: $0) }), target.hasPrefix("refs/heads/") else {
            return DiscoveredRepository(root: root, isBare: isBare, branch: nil, isUnborn: false, head: head)
        }
        let unborn = git_repository_head_unborn(repository) == 1
        return DiscoveredRepository(root: root, isBare: isBare, branch: String(target.dropFirst("refs/heads/".count)), isUnborn: unborn, head: head)
    }

    /// Resolves a revision as `git rev-parse` would (`HEAD~1`, `origin/main`, an abbreviated
    /// commit id), peeled to a commit: for a working repository, where a person names commits
    /// the way they do with `git`. Mirrors are read through `resolve(_:)` instead, whose refs
    /// mean exactly what they mean on the remote.
    public func resolve(revision: String) throws(GitError) -> GitObjectID {
        var object: OpaquePointer?
        var rc = git_revparse_single(&object, pointer, revision)
        guard rc == 0, let object else {
            let code: GitError.Code? = rc == GIT_ENOTFOUND.rawValue || rc == GIT_EAMBIGUOUS.rawValue || rc == GIT_EINVALIDSPEC.rawValue ? .refNotFound : nil
            throw LibGit2.error(rc, step: .resolveRef, ref: revision, code: code).withMessagePrefix("\"\(revision)\": ")
        }
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        rc = git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
        guard rc == 0, let commit else {
            throw LibGit2.error(rc, step: .resolveRef, ref: revision, code: .refNotFound).withMessagePrefix("\"\(revision)\" is not a commit: ")
        }
        defer { git_object_free(commit) }
        return GitObjectID(git_object_id(commit))
    }
}
