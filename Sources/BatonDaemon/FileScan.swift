import BatonStore
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What identifies one version of a file, and what must stand still while it settles: its
/// device and inode (a file replaced at the same path is another file), its size and its
/// modification time to the nanosecond.
struct FileFacts: Sendable, Hashable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var seconds: Int64
    var nanoseconds: Int64

    /// The run's trigger key for this file at `path` (see `RunRecord.fileTriggerKey`).
    func triggerKey(path: String) -> String {
        RunRecord.fileTriggerKey(path: path, device: device, inode: inode, seconds: seconds, nanoseconds: nanoseconds)
    }

    /// The modification time as a date.
    var modified: Date { Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9) }
}

/// Why a watched folder could not be listed (missing, not a folder, no permission).
struct FileScanError: Error, Sendable {
    var message: String
    /// The folder does not exist (yet): unlike one that cannot be read, it holds no files.
    var missing = false
}

/// Listing a watched folder, with the file-system calls file triggers rely on. The calls
/// block (a folder on a slow or hung network file system can take long), so the daemon
/// makes them through `offPool`, never on Swift's cooperative threads.
enum FileScan {
    /// Whether `name` matches a trigger's pattern: `fnmatch(3)` with `FNM_PERIOD`, so a
    /// leading dot must be matched by a dot in the pattern (hidden files, and the temporary
    /// `.name.part` files many tools write before renaming, start nothing).
    static func matches(_ name: String, pattern: String) -> Bool {
        fnmatch(pattern, name, FNM_PERIOD) == 0
    }

    /// The regular files of `directory` whose names match `pattern`, by absolute path.
    /// Folders, symbolic links, sockets and the like are left out: a symbolic link's target
    /// may change under the same link, and a run needs a file it can read.
    static func files(in directory: String, matching pattern: String) throws(FileScanError) -> [String: FileFacts] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            let code = Self.listingErrno(directory)
            throw FileScanError(message: Self.describe(errno: code), missing: code == ENOENT)
        }
        var files: [String: FileFacts] = [:]
        for name in names where matches(name, pattern: pattern) {
            let path = directory == "/" ? "/" + name : directory + "/" + name
            if let facts = facts(of: path) { files[path] = facts }
        }
        return files
    }

    /// A regular file's facts (`lstat`, so a symbolic link is not followed); nil when the
    /// path is gone or is not a regular file.
    static func facts(of path: String) -> FileFacts? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return FileFacts(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                         seconds: Int64(info.st_mtim.tv_sec), nanoseconds: Int64(info.st_mtim.tv_nsec))
    }

    /// Runs blocking file-system work on a thread of its own, not the cooperative pool.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body()) }
        }
    }

    private static let queue = DispatchQueue(label: "baton.file-triggers.scan", attributes: .concurrent)

    /// Why a folder cannot be listed, as `opendir` says it.
    private static func listingErrno(_ directory: String) -> Int32 {
        guard let handle = opendir(directory) else { return errno }
        closedir(handle)
        return 0
    }

    private static func describe(errno code: Int32) -> String {
        code == 0 ? "cannot be listed" : String(cString: strerror(code))
    }
}
