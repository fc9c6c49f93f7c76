import BatonManifest
import CGit2
import Foundation

extension GitRepository {
    /// The manifests that differ between `old` and `new`, sorted by path. `old` nil means
    /// "from nothing": every manifest is added.
    ///
    /// Two passes. First our own walk of both trees that skips every subtree whose id did
    /// not change, so a one-file change reads a handful of objects however large the
    /// repository (libgit2 1.5's tree-to-tree diff opens every folder under the pathspec,
    /// which cost 12 ms on 10,000 files in 100 folders). Only when a commit both adds and
    /// deletes manifests can there be renames, and then libgit2's diff with rename detection
    /// by content similarity (its default 50%) gives the answer. Only regular files that
    /// `ManifestPath.isManifest` accepts count: a manifest renamed to `a.json.bak` is a
    /// deletion, and one replaced by a symlink is a deletion too (the snapshot reports it).
    public func manifestChanges(from old: GitObjectID?, to new: GitObjectID, under manifestsPath: String = "manifests") throws(GitError) -> [ManifestChange] {
        try manifestChangesAndProblems(from: old, to: new, under: manifestsPath).changes
    }

    /// `manifestChanges`, plus a diagnostic for every symbolic link or submodule the walk met
    /// under the manifests path on the new side (outside hidden folders): what a full
    /// snapshot would report, found only in the folders that changed.
    func manifestChangesAndProblems(from old: GitObjectID?, to new: GitObjectID, under manifestsPath: String) throws(GitError) -> (changes: [ManifestChange], problems: [Diagnostic]) {
        let manifestsPath = GitSource.normalize(manifestsPath)
        let newTree = try lookupTree(ofCommit: new, step: .diff)
        defer { git_tree_free(newTree) }
        var oldTree: OpaquePointer?
        if let old { oldTree = try lookupTree(ofCommit: old, step: .diff) }
        defer { if let oldTree { git_tree_free(oldTree) } }
        if let oldTree, git_oid_equal(git_tree_id(oldTree), git_tree_id(newTree)) == 1 { return ([], []) }

        var walk = TreeWalkDiff(repository: pointer, manifestsPath: manifestsPath)
        try walk.compare(folder(manifestsPath, in: oldTree), folder(manifestsPath, in: newTree), prefix: manifestsPath)
        let problems = walk.problems.sorted()
        let adds = walk.changes.contains { $0.kind == .added }
        let deletes = walk.changes.contains { $0.kind == .deleted }
        if !(adds && deletes) { return (walk.changes.sorted { $0.path < $1.path }, problems) }
        return (try changesWithRenames(oldTree: oldTree, newTree: newTree, new: new, under: manifestsPath), problems)
    }

    /// The manifests that differ between `old` and `new`, from the walk alone: no rename
    /// detection (a rename is a deletion and an addition). Cheap enough to run once per
    /// commit of a history: it opens only the folders whose ids differ.
    func manifestChangesWithoutRenames(from old: GitObjectID?, to new: GitObjectID, under manifestsPath: String) throws(GitError) -> [ManifestChange] {
        let manifestsPath = GitSource.normalize(manifestsPath)
        let newTree = try lookupTree(ofCommit: new, step: .history)
        defer { git_tree_free(newTree) }
        var oldTree: OpaquePointer?
        if let old { oldTree = try lookupTree(ofCommit: old, step: .history) }
        defer { if let oldTree { git_tree_free(oldTree) } }
        if let oldTree, git_oid_equal(git_tree_id(oldTree), git_tree_id(newTree)) == 1 { return [] }
        var walk = TreeWalkDiff(repository: pointer, manifestsPath: manifestsPath)
        try walk.compare(folder(manifestsPath, in: oldTree), folder(manifestsPath, in: newTree), prefix: manifestsPath)
        return walk.changes
    }

    /// The id of the folder at `path` in `tree` (the tree itself for ""), or nil when absent
    /// or not a folder.
    private func folder(_ path: String, in tree: OpaquePointer?) -> git_oid? {
        guard let tree else { return nil }
        if path.isEmpty { return git_tree_id(tree).pointee }
        var entry: OpaquePointer?
        guard git_tree_entry_bypath(&entry, tree, path) == 0, let entry else { return nil }
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return nil }
        return git_tree_entry_id(entry).pointee
    }

    /// libgit2's diff with rename detection, for commits that add and delete manifests.
    private func changesWithRenames(oldTree: OpaquePointer?, newTree: OpaquePointer, new: GitObjectID, under manifestsPath: String) throws(GitError) -> [ManifestChange] {
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

/// The first pass of `manifestChanges`: both trees walked side by side, unchanged subtrees
/// skipped by id.
private struct TreeWalkDiff {
    let repository: OpaquePointer
    let manifestsPath: String
    var changes: [ManifestChange] = []
    /// Symbolic links and submodules on the new side, outside hidden folders.
    var problems: [Diagnostic] = []

    private struct Entry {
        var id: git_oid
        var mode: git_filemode_t
        var isTree: Bool { mode == GIT_FILEMODE_TREE }
        var isFile: Bool { mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE }
    }

    init(repository: OpaquePointer, manifestsPath: String) {
        self.repository = repository
        self.manifestsPath = manifestsPath
    }

    /// Compares two folders (either may be absent) whose repository path is `prefix`.
    mutating func compare(_ old: git_oid?, _ new: git_oid?, prefix: String) throws(GitError) {
        if var old, var new, git_oid_equal(&old, &new) == 1 { return }
        let oldEntries = try entries(old)
        let newEntries = try entries(new)
        for (name, newEntry) in newEntries.sorted(by: { $0.key < $1.key }) {
            let path = prefix.isEmpty ? name : prefix + "/" + name
            let oldEntry = oldEntries[name]
            if var oldID = oldEntry?.id, var newID = Optional(newEntry.id), oldEntry!.mode == newEntry.mode, git_oid_equal(&oldID, &newID) == 1 {
                continue
            }
            try compare(entry: oldEntry, with: newEntry, path: path)
        }
        for (name, oldEntry) in oldEntries where newEntries[name] == nil {
            try compare(entry: oldEntry, with: nil, path: prefix.isEmpty ? name : prefix + "/" + name)
        }
    }

    private mutating func compare(entry old: Entry?, with new: Entry?, path: String) throws(GitError) {
        if let new, new.mode == GIT_FILEMODE_LINK || new.mode == GIT_FILEMODE_COMMIT, !isHidden(path) {
            problems.append(new.mode == GIT_FILEMODE_LINK ? GitRepository.symlinkDiagnostic(path) : GitRepository.submoduleDiagnostic(path))
        }
        // Folders on either side are compared recursively (a missing side is empty).
        if old?.isTree == true || new?.isTree == true {
            try compare(old?.isTree == true ? old!.id : nil, new?.isTree == true ? new!.id : nil, prefix: path)
        }
        let oldFile = old?.isFile == true && isManifest(path) ? old : nil
        let newFile = new?.isFile == true && isManifest(path) ? new : nil
        switch (oldFile, newFile) {
        case let (old?, new?):
            var oldID = old.id, newID = new.id
            if git_oid_equal(&oldID, &newID) != 1 {
                changes.append(ManifestChange(kind: .modified, path: path, oldBlob: GitObjectID(old.id), newBlob: GitObjectID(new.id)))
            }
        case let (old?, nil):
            changes.append(ManifestChange(kind: .deleted, path: path, oldBlob: GitObjectID(old.id), newBlob: nil))
        case let (nil, new?):
            changes.append(ManifestChange(kind: .added, path: path, oldBlob: nil, newBlob: GitObjectID(new.id)))
        case (nil, nil):
            break
        }
    }

    /// Whether any component of the path below the manifests folder starts with a dot.
    private func isHidden(_ path: String) -> Bool {
        let relative = manifestsPath.isEmpty ? Substring(path) : path.dropFirst(manifestsPath.count + 1)
        return relative.split(separator: "/").contains { $0.hasPrefix(".") }
    }

    private func isManifest(_ path: String) -> Bool {
        let relative = manifestsPath.isEmpty ? Substring(path) : path.dropFirst(manifestsPath.count + 1)
        return ManifestPath.isManifest(String(relative))
    }

    private func entries(_ id: git_oid?) throws(GitError) -> [String: Entry] {
        guard var id else { return [:] }
        var tree: OpaquePointer?
        let rc = git_tree_lookup(&tree, repository, &id)
        guard rc == 0, let tree else { throw LibGit2.error(rc, step: .diff) }
        defer { git_tree_free(tree) }
        var result: [String: Entry] = [:]
        let count = git_tree_entrycount(tree)
        result.reserveCapacity(count)
        for index in 0..<count {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            result[String(cString: git_tree_entry_name(entry))] = Entry(id: git_tree_entry_id(entry).pointee, mode: git_tree_entry_filemode(entry))
        }
        return result
    }
}
