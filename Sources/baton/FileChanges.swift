#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Waits for files in a few folders to change, with inotify: `baton logs --follow` wakes as
/// a task writes a log line or the daemon commits to the store, instead of re-reading on an
/// interval.
final class FileChanges {
    private let descriptor: Int32

    /// Nil when inotify is not available (then callers fall back to a short sleep).
    init?(folders: [String]) {
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        var watching = 0
        for folder in folders where inotify_add_watch(descriptor, folder, UInt32(IN_MODIFY | IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO)) >= 0 {
            watching += 1
        }
        guard watching > 0 else {
            close(descriptor)
            return nil
        }
    }

    deinit { close(descriptor) }

    /// Returns after the next change, or after `limit` at most.
    func wait(upTo limit: Duration) {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000)
        _ = poll(&entry, 1, milliseconds)
        // Drain the events: only "something changed" matters.
        var buffer = [UInt8](repeating: 0, count: 4096)
        while read(descriptor, &buffer, buffer.count) > 0 {}
    }
}
