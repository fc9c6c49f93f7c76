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
        let manifestsPath = GitSource.normalize(manifestsPath)
        let root = try lookupTree(ofCommit: commit, step: .readTree)
        defer { git_tree_free(root) }
        var snapshot = ManifestSnapshot(commit: commit, manifestsPath: manifestsPath, manifestsPathExists: false, blobs: [], diagnostics: [])
        // One handle on the object database for the whole walk: blobs are read from it
        // directly, without going through the repository's parsed-object cache.
        var odb: OpaquePointer?
        let odbStatus = git_repository_odb(&odb, pointer)
        guard odbStatus == 0, let odb else { throw LibGit2.error(odbStatus, step: .readTree) }
        defer { git_odb_free(odb) }

        if manifestsPath.isEmpty {
            snapshot.manifestsPathExists = true
            try collect(tree: root, relative: "", odb: odb, snapshot: &snapshot)
            try readPending(&snapshot, odb: odb)
            return snapshot.sorted()
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
            try collect(tree: tree, relative: "", odb: odb, snapshot: &snapshot)
            try readPending(&snapshot, odb: odb)
        case GIT_FILEMODE_LINK:
            snapshot.manifestsPathExists = true
            snapshot.diagnostics.append(Self.symlinkDiagnostic(manifestsPath))
        case GIT_FILEMODE_COMMIT:
            snapshot.manifestsPathExists = true
            snapshot.diagnostics.append(Self.submoduleDiagnostic(manifestsPath))
        default:
            break  // a plain file where the folder should be: as good as missing
        }
        return snapshot.sorted()
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

    private func collect(tree: OpaquePointer, relative: String, odb: OpaquePointer, snapshot: inout ManifestSnapshot) throws(GitError) {
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
                try collect(tree: subtree, relative: relativePath, odb: odb, snapshot: &snapshot)
            case GIT_FILEMODE_LINK:
                snapshot.diagnostics.append(Self.symlinkDiagnostic(path))
            case GIT_FILEMODE_COMMIT:
                snapshot.diagnostics.append(Self.submoduleDiagnostic(path))
            default:
                guard ManifestPath.isManifest(relativePath) else { continue }
                // Read after the walk, possibly on several threads: see `readPending`.
                snapshot.blobs.append(ManifestBlob(path: path, id: GitObjectID(git_tree_entry_id(entry)), bytes: []))
            }
        }
    }

    /// Fills in the bytes of every blob the walk found, refusing oversized ones by their
    /// header. Large snapshots are read on all cores, each worker with its own repository
    /// handle (libgit2 objects must not be shared between threads): nearly every blob of a
    /// real pack is a delta whose chain libgit2 resolves on each read, and that, not I/O, is
    /// where a cold pass over thousands of manifests spends its time.
    private func readPending(_ snapshot: inout ManifestSnapshot, odb: OpaquePointer) throws(GitError) {
        enum Outcome: Sendable {
            case bytes([UInt8])
            case tooLarge(Int)
            case failed(GitError)
        }
        let pending = snapshot.blobs.map { (path: $0.path, id: $0.id) }
        let workers = pending.count >= 1024 ? max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)) : 1
        let outcomes = UnsafeMutableBufferPointer<Outcome>.allocate(capacity: pending.count)
        defer { outcomes.deallocate() }
        nonisolated(unsafe) let results = outcomes
        let readRange: @Sendable (Range<Int>, OpaquePointer) -> Void = { range, odb in
            for index in range {
                let (path, id) = pending[index]
                do throws(GitError) {
                    let size = try GitRepository.blobSize(id, odb: odb, path: path)
                    if size > JSONReader.maximumSize {
                        (results.baseAddress! + index).initialize(to: .tooLarge(size))
                    } else {
                        (results.baseAddress! + index).initialize(to: .bytes(try GitRepository.read(id, odb: odb, path: path)))
                    }
                } catch {
                    (results.baseAddress! + index).initialize(to: .failed(error))
                }
            }
        }
        if workers == 1 {
            readRange(0..<pending.count, odb)
        } else {
            let repositoryPath = path
            let chunk = (pending.count + workers - 1) / workers
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let range = (worker * chunk)..<min(pending.count, (worker + 1) * chunk)
                var repository: OpaquePointer?
                var workerODB: OpaquePointer?
                guard git_repository_open_ext(&repository, repositoryPath, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil) == 0,
                    let repository, git_repository_odb(&workerODB, repository) == 0, let workerODB
                else {
                    let error = LibGit2.error(-1, step: .readTree)
                    for index in range { (results.baseAddress! + index).initialize(to: .failed(error)) }
                    return
                }
                defer {
                    git_odb_free(workerODB)
                    git_repository_free(repository)
                }
                readRange(range, workerODB)
            }
        }
        defer { _ = outcomes.deinitialize() }
        var blobs: [ManifestBlob] = []
        blobs.reserveCapacity(pending.count)
        for (index, (path, id)) in pending.enumerated() {
            switch outcomes[index] {
            case .bytes(let bytes): blobs.append(ManifestBlob(path: path, id: id, bytes: bytes))
            case .tooLarge(let size):
                snapshot.diagnostics.append(Diagnostic(
                    file: path, line: 1, column: 1, pointer: "", severity: .error, code: .tooLarge,
                    message: "file is \(size) bytes; a manifest may be at most \(JSONReader.maximumSize) bytes (1 MiB)"))
            case .failed(let error): throw error
            }
        }
        snapshot.blobs = blobs
    }

    /// A blob's bytes straight from the object database.
    private static func read(_ id: GitObjectID, odb: OpaquePointer, path: String) throws(GitError) -> [UInt8] {
        var oid = id.oid
        var object: OpaquePointer?
        let rc = git_odb_read(&object, odb, &oid)
        guard rc == 0, let object else { throw LibGit2.error(rc, step: .readTree, ref: id.hex).withMessagePrefix("\(path): ") }
        defer { git_odb_object_free(object) }
        let size = git_odb_object_size(object)
        guard size > 0, let data = git_odb_object_data(object) else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: size))
    }

    /// The size from the object header, so an oversized blob is refused without reading it.
    private static func blobSize(_ id: GitObjectID, odb: OpaquePointer, path: String) throws(GitError) -> Int {
        var size = 0
        var type = GIT_OBJECT_ANY
        var oid = id.oid
        let rc = git_odb_read_header(&size, &type, odb, &oid)
        guard rc == 0 else { throw LibGit2.error(rc, step: .readTree, ref: id.hex).withMessagePrefix("\(path): ") }
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
    fileprivate func sorted() -> ManifestSnapshot {
        var copy = self
        copy.blobs.sort { $0.path < $1.path }
        copy.diagnostics.sort()
        return copy
    }
}
