import CGit2

extension GitRepository {
    /// How `new` relates to `old` (the last applied commit; nil before the first apply,
    /// which counts as a fast-forward from nothing).
    ///
    /// When `old` is no longer in the mirror (it was cloned afresh after a force-push), `old`
    /// cannot be an ancestor of `new` (all of `new`'s history is present), so the answer is a
    /// rewind with `oldCommitInMirror: false`: whether they share history is unknowable.
    public func movement(from old: GitObjectID?, to new: GitObjectID) throws(GitError) -> Movement {
        guard let old else { return .fastForward }
        if old == new { return .same }
        guard contains(old) else { return .rewind(oldCommitInMirror: false) }
        if try isAncestor(old, of: new) { return .fastForward }
        return try mergeBase(old, new) == nil ? .unrelated : .rewind(oldCommitInMirror: true)
    }

    /// True when `ancestor` is reachable from `descendant` (and not equal to it).
    public func isAncestor(_ ancestor: GitObjectID, of descendant: GitObjectID) throws(GitError) -> Bool {
        var descendantOID = descendant.oid
        var ancestorOID = ancestor.oid
        let rc = git_graph_descendant_of(pointer, &descendantOID, &ancestorOID)
        guard rc >= 0 else { throw LibGit2.error(rc, step: .history, ref: descendant.hex) }
        return rc == 1
    }

    /// The best common ancestor, or nil for unrelated histories.
    public func mergeBase(_ one: GitObjectID, _ two: GitObjectID) throws(GitError) -> GitObjectID? {
        var out = git_oid()
        var a = one.oid
        var b = two.oid
        let rc = git_merge_base(&out, pointer, &a, &b)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        guard rc == 0 else { throw LibGit2.error(rc, step: .history, ref: two.hex) }
        return GitObjectID(out)
    }
}
