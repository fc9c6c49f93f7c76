import CGit2

extension GitRepository {
    /// One attribution per manifest that changed between `old` and `new` (see
    /// `manifestChanges`), in path order: three authors changing three files are three
    /// attributions.
    ///
    /// For each file, the newest commit on `new`'s first-parent chain whose content at that
    /// path differs from its first parent's is "the commit that last changed it". When that
    /// commit is a merge, the change came in from the merged side, so the merged branch
    /// (commits reachable from the other parents but not the first) is searched, newest
    /// first, for the commit that introduced the same blob; if none did (the merge itself
    /// resolved a conflict), the merge is both `commit` and `merge`.
    ///
    /// The walk is not cut off at `old`: after a rewind the last change can lie before the
    /// merge base. A change no commit explains (only possible when `old` is not an ancestor)
    /// is attributed to `new` itself.
    public func attributions(from old: GitObjectID?, to new: GitObjectID, under manifestsPath: String = "manifests") throws(GitError) -> [Attribution] {
        let changes = try manifestChanges(from: old, to: new, under: manifestsPath)
        guard !changes.isEmpty else { return [] }
        // What each path holds at `new` (nil: deleted there).
        var unresolved: [String: GitObjectID?] = [:]
        for change in changes { unresolved[change.path] = .some(change.newBlob) }
        var found: [String: (commit: CommitInfo, merge: CommitInfo?)] = [:]

        var current: GitObjectID? = new
        while let id = current, !unresolved.isEmpty {
            let info = try commitInfo(id)
            // What this commit changed against its first parent, by a walk that skips equal
            // folders: a commit that touched no manifest costs one comparison, and a root
            // commit resolves every path it adds at once.
            for change in try manifestChangesWithoutRenames(from: info.parents.first, to: id, under: manifestsPath) {
                guard unresolved[change.path] != nil else { continue }
                unresolved[change.path] = nil
                if info.isMerge {
                    let writer = try branchCommit(introducing: change.newBlob, at: change.path, merge: info)
                    found[change.path] = (writer ?? info, info)
                } else {
                    found[change.path] = (info, nil)
                }
            }
            current = info.parents.first
        }
        if !unresolved.isEmpty {
            let tip = try commitInfo(new)
            for path in unresolved.keys { found[path] = (tip, nil) }
        }
        return changes.compactMap { change in
            found[change.path].map { Attribution(change: change, commit: $0.commit, merge: $0.merge) }
        }
    }

    /// The newest commit on the merged side of `merge` whose content at `path` is `blob`
    /// while its first parent's is not.
    private func branchCommit(introducing blob: GitObjectID?, at path: String, merge: CommitInfo) throws(GitError) -> CommitInfo? {
        var walk: OpaquePointer?
        var rc = git_revwalk_new(&walk, pointer)
        guard rc == 0, let walk else { throw LibGit2.error(rc, step: .history, ref: merge.id.hex) }
        defer { git_revwalk_free(walk) }
        git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue)
        for parent in merge.parents.dropFirst() {
            var oid = parent.oid
            rc = git_revwalk_push(walk, &oid)
            guard rc == 0 else { throw LibGit2.error(rc, step: .history, ref: parent.hex) }
        }
        if let first = merge.parents.first {
            var oid = first.oid
            rc = git_revwalk_hide(walk, &oid)
            guard rc == 0 else { throw LibGit2.error(rc, step: .history, ref: first.hex) }
        }
        var oid = git_oid()
        while true {
            rc = git_revwalk_next(&oid, walk)
            if rc == GIT_ITEROVER.rawValue { return nil }
            guard rc == 0 else { throw LibGit2.error(rc, step: .history, ref: merge.id.hex) }
            let id = GitObjectID(oid)
            let commit = try lookupCommit(id, step: .history)
            defer { git_commit_free(commit) }
            let info = Self.info(commit)
            let tree = try treeOf(commit, id: id)
            defer { git_tree_free(tree) }
            guard entryID(tree, path) == blob else { continue }
            let parentTree = try info.parents.first.map { parent throws(GitError) in try lookupTree(ofCommit: parent, step: .history) }
            defer { if let parentTree { git_tree_free(parentTree) } }
            if parentTree.flatMap({ entryID($0, path) }) != blob { return info }
        }
    }

    private func treeOf(_ commit: OpaquePointer, id: GitObjectID) throws(GitError) -> OpaquePointer {
        var tree: OpaquePointer?
        let rc = git_commit_tree(&tree, commit)
        guard rc == 0, let tree else { throw LibGit2.error(rc, step: .history, ref: id.hex) }
        return tree
    }

    /// The id of the entry at `path` in `tree`, nil when absent.
    func entryID(_ tree: OpaquePointer, _ path: String) -> GitObjectID? {
        var entry: OpaquePointer?
        guard git_tree_entry_bypath(&entry, tree, path) == 0, let entry else { return nil }
        defer { git_tree_entry_free(entry) }
        return GitObjectID(git_tree_entry_id(entry))
    }
}
