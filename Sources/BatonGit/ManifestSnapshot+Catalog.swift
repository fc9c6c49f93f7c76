import BatonManifest

extension ManifestSnapshot {
    /// Decodes and validates every manifest of the snapshot, as one revision, on all cores.
    ///
    /// Problems the snapshot found while reading the tree (a symlink or submodule under the
    /// manifests path, a blob over 1 MiB) become the diagnostics of their paths, so a pull
    /// request check and the reconciler judge a commit by exactly the same list.
    public func catalog() -> ManifestCatalog {
        var files = blobs.concurrentMap { ManifestFile(path: $0.path, bytes: $0.bytes) }
        var byPath: [String: Int] = [:]
        for (index, file) in files.enumerated() { byPath[file.path] = index }
        for diagnostic in diagnostics {
            if let index = byPath[diagnostic.file] {
                files[index].diagnostics.append(diagnostic)
                files[index].pipeline = nil
            } else {
                var file = ManifestFile(path: diagnostic.file, bytes: [])
                file.diagnostics = [diagnostic]
                byPath[diagnostic.file] = files.count
                files.append(file)
            }
        }
        return ManifestCatalog(files: files)
    }
}
