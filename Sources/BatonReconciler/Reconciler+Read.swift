import BatonGit
import BatonManifest
import BatonStore

extension Reconciler {
    /// Reads and judges every manifest of `commit`.
    static func readAll(_ repository: GitRepository, at commit: GitObjectID, under manifestsPath: String) throws(GitError) -> DesiredRead {
        let snapshot = try repository.manifests(at: commit, under: manifestsPath)
        let catalog = snapshot.catalog()
        var read = desired(from: catalog, blobs: snapshot.blobs, indexPaths: nil)
        read.scope = .all
        if snapshot.blobs.isEmpty, snapshot.diagnostics.isEmpty {
            let path = manifestsPath.isEmpty ? "/" : manifestsPath
            read.diagnostics.append(Diagnostic(
                file: path, line: 1, column: 1, pointer: "", severity: .warning, code: .noManifests,
                message: snapshot.manifestsPathExists
                    ? "no manifest (*.json) under \"\(path)\" at commit \(commit.short)"
                    : "the manifests path \"\(path)\" does not exist at commit \(commit.short)"))
        }
        return read
    }

    /// Reads and judges only what changed since `old`, the applied commit, using the store's
    /// manifest index for everything else.
    ///
    /// Files of unchanged paths that define a name a changed file now uses are read too, so
    /// a duplicate name is reported on both files, as a full read reports it.
    func readChanges(_ repository: GitRepository, from old: GitObjectID, to commit: GitObjectID) async throws -> DesiredRead {
        let update = try repository.manifestUpdate(from: old, to: commit, under: manifestsPath)
        guard !update.changes.isEmpty || !update.diagnostics.isEmpty else {
            return DesiredRead(scope: .names([]), pipelines: [:], diagnostics: [], indexUpserts: [], indexDeletions: [])
        }
        // Links between pipelines (`triggers` naming a pipeline, `onFailure`) are judged over
        // every manifest (a loop may pass through files that did not change): while the live
        // state or the changed files have one, read everything.
        if try await store.hasLinkedManifests() {
            return try Self.readAll(repository, at: commit, under: manifestsPath)
        }
        var blobs = update.blobs
        var catalog = ManifestSnapshot(commit: commit, manifestsPath: manifestsPath, manifestsPathExists: true, blobs: blobs, diagnostics: update.diagnostics).catalog()
        if catalog.files.contains(where: { !$0.links.isEmpty }) {
            return try Self.readAll(repository, at: commit, under: manifestsPath)
        }
        var changedPaths: Set<String> = []
        for change in update.changes {
            changedPaths.insert(change.path)
            if case .renamed(let from) = change.kind { changedPaths.insert(from) }
        }
        let before = try await store.manifestIndex(paths: Array(changedPaths))
        let newNames = Set(catalog.files.compactMap(\.name))
        let others = newNames.isEmpty ? [] : try await store.manifestIndex(pipelines: Array(newNames)).filter { !changedPaths.contains($0.path) }
        if !others.isEmpty {
            for entry in others {
                guard let id = GitObjectID(hex: entry.blobID) else { continue }
                blobs.append(ManifestBlob(path: entry.path, id: id, bytes: try repository.blob(id)))
            }
            catalog = ManifestSnapshot(commit: commit, manifestsPath: manifestsPath, manifestsPathExists: true, blobs: blobs, diagnostics: update.diagnostics).catalog()
        }

        var read = Self.desired(from: catalog, blobs: blobs, indexPaths: changedPaths)
        read.scope = .names(Set(before.map(\.pipeline)).union(catalog.files.compactMap(\.name)))
        let kept = Set(read.indexUpserts.map(\.path))
        read.indexDeletions = changedPaths.filter { !kept.contains($0) }.sorted()
        return read
    }

    /// The wanted pipelines of a judged set of files, with their canonical specs (computed on
    /// all cores), and index rows for the files among `indexPaths` (all when nil).
    static func desired(from catalog: ManifestCatalog, blobs: [ManifestBlob], indexPaths: Set<String>?) -> DesiredRead {
        var blobsByPath: [String: ManifestBlob] = [:]
        for blob in blobs { blobsByPath[blob.path] = blob }
        let bytesByPath = blobsByPath
        let valid = catalog.files.filter { $0.pipeline != nil }
        let pipelines: [DesiredPipeline?] = valid.concurrentMap { file in
            guard let pipeline = file.pipeline, let blob = bytesByPath[file.path], let canonical = CanonicalSpec.of(blob.bytes) else { return nil }
            return DesiredPipeline(name: pipeline.name, path: file.path, blobID: blob.id.hex, spec: canonical.spec, specHash: canonical.hash, pipeline: pipeline)
        }
        var byName: [String: DesiredPipeline] = [:]
        var upserts: [ManifestIndexEntry] = []
        for case let pipeline? in pipelines {
            byName[pipeline.name] = pipeline
            if indexPaths?.contains(pipeline.path) ?? true {
                let linked = !pipeline.pipeline.upstreamTriggers.isEmpty || pipeline.pipeline.onFailure != nil
                upserts.append(ManifestIndexEntry(path: pipeline.path, blobID: pipeline.blobID, pipeline: pipeline.name, linked: linked))
            }
        }
        return DesiredRead(scope: .all, pipelines: byName, diagnostics: catalog.diagnostics, indexUpserts: upserts, indexDeletions: [])
    }
}
