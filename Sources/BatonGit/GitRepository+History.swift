import CGit2
import Foundation

extension GitRepository {
    /// The commit's author, committer, subject and parents.
    public func commitInfo(_ id: GitObjectID) throws(GitError) -> CommitInfo {
        let commit = try lookupCommit(id, step: .history)
        defer { git_commit_free(commit) }
        return Self.info(commit)
    }

    /// The commits on the first-parent chain of `new` that are not in `old`'s history
    /// (`git log --first-parent old..new`); all of `new`'s first-parent chain when `old` is
    /// nil or no longer in the mirror.
    ///
    /// First-parent because on a branch that takes pull requests the first-parent chain is
    /// the list of things that landed (each merge is one entry), which is what a person asks
    /// "what changed since the last apply" about; the merged branches' own commits are
    /// reached through `attributions`.
    public func firstParentHistory(from old: GitObjectID?, to new: GitObjectID, order: HistoryOrder = .newestFirst) throws(GitError) -> [CommitInfo] {
        var walk: OpaquePointer?
        var rc = git_revwalk_new(&walk, pointer)
        guard rc == 0, let walk else { throw LibGit2.error(rc, step: .history, ref: new.hex) }
        defer { git_revwalk_free(walk) }
        var sorting = GIT_SORT_TOPOLOGICAL.rawValue
        if order == .oldestFirst { sorting |= GIT_SORT_REVERSE.rawValue }
        git_revwalk_sorting(walk, sorting)
        git_revwalk_simplify_first_parent(walk)
        var newOID = new.oid
        rc = git_revwalk_push(walk, &newOID)
        guard rc == 0 else { throw LibGit2.error(rc, step: .history, ref: new.hex) }
        if let old, contains(old) {
            var oldOID = old.oid
            rc = git_revwalk_hide(walk, &oldOID)
            guard rc == 0 else { throw LibGit2.error(rc, step: .history, ref: old.hex) }
        }
        var commits: [CommitInfo] = []
        var oid = git_oid()
        while true {
            rc = git_revwalk_next(&oid, walk)
            if rc == GIT_ITEROVER.rawValue { break }
            guard rc == 0 else { throw LibGit2.error(rc, step: .history, ref: new.hex) }
            commits.append(try commitInfo(GitObjectID(oid)))
        }
        return commits
    }

    static func info(_ commit: OpaquePointer) -> CommitInfo {
        let parents = (0..<git_commit_parentcount(commit)).compactMap { index in
            git_commit_parent_id(commit, index).map { GitObjectID($0) }
        }
        let subject = git_commit_summary(commit).map { String(cString: $0) } ?? ""
        return CommitInfo(
            id: GitObjectID(git_commit_id(commit)),
            parents: parents,
            author: signature(git_commit_author(commit)),
            committer: signature(git_commit_committer(commit)),
            subject: subject)
    }

    private static func signature(_ raw: UnsafePointer<git_signature>?) -> GitSignature {
        guard let raw else { return GitSignature(name: "", email: "", time: Date(timeIntervalSince1970: 0), utcOffsetMinutes: 0) }
        let signature = raw.pointee
        return GitSignature(
            name: signature.name.map { String(cString: $0) } ?? "",
            email: signature.email.map { String(cString: $0) } ?? "",
            time: Date(timeIntervalSince1970: TimeInterval(signature.when.time)),
            utcOffsetMinutes: Int(signature.when.offset))
    }
}
