#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Who may enter the state directory, set when `serve` or `run` starts.
///
/// Everything Baton writes there is its own and closed to everyone else: the CLI sets its
/// umask to 077 at start, so folders are created 0700 and files 0600 (SQLite gives its
/// `-wal` and `-shm` files the database's mode). Tasks of Baton's own user can read all of
/// it anyway; the boundary that matters is a `--task-user`, for which this lays out:
///
/// | path | owner:group | mode |
/// |---|---|---|
/// | `<state>/` | Baton:task group | 0710: enter, not list |
/// | `trees/` | Baton:task group | 0710; each tree 0555, its files 0444 or 0555 |
/// | `runs/` | Baton:task group | 0710; logs 0600 Baton's |
/// | `runs/<run>/` (workspace) | task user | 0700 |
/// | `runs/<run>.<task>.<n>.out` | task user | 0600 |
/// | `baton.sqlite*`, `secrets/`, `git/`, `alerts/`, the rest | Baton | no group or other bits |
///
/// The task user gets through the two folders it must cross by their group bit alone; it
/// cannot list them, and every other file in them is Baton's with no bits for others. What
/// an older Baton created more openly (a 0644 database, 0644 logs) is closed here too.
public enum StateDirectoryAccess {
    /// Creates the state directory when missing (0700), and with a task user applies the
    /// table above.
    ///
    /// - Throws: `EngineError(.io)` naming the path that could not be created or changed.
    public static func prepare(_ stateDirectory: String, taskUser: TaskUser?) throws(EngineError) {
        try makeDirectory(stateDirectory)
        guard let user = taskUser else { return }
        try share(stateDirectory, with: user)
        for folder in ["trees", "runs"] {
            try makeDirectory("\(stateDirectory)/\(folder)")
            try share("\(stateDirectory)/\(folder)", with: user)
        }
        try closeEntries(of: stateDirectory, except: ["trees", "runs"], sparing: nil)
        try closeEntries(of: "\(stateDirectory)/runs", except: [], sparing: user.uid)
    }

    private static func makeDirectory(_ path: String) throws(EngineError) {
        var info = stat()
        if stat(path, &info) == 0 { return }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw EngineError(.io, "cannot create \(path): \(error.localizedDescription)")
        }
    }

    /// Baton's folder, entered (not listed) by the task user's group.
    private static func share(_ path: String, with user: TaskUser) throws(EngineError) {
        guard chown(path, geteuid(), user.gid) == 0, chmod(path, 0o710) == 0 else {
            throw EngineError(.io, "cannot open \(path) to the task user \(user.name): \(lastError())")
        }
    }

    /// Takes the group and other bits off every entry of `folder` but those named in
    /// `except`, those owned by `sparing` (a task user's workspaces and outputs files) and
    /// symbolic links (whose own mode means nothing).
    private static func closeEntries(of folder: String, except: Set<String>, sparing: uid_t?) throws(EngineError) {
        guard let directory = opendir(folder) else {
            if errno == ENOENT { return }
            throw EngineError(.io, "cannot list \(folder): \(lastError())")
        }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name != ".", name != "..", !except.contains(name) else { continue }
            let path = "\(folder)/\(name)"
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT != S_IFLNK else { continue }
            if let sparing, info.st_uid == sparing { continue }
            let mode = info.st_mode & 0o7777
            guard mode & 0o077 != 0 else { continue }
            guard chmod(path, mode & ~0o077) == 0 else {
                throw EngineError(.io, "cannot close \(path) to other users: \(lastError())")
            }
        }
    }
}
