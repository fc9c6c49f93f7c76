import CGit2
import Foundation

/// Read-only copies of commit trees under `<state>/trees/<tree id>/`, where runs execute the
/// code of their own commit (never a moving checkout).
///
/// Shared by tree id: commits that differ only in message, or a revert back to an earlier
/// state, reuse one copy. Each copy is written into a temporary directory beside the others
/// and renamed into place, so a reader either finds a complete tree or none.
public struct TreeStore: Sendable {
    public let stateDirectory: String

    public init(stateDirectory: String) {
        self.stateDirectory = stateDirectory
    }

    /// `<state>/trees`.
    public var root: String { "\(stateDirectory)/trees" }

    /// Where the tree with this id lives once exported.
    public func path(for treeID: GitObjectID) -> String { "\(root)/\(treeID.hex)" }

    /// The folder a tree is written into before it is renamed into place.
    static func temporaryName(for treeID: GitObjectID) -> String { ".tmp-\(treeID.short)-\(UUID().uuidString)" }

    /// Bytes in front of an entry's path while it is exported (`<root>/<longer of the
    /// temporary and final folder names>/`): what a path must fit in beside `PATH_MAX`
    /// (`GitRepository.exportProblems`).
    public var exportPrefixBytes: Int {
        let id = GitObjectID(hex: String(repeating: "0", count: 40))!
        return root.utf8.count + 1 + max(id.hex.utf8.count, Self.temporaryName(for: id).utf8.count) + 1
    }

    /// Materialises the whole tree of `commit` (not only the manifests: tasks run the
    /// repository's scripts). Directories and executables end up 0555, other files 0444.
    /// Symbolic links are kept only when they resolve inside the tree, links of links
    /// followed (`TreeLinks`); submodules are left out; both are listed in `skipped`.
    ///
    /// Every entry name is checked (`TreeEntryName`) before anything is written: a tree
    /// holding a name like `..` or `a/b` fails the export with `unsafe-tree` and writes
    /// nothing, even when called on a commit the reconciler never judged.
    public func export(commit: GitObjectID, from repository: GitRepository) throws(GitError) -> ExportedTree {
        let treeID = try repository.treeID(ofCommit: commit)
        let destination = path(for: treeID)
        if FileManager.default.fileExists(atPath: destination) {
            // Marked as just used, so `collectGarbage` spares it until the run is recorded.
            utimes(destination, nil)
            return ExportedTree(treeID: treeID, path: destination, created: false, skipped: [])
        }
        let temporary = "\(root)/\(Self.temporaryName(for: treeID))"
        do {
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        } catch {
            throw GitError(code: .io, message: "cannot create \(temporary): \(error.localizedDescription)", ref: commit.hex, step: .exportTree)
        }
        var skipped: [SkippedEntry] = []
        do throws(GitError) {
            let tree = try repository.lookupTree(ofCommit: commit, step: .exportTree)
            defer { git_tree_free(tree) }
            let links = TreeLinks()
            try Self.collectLinks(tree, relative: [], repository: repository, into: links)
            try write(tree, to: temporary, relative: [], links: links, repository: repository, skipped: &skipped)
            try setMode(temporary, 0o555)
        } catch {
            Self.removeTree(temporary)
            throw error.withRef(commit.hex)
        }
        if rename(temporary, destination) != 0 {
            let code = errno
            Self.removeTree(temporary)
            // Another exporter won the race: its copy is identical.
            if FileManager.default.fileExists(atPath: destination) {
                return ExportedTree(treeID: treeID, path: destination, created: false, skipped: [])
            }
            throw GitError(code: .io, message: "cannot rename \(temporary) into place: \(String(cString: strerror(code)))", ref: commit.hex, step: .exportTree)
        }
        return ExportedTree(treeID: treeID, path: destination, created: true, skipped: skipped.sorted { $0.path < $1.path })
    }

    /// Removes every exported tree not in `live` and not modified in the last `recent`
    /// seconds, and temporary directories older than `staleAfter` (left by a crash; younger
    /// ones may be exports in progress). Returns the tree ids removed.
    ///
    /// `recent` spares a tree that a process has just exported or reused (`export` touches
    /// the tree it finds) but not yet recorded a run for. A doomed tree is first renamed out
    /// of its name, so a removal cut short never leaves a partial tree that `export` would
    /// take for a complete one; what such a removal leaves is finished on the next call.
    @discardableResult
    public func collectGarbage(keeping live: Set<GitObjectID>, sparing recent: TimeInterval = 0, staleAfter: TimeInterval = 3600) throws(GitError) -> [GitObjectID] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: root)
        } catch {
            if !FileManager.default.fileExists(atPath: root) { return [] }
            throw GitError(code: .io, message: "cannot list \(root): \(error.localizedDescription)", step: .collectGarbage)
        }
        var removed: [GitObjectID] = []
        for name in names.sorted() {
            let full = "\(root)/\(name)"
            if let id = GitObjectID(hex: name) {
                guard !live.contains(id), Self.age(of: full) >= recent else { continue }
                let doomed = "\(root)/.trash-\(id.short)-\(UUID().uuidString)"
                guard rename(full, doomed) == 0 else {
                    if errno == ENOENT { continue }  // another collector took it
                    throw GitError(code: .io, message: "cannot move \(full) aside: \(String(cString: strerror(errno)))", ref: id.hex, step: .collectGarbage)
                }
                guard Self.removeTree(doomed) else {
                    throw GitError(code: .io, message: "cannot remove \(doomed)", ref: id.hex, step: .collectGarbage)
                }
                removed.append(id)
            } else if name.hasPrefix(".trash-") {
                Self.removeTree(full)
            } else if name.hasPrefix(".tmp-") {
                if Self.age(of: full) > staleAfter { Self.removeTree(full) }
            }
        }
        return removed
    }

    /// Seconds since `path` was last modified; 0 when it cannot be read.
    private static func age(of path: String) -> TimeInterval {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        return Date().timeIntervalSince1970 - modified
    }

    // MARK: - Writing

    /// The first walk: checks every name before any is joined onto a directory, and reads
    /// every link's target, since whether one link stays inside depends on the others.
    static func collectLinks(_ tree: OpaquePointer, relative: [String], repository: GitRepository, into links: TreeLinks) throws(GitError) {
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let name = try checkedName(entry, relative: relative)
            let components = relative + [name]
            switch git_tree_entry_filemode(entry) {
            case GIT_FILEMODE_TREE:
                let subtree = try repository.lookupTree(git_tree_entry_id(entry), path: components.joined(separator: "/"))
                defer { git_tree_free(subtree) }
                try collectLinks(subtree, relative: components, repository: repository, into: links)
            case GIT_FILEMODE_LINK:
                let target = String(decoding: try repository.blob(GitObjectID(git_tree_entry_id(entry))), as: UTF8.self)
                links.add(path: components.joined(separator: "/"), target: target)
            default:
                continue
            }
        }
    }

    /// The entry's name, or `unsafe-tree` when it is not one plain path component.
    static func checkedName(_ entry: OpaquePointer, relative: [String]) throws(GitError) -> String {
        let name = String(cString: git_tree_entry_name(entry))
        if let problem = TreeEntryName.problem(name) {
            let folder = relative.isEmpty ? "the root folder" : "\(relative.joined(separator: "/").debugDescription)"
            throw GitError(code: .unsafeTree, message: "the entry \(name.debugDescription) in \(folder) \(problem); an entry name must be one plain path component", step: .exportTree)
        }
        return name
    }

    private func write(_ tree: OpaquePointer, to directory: String, relative: [String], links: TreeLinks, repository: GitRepository, skipped: inout [SkippedEntry]) throws(GitError) {
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let name = try Self.checkedName(entry, relative: relative)
            let target = "\(directory)/\(name)"
            let components = relative + [name]
            let path = components.joined(separator: "/")
            switch git_tree_entry_filemode(entry) {
            case GIT_FILEMODE_TREE:
                guard mkdir(target, 0o755) == 0 else { throw Self.posixError("mkdir", path) }
                let subtree = try repository.lookupTree(git_tree_entry_id(entry), path: path)
                defer { git_tree_free(subtree) }
                try write(subtree, to: target, relative: components, links: links, repository: repository, skipped: &skipped)
                try setMode(target, 0o555)
            case GIT_FILEMODE_BLOB, GIT_FILEMODE_BLOB_EXECUTABLE:
                let executable = git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB_EXECUTABLE
                try writeBlob(git_tree_entry_id(entry), to: target, path: path, mode: executable ? 0o555 : 0o444, repository: repository)
            case GIT_FILEMODE_LINK:
                let linkTarget = links.targets[path] ?? ""
                guard links.staysInside(path) else {
                    skipped.append(SkippedEntry(path: path, reason: .symlinkOutsideTree(target: linkTarget)))
                    continue
                }
                guard symlink(linkTarget, target) == 0 else { throw Self.posixError("symlink", path) }
            case GIT_FILEMODE_COMMIT:
                skipped.append(SkippedEntry(path: path, reason: .submodule))
            default:
                continue
            }
        }
    }

    /// Writes straight from libgit2's buffer; the file is created with its final read-only
    /// mode, which does not stop writing through the descriptor just opened.
    private func writeBlob(_ id: UnsafePointer<git_oid>, to target: String, path: String, mode: mode_t, repository: GitRepository) throws(GitError) {
        var blob: OpaquePointer?
        let rc = git_blob_lookup(&blob, repository.pointer, id)
        guard rc == 0, let blob else { throw LibGit2.error(rc, step: .exportTree).withMessagePrefix("\(path): ") }
        defer { git_blob_free(blob) }
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Self.posixError("open", path) }
        defer { close(fd) }
        // Baton runs with umask 077, which `open` applies; a task user must still read the
        // tree, so the mode is set exactly.
        guard fchmod(fd, mode) == 0 else { throw Self.posixError("fchmod", path) }
        var remaining = Int(git_blob_rawsize(blob))
        guard remaining > 0, var cursor = git_blob_rawcontent(blob) else { return }
        while remaining > 0 {
            let written = Foundation.write(fd, cursor, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.posixError("write", path)
            }
            remaining -= written
            cursor = cursor.advanced(by: written)
        }
    }

    private func setMode(_ path: String, _ mode: mode_t) throws(GitError) {
        guard chmod(path, mode) == 0 else { throw Self.posixError("chmod", path) }
    }

    /// Makes every directory writable again (files need not be: unlinking only needs the
    /// folder's permission), then removes the whole tree. Symbolic links are never followed.
    @discardableResult
    static func removeTree(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return true }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            chmod(path, 0o755)
            if let children = try? FileManager.default.contentsOfDirectory(atPath: path) {
                for child in children { removeTree("\(path)/\(child)") }
            }
            return rmdir(path) == 0
        }
        return unlink(path) == 0
    }

    private static func posixError(_ call: String, _ path: String) -> GitError {
        GitError(code: .io, message: "\(call) \(path): \(String(cString: strerror(errno)))", step: .exportTree)
    }
}

extension GitError {
    func withRef(_ ref: String) -> GitError {
        var copy = self
        copy.ref = copy.ref ?? ref
        return copy
    }
}
