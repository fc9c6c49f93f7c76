import Foundation
import GRDB

/// Whether the database a long-running process opened is still there and sound.
///
/// SQLite keeps writing to the file it opened: a database deleted under the daemon (or
/// replaced, say by a restore) takes every later write into an unlinked inode, lost at the
/// next start, and nothing fails. A file damaged in place (a disk fault, a stray `dd`) fails
/// only the statements that touch the damaged pages, one at a time. So the daemon checks,
/// once per reconcile pass, that the path still names the file it opened (device and inode)
/// and that SQLite's `quick_check` finds the file sound, and stops when either fails.
public struct StoreIntegrity: Sendable {
    public let path: String
    let device: UInt64
    let inode: UInt64

    /// Remembers which file `path` names now: call it right after opening the store.
    public init(path: String) throws(StoreError) {
        guard let identity = Self.identity(of: path) else {
            throw StoreError(.open, "cannot stat the state store \(path): \(String(cString: strerror(errno)))")
        }
        self.path = path
        (device, inode) = identity
    }

    /// Throws `lost` when `path` no longer names the file opened, `corrupt` when
    /// `quick_check` finds damage or the file cannot be read as a database. Runs on a thread
    /// of its own: the check reads every page.
    public func check() async throws(StoreError) {
        let path = path
        let opened = (device, inode)
        let result: Result<Void, StoreError> = await withCheckedContinuation { continuation in
            Self.thread.async {
                continuation.resume(returning: Result { () throws(StoreError) in try Self.check(path: path, opened: opened) })
            }
        }
        try result.get()
    }

    private static let thread = DispatchQueue(label: "baton.store.integrity", qos: .utility)

    private static func check(path: String, opened: (UInt64, UInt64)) throws(StoreError) {
        guard let now = identity(of: path) else {
            throw StoreError(.lost, "the state store \(path) was deleted while the daemon ran (\(String(cString: strerror(errno)))); what it recorded since is lost")
        }
        guard now == opened else {
            throw StoreError(.lost, "the state store \(path) was replaced by another file while the daemon ran; the daemon wrote to the old one")
        }
        // A connection of its own, opened for this check: the daemon's connections keep pages
        // in their cache, and a page damaged on disk after it was cached would pass.
        let problems: [String]
        do {
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(5)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            problems = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(10)") }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            return  // a long write elsewhere: check again next pass
        } catch {
            throw StoreError(.corrupt, "the state store \(path) cannot be read: \(SQLiteStore.describe(error))")
        }
        guard problems == ["ok"] else {
            throw StoreError(.corrupt, "the state store \(path) is damaged: \(problems.joined(separator: "; "))")
        }
    }

    private static func identity(of path: String) -> (UInt64, UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }
}

extension StoreError.Code {
    /// The database file was deleted or replaced under the process that opened it.
    public static let lost = Self(rawValue: "store-lost")
    /// SQLite finds the database file damaged.
    public static let corrupt = Self(rawValue: "store-corrupt")
}
