import BatonManifest
import CGit2
import Foundation

extension GitRepository {
    /// Problems that would make the tree of `commit` unsafe or impossible to export, as
    /// diagnostics on the revision, so the reconciler rejects the commit whole instead of
    /// every run of it failing (or, for a hostile name, writing outside its tree).
    ///
    /// Looks at the whole tree, not only the manifests folder: runs export all of it. Each
    /// entry name must be one plain component (`TreeEntryName`) and each path must fit
    /// the file system under `prefixBytes` (`TreeStore.exportPrefixBytes`). With `base`, a
    /// commit already judged by the same rules, subtrees it holds unchanged at the same place
    /// are not walked again, so a pass costs what changed.
    ///
    /// Symbolic links are not diagnosed: as before, an export leaves out those that lead
    /// outside the tree and lists them in `ExportedTree.skipped`.
    public func exportProblems(at commit: GitObjectID, since base: GitObjectID? = nil, prefixBytes: Int) throws(GitError) -> [Diagnostic] {
        let root = try lookupTree(ofCommit: commit, step: .readTree)
        defer { git_tree_free(root) }
        var old: OpaquePointer?
        if let base { old = try lookupTree(ofCommit: base, step: .readTree) }
        defer { if let old { git_tree_free(old) } }
        var check = ExportCheck(prefixBytes: prefixBytes)
        try check.walk(root, old: old, relative: "", relativeBytes: 0, repository: self)
        if check.truncated {
            check.diagnostics.append(Diagnostic(
                file: "/", line: 1, column: 1, pointer: "", severity: .error, code: .unsafePath,
                message: "more than \(ExportCheck.limit) entries of commit \(commit.short) cannot be exported; only the first \(ExportCheck.limit) are listed"))
        }
        return check.diagnostics.sorted()
    }
}

/// The walk behind `exportProblems`.
private struct ExportCheck {
    /// Diagnostics listed before the walk stops: a hostile commit can hold millions.
    static let limit = 100
    /// `PATH_MAX` less its NUL, and `NAME_MAX`, as on Linux.
    static let pathMax = 4095
    static let nameMax = 255

    let prefixBytes: Int
    var diagnostics: [Diagnostic] = []
    var truncated = false

    init(prefixBytes: Int) {
        self.prefixBytes = prefixBytes
    }

    mutating func walk(_ tree: OpaquePointer, old: OpaquePointer?, relative: String, relativeBytes: Int, repository: GitRepository) throws(GitError) {
        for index in 0..<git_tree_entrycount(tree) {
            guard !truncated else { return }
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let rawName = git_tree_entry_name(entry)!
            let nameBytes = strlen(rawName)
            let name = String(cString: rawName)
            let mode = git_tree_entry_filemode(entry)
            var oldEntry: OpaquePointer?
            if let old, let match = git_tree_entry_byname(old, rawName) {
                // Judged with the base commit: the same object at the same path.
                if git_tree_entry_filemode(match) == mode, git_oid_equal(git_tree_entry_id(match), git_tree_entry_id(entry)) != 0 { continue }
                oldEntry = match
            }
            let path = relative.isEmpty ? name : "\(relative)/\(name)"
            if let problem = TreeEntryName.problem(name) {
                report(path, .unsafePath, "the tree entry \(name.debugDescription) \(problem): an entry name must be one plain path component (git refuses such names on checkout); exported, it would reach outside the run's folder")
                continue
            }
            let pathBytes = relative.isEmpty ? nameBytes : relativeBytes + 1 + nameBytes
            if nameBytes > Self.nameMax {
                report(path, .pathTooLong, "the name \(name.debugDescription) is \(nameBytes) bytes; a file system allows at most \(Self.nameMax) per name, so no run could export this commit")
                continue
            }
            if prefixBytes + pathBytes > Self.pathMax {
                report(path, .pathTooLong, "the path is \(pathBytes) bytes; under the state directory's trees/ folder a path may be at most \(Self.pathMax - prefixBytes) (PATH_MAX is \(Self.pathMax + 1)), so no run could export this commit")
                continue
            }
            guard mode == GIT_FILEMODE_TREE else { continue }
            let subtree = try repository.lookupTree(git_tree_entry_id(entry), path: path)
            defer { git_tree_free(subtree) }
            var oldSubtree: OpaquePointer?
            if let oldEntry, git_tree_entry_filemode(oldEntry) == GIT_FILEMODE_TREE {
                oldSubtree = try repository.lookupTree(git_tree_entry_id(oldEntry), path: path)
            }
            defer { if let oldSubtree { git_tree_free(oldSubtree) } }
            try walk(subtree, old: oldSubtree, relative: path, relativeBytes: pathBytes, repository: repository)
        }
    }

    private mutating func report(_ path: String, _ code: DiagnosticCode, _ message: String) {
        guard diagnostics.count < Self.limit else {
            truncated = true
            return
        }
        diagnostics.append(Diagnostic(file: path, line: 1, column: 1, pointer: "", severity: .error, code: code, message: message))
    }
}
