import BatonManifest
import CGit2
import Foundation

extension GitRepository {
    /// The manifests that differ between `old` and `new`, sorted by path. `old` nil means
    /// "from nothing": every manifest is added.
    ///
    /// A tree-to-tree diff restricted to the manifests folder: libgit2 compares subtrees by
    /// id and never opens one that did not change, so a one-file change costs a handful of
    /// object reads however large the repository. Renames are detected by content
    /// similarity (libgit2's default 50%). Only regular files that `ManifestPath.isManifest`
    /// accepts count: a manifest renamed to `a.json.bak` is a deletion, and one replaced by
    /// a symlink is a deletion too (the snapshot reports the symlink).
    public func manifestChanges(from old: GitObjectID?, to new: GitObjectID, under manifestsPath: String = "manifests") throws(GitError) -> [ManifestChange] {
        let manifestsPath = GitSource.normalize(manifestsPath)
        let newTree = try lookupTree(ofCommit: new, step: .diff)
        defer { git_tree_free(newTree) }
        var oldTree: OpaquePointer?
        if let old { oldTree = try lookupTree(ofCommit: old, step: .diff) }
        defer { if let oldTree { git_tree_free(oldTree) } }
        if let oldTree, git_oid_equal(git_tree_id(oldTree), git_tree_id(newTree)) == 1 { return [] }

        var options = git_diff_options()
        git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
        // Literal paths, not fnmatch patterns: a folder named `ma[n]ifests` must still work.
        options.flags = GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue | GIT_DIFF_SKIP_BINARY_CHECK.rawValue
        options.context_lines = 0
        var diff: OpaquePointer?
        var pathspec: UnsafeMutablePointer<CChar>? = manifestsPath.isEmpty ? nil : strdup(manifestsPath + "/")
        defer { free(pathspec) }
        let rc: Int32 = withUnsafeMutablePointer(to: &pathspec) { strings in
            if manifestsPath.isEmpty {
                return git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, &options)
            }
            options.pathspec = git_strarray(strings: strings, count: 1)
            return git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, &options)
        }
        guard rc == 0, let diff else { throw LibGit2.error(rc, step: .diff, ref: new.hex) }
        defer { git_diff_free(diff) }

        var find = git_diff_find_options()
        git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION))
        find.flags = GIT_DIFF_FIND_RENAMES.rawValue
        let found = git_diff_find_similar(diff, &find)
        guard found == 0 else { throw LibGit2.error(found, step: .diff, ref: new.hex) }

        var changes: [ManifestChange] = []
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
            let oldSide = side(delta.old_file, exists: delta.status != GIT_DELTA_ADDED, under: manifestsPath)
            let newSide = side(delta.new_file, exists: delta.status != GIT_DELTA_DELETED, under: manifestsPath)
            switch (oldSide, newSide) {
            case let (old?, new?):
                if old.path != new.path {
                    changes.append(ManifestChange(kind: .renamed(from: old.path), path: new.path, oldBlob: old.id, newBlob: new.id))
                } else if old.id != new.id {
                    changes.append(ManifestChange(kind: .modified, path: new.path, oldBlob: old.id, newBlob: new.id))
                }
            case let (old?, nil):
                changes.append(ManifestChange(kind: .deleted, path: old.path, oldBlob: old.id, newBlob: nil))
            case let (nil, new?):
                changes.append(ManifestChange(kind: .added, path: new.path, oldBlob: nil, newBlob: new.id))
            case (nil, nil):
                continue
            }
        }
        return changes.sorted { $0.path < $1.path }
    }

    /// One side of a delta if it is a manifest: a regular file whose path under the
    /// manifests folder passes `ManifestPath.isManifest`.
    private func side(_ file: git_diff_file, exists: Bool, under manifestsPath: String) -> (path: String, id: GitObjectID)? {
        guard exists, let raw = file.path else { return nil }
        let mode = UInt32(file.mode)
        guard mode == GIT_FILEMODE_BLOB.rawValue || mode == GIT_FILEMODE_BLOB_EXECUTABLE.rawValue else { return nil }
        let path = String(cString: raw)
        let relative: Substring
        if manifestsPath.isEmpty {
            relative = Substring(path)
        } else {
            guard path.hasPrefix(manifestsPath + "/") else { return nil }
            relative = path.dropFirst(manifestsPath.count + 1)
        }
        guard ManifestPath.isManifest(String(relative)) else { return nil }
        return (path, GitObjectID(file.id))
    }
}
