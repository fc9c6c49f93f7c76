#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One daemon per state directory: an exclusive `flock` on `<state>/daemon.lock`, held for
/// the life of the process, with its pid written inside for the message a second daemon
/// prints and for the commands that signal the running one.
///
/// `flock` rather than a pid file alone: the kernel drops the lock when the process dies,
/// however it dies, so a `kill -9` never leaves a stale lock behind. The descriptor is
/// close-on-exec, so task processes (which may outlive a crashed daemon) never hold it.
public final class DaemonLock: Sendable {
    public static let fileName = "daemon.lock"

    private let descriptor: Int32
    public let path: String

    /// Takes the lock, or throws `DaemonError(.locked)` naming the process that holds it.
    public init(stateDirectory: String) throws(DaemonError) {
        path = "\(stateDirectory)/\(Self.fileName)"
        var folderError: String?
        do {
            try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        } catch {
            // Said below if the lock then cannot be opened: that is what matters.
            folderError = error.localizedDescription
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw DaemonError(.io, "cannot open the lock file \(path): \(reason)\(folderError.map { " (creating \(stateDirectory): \($0))" } ?? "")")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.readPid(fd)
            close(fd)
            throw DaemonError(.locked, "another baton serve (pid \(holder.map(String.init) ?? "unknown")) holds the state directory \(stateDirectory); stop it first, or give this one another --state")
        }
        // The pid inside is for messages and `DaemonControl` only (the lock is the flock), but
        // a daemon whose pid cannot be written is one that `trigger` and `cancel` cannot
        // reach: refused here rather than found out later.
        let text = "\(getpid())\n"
        let written = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        guard ftruncate(fd, off_t(max(written, 0))) == 0, written == text.utf8.count else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw DaemonError(.io, "cannot write the pid into the lock file \(path): \(reason)")
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// The pid of the daemon holding the lock of `stateDirectory`, or nil when none runs
    /// (the lock is free, whatever the file says).
    public static func holder(stateDirectory: String) -> pid_t? {
        let fd = open("\(stateDirectory)/\(fileName)", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        return readPid(fd)
    }

    private static func readPid(_ fd: Int32) -> pid_t? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        return pid_t(String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
