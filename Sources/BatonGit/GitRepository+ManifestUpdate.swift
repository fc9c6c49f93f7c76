import BatonManifest
import CGit2

extension GitRepository {
    /// The changes from `old` to `new` under `manifestsPath` and the new bytes of the changed
    /// files (see `ManifestUpdate`): a one-file commit reads one blob, however large the
    /// repository.
    public func manifestUpdate(from old: GitObjectID, to new: GitObjectID, under manifestsPath: String = "manifests") throws(GitError) -> ManifestUpdate {
        let normalized = GitSource.normalize(manifestsPath)
        let (changes, problems) = try manifestChangesAndProblems(from: old, to: new, under: normalized)
        var update = ManifestUpdate(from: old, commit: new, changes: changes, blobs: [], diagnostics: problems)
        if !normalized.isEmpty, let problem = try manifestsFolderProblem(normalized, at: new) {
            update.diagnostics.append(problem)
        }
        var odb: OpaquePointer?
        let status = git_repository_odb(&odb, pointer)
        guard status == 0, let odb else { throw LibGit2.error(status, step: .readTree) }
        defer { git_odb_free(odb) }
        for change in changes {
            guard let id = change.newBlob else { continue }
            var oid = id.oid
            var size = 0
            var type = GIT_OBJECT_ANY
            let rc = git_odb_read_header(&size, &type, odb, &oid)
            guard rc == 0 else { throw LibGit2.error(rc, step: .readTree, ref: id.hex).withMessagePrefix("\(change.path): ") }
            if size > JSONReader.maximumSize {
                update.diagnostics.append(Diagnostic(
                    file: change.path, line: 1, column: 1, pointer: "", severity: .error, code: .tooLarge,
                    message: "file is \(size) bytes; a manifest may be at most \(JSONReader.maximumSize) bytes (1 MiB)"))
                continue
            }
            update.blobs.append(ManifestBlob(path: change.path, id: id, bytes: try blob(id)))
        }
        update.diagnostics.sort()
        return update
    }

    /// A diagnostic when the manifests path itself is a symbolic link or a submodule at
    /// `commit`, as `manifests(at:under:)` reports it.
    private func manifestsFolderProblem(_ manifestsPath: String, at commit: GitObjectID) throws(GitError) -> Diagnostic? {
        let root = try lookupTree(ofCommit: commit, step: .readTree)
        defer { git_tree_free(root) }
        var entry: OpaquePointer?
        guard git_tree_entry_bypath(&entry, root, manifestsPath) == 0, let entry else { return nil }
        defer { git_tree_entry_free(entry) }
        switch git_tree_entry_filemode(entry) {
        case GIT_FILEMODE_LINK: return Self.symlinkDiagnostic(manifestsPath)
        case GIT_FILEMODE_COMMIT: return Self.submoduleDiagnostic(manifestsPath)
        default: return nil
        }
    }
}
