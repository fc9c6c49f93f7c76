import BatonManifest
import CGit2
import Foundation

extension GitRepository {
    /// Lists and reads every manifest under `manifestsPath` at `commit`.
    ///
    /// Which files count is `ManifestPath.isManifest` on the path relative to the manifests
    /// folder (`*.json`, nothing hidden), the same rule `baton validate` applies to a
    /// directory. Symbolic links and submodules anywhere under the folder (outside hidden
    /// folders) are errors whatever their name, since a linked folder could hold manifests.
    public func manifests(at commit: GitObjectID, under manifestsPath: String = "manifests") throws(GitError) -> ManifestSnapshot {
        try manifests(at: commit, under: manifestsPath, direct: true)
    }

    /// `direct: false` reads every blob through `git_odb_read_header` and `git_odb_read`
    /// only, the reference the faster path is tested against.
    func manifests(at commit: GitObjectID, under manifestsPath: String, direct: Bool) throws(GitError) -> ManifestSnapshot {
        let manifestsPath = GitSource.normalize(manifestsPath)
        let root = try lookupTree(ofCommit: commit, step: .readTree)
        defer { git_tree_free(root) }
        var snapshot = ManifestSnapshot(commit: commit, manifestsPath: manifestsPath, manifestsPathExists: false, blobs: [], diagnostics: [])
        // The raw ids of `snapshot.blobs`, in the same order, for reading them.
        var oids: [git_oid] = []

        if manifestsPath.isEmpty {
            snapshot.manifestsPathExists = true
            try collect(tree: root, relative: "", snapshot: &snapshot, oids: &oids)
            try readPending(&snapshot, oids: oids, direct: direct)
            snapshot.sort()
            return snapshot
        }
        var entry: OpaquePointer?
        let rc = git_tree_entry_bypath(&entry, root, manifestsPath)
        if rc == GIT_ENOTFOUND.rawValue { return snapshot }
        guard rc == 0, let entry else { throw LibGit2.error(rc, step: .readTree, ref: commit.hex) }
        defer { git_tree_entry_free(entry) }
        switch git_tree_entry_filemode(entry) {
        case GIT_FILEMODE_TREE:
            snapshot.manifestsPathExists = true
            let tree = try lookupTree(git_tree_entry_id(entry), path: manifestsPath)
            defer { git_tree_free(tree) }
            try collect(tree: tree, relative: "", snapshot: &snapshot, oids: &oids)
            try readPending(&snapshot, oids: oids, direct: direct)
        case GIT_FILEMODE_LINK:
            snapshot.manifestsPathExists = true
            snapshot.diagnostics.append(Self.symlinkDiagnostic(manifestsPath))
        case GIT_FILEMODE_COMMIT:
            snapshot.manifestsPathExists = true
            snapshot.diagnostics.append(Self.submoduleDiagnostic(manifestsPath))
        default:
            break  // a plain file where the folder should be: as good as missing
        }
        snapshot.sort()
        return snapshot
    }

    /// Reads a blob's bytes.
    public func blob(_ id: GitObjectID) throws(GitError) -> [UInt8] {
        var oid = id.oid
        var blob: OpaquePointer?
        let rc = git_blob_lookup(&blob, pointer, &oid)
        guard rc == 0, let blob else { throw LibGit2.error(rc, step: .readTree, ref: id.hex).withMessagePrefix("blob \(id.short): ") }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let content = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: content, count: size))
    }

    private func collect(tree: OpaquePointer, relative: String, snapshot: inout ManifestSnapshot, oids: inout [git_oid]) throws(GitError) {
        let base = snapshot.manifestsPath
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let name = String(cString: git_tree_entry_name(entry))
            // Hidden files and folders are never manifests, nor is anything inside them.
            if name.hasPrefix(".") { continue }
            let relativePath = relative.isEmpty ? name : "\(relative)/\(name)"
            let path = base.isEmpty ? relativePath : "\(base)/\(relativePath)"
            switch git_tree_entry_filemode(entry) {
            case GIT_FILEMODE_TREE:
                let subtree = try lookupTree(git_tree_entry_id(entry), path: path)
                defer { git_tree_free(subtree) }
                try collect(tree: subtree, relative: relativePath, snapshot: &snapshot, oids: &oids)
            case GIT_FILEMODE_LINK:
                snapshot.diagnostics.append(Self.symlinkDiagnostic(path))
            case GIT_FILEMODE_COMMIT:
                snapshot.diagnostics.append(Self.submoduleDiagnostic(path))
            default:
                guard ManifestPath.isManifest(relativePath) else { continue }
                // Read after the walk, possibly on several threads: see `readPending`.
                let oid = git_tree_entry_id(entry).pointee
                snapshot.blobs.append(ManifestBlob(path: path, id: GitObjectID(oid), bytes: []))
                oids.append(oid)
            }
        }
    }

    /// Fills in the bytes of every blob the walk found, refusing oversized ones by their
    /// size before reading them.
    ///
    /// Where the time goes on a real pack (nearly every blob a delta, chains tens of links
    /// deep), and what is done about it: sizes come from the pack files themselves
    /// (`PackSizeProbe`), not `git_odb_read_header`, which walks each delta chain; bytes come
    /// through `BlobReader`, with libgit2's re-hash of every object read turned off. Large snapshots are then read on all cores,
    /// each worker with its own repository handle (libgit2 objects must not be shared between
    /// threads), all sharing the probe, which only reads memory-mapped files.
    private func readPending(_ snapshot: inout ManifestSnapshot, oids: [git_oid], direct: Bool) throws(GitError) {
        enum Outcome: Sendable {
            case bytes([UInt8])
            case tooLarge(Int)
            case failed(GitError)
        }
        let pending = zip(snapshot.blobs, oids).map { (path: $0.path, oid: $1) }
        guard !pending.isEmpty else { return }
        let probe = direct ? PackSizeProbe(objectsDirectory: objectsDirectory) : nil
        let workers = pending.count >= 1024 ? max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)) : 1
        let outcomes = UnsafeMutableBufferPointer<Outcome>.allocate(capacity: pending.count)
        defer { outcomes.deallocate() }
        nonisolated(unsafe) let results = outcomes
        let readRange: @Sendable (Range<Int>, OpaquePointer) -> Void = { range, odb in
            let reader = BlobReader(odb: odb)
            for index in range {
                let (path, oid) = pending[index]
                do throws(GitError) {
                    let size: Int
                    if let probed = probe?.size(of: oid) { size = probed } else { size = try GitRepository.blobSize(oid, odb: odb, path: path) }
                    if size > JSONReader.maximumSize {
                        (results.baseAddress! + index).initialize(to: .tooLarge(size))
                    } else {
                        (results.baseAddress! + index).initialize(to: .bytes(try reader.read(oid, path: path)))
                    }
                } catch {
                    (results.baseAddress! + index).initialize(to: .failed(error))
                }
            }
        }
        let repositoryPath = path
        // Workers take consecutive chunks of blobs as they go rather than a fixed share each:
        // on a machine busy with other work one worker can be descheduled for a long time,
        // and the others then read its part instead of waiting for it.
        let chunks = ChunkCounter(total: pending.count, chunk: 256)
        let readWithOwnHandle: @Sendable () -> Void = {
            var repository: OpaquePointer?
            var odb: OpaquePointer?
            guard git_repository_open_ext(&repository, repositoryPath, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil) == 0,
                let repository, git_repository_odb(&odb, repository) == 0, let odb
            else {
                let error = LibGit2.error(-1, step: .readTree)
                git_repository_free(repository)
                while let range = chunks.next() {
                    for index in range { (results.baseAddress! + index).initialize(to: .failed(error)) }
                }
                return
            }
            defer {
                git_odb_free(odb)
                git_repository_free(repository)
            }
            while let range = chunks.next() { readRange(range, odb) }
        }
        if workers == 1 {
            var odb: OpaquePointer?
            let rc = git_repository_odb(&odb, pointer)
            guard rc == 0, let odb else { throw LibGit2.error(rc, step: .readTree) }
            defer { git_odb_free(odb) }
            readRange(0..<pending.count, odb)
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in readWithOwnHandle() }
        }
        // Every outcome is moved out (not copied, which would retain each blob's bytes once
        // more on this one thread), errors included, so nothing is left initialized.
        // The bytes are set in place; refused blobs are removed afterwards.
        var refused: [Int] = []
        var firstError: GitError?
        for index in snapshot.blobs.indices {
            switch (outcomes.baseAddress! + index).move() {
            case .bytes(let bytes): snapshot.blobs[index].bytes = bytes
            case .tooLarge(let size):
                refused.append(index)
                snapshot.diagnostics.append(Diagnostic(
                    file: snapshot.blobs[index].path, line: 1, column: 1, pointer: "", severity: .error, code: .tooLarge,
                    message: "file is \(size) bytes; a manifest may be at most \(JSONReader.maximumSize) bytes (1 MiB)"))
            case .failed(let error): firstError = firstError ?? error
            }
        }
        if let firstError { throw firstError }
        for index in refused.reversed() { snapshot.blobs.remove(at: index) }
    }

    /// The directory holding `pack/` and the loose objects: under the common directory, so
    /// a linked worktree finds its main repository's objects.
    private var objectsDirectory: String {
        guard let common = git_repository_commondir(pointer) else { return path + "/objects" }
        let directory = String(cString: common)
        return directory.hasSuffix("/") ? directory + "objects" : directory + "/objects"
    }

    /// The size from the object header, so an oversized blob is refused without reading it.
    private static func blobSize(_ oid: git_oid, odb: OpaquePointer, path: String) throws(GitError) -> Int {
        var size = 0
        var type = GIT_OBJECT_ANY
        var oid = oid
        let rc = git_odb_read_header(&size, &type, odb, &oid)
        guard rc == 0 else { throw LibGit2.error(rc, step: .readTree, ref: GitObjectID(oid).hex).withMessagePrefix("\(path): ") }
        return size
    }

    func lookupTree(_ id: UnsafePointer<git_oid>, path: String) throws(GitError) -> OpaquePointer {
        var tree: OpaquePointer?
        let rc = git_tree_lookup(&tree, pointer, id)
        guard rc == 0, let tree else { throw LibGit2.error(rc, step: .readTree).withMessagePrefix("\(path): ") }
        return tree
    }

    static func symlinkDiagnostic(_ path: String) -> Diagnostic {
        Diagnostic(file: path, line: 1, column: 1, pointer: "", severity: .error, code: .symlink,
                   message: "a symbolic link under the manifests path is not followed; commit the file itself")
    }

    static func submoduleDiagnostic(_ path: String) -> Diagnostic {
        Diagnostic(file: path, line: 1, column: 1, pointer: "", severity: .error, code: .submodule,
                   message: "a submodule under the manifests path is not read; commit its manifests in this repository")
    }
}

extension ManifestSnapshot {
    /// In place: sorting a copy would copy every blob (the walk's order is usually already
    /// the sorted one, so the sort itself is cheap).
    fileprivate mutating func sort() {
        blobs.sort { $0.path < $1.path }
        diagnostics.sort()
    }
}

/// Hands out consecutive ranges of `0..<total` to worker threads, each range once.
private final class ChunkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var start = 0
    private let total: Int
    private let chunk: Int

    init(total: Int, chunk: Int) {
        self.total = total
        self.chunk = chunk
    }

    func next() -> Range<Int>? {
        lock.lock()
        defer { lock.unlock() }
        guard start < total else { return nil }
        let range = start..<min(total, start + chunk)
        start = range.upperBound
        return range
    }
}
