import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Linux's inotify for the folders file triggers watch, read on a thread of its own.
///
/// The descriptor is non-blocking and the thread waits in `poll(2)` on it and on a pipe that
/// `stop()` writes to, so it never holds one of Swift's cooperative threads and stops at
/// once. Events are only hints: the reader reports which watched folders changed (and
/// whether the kernel's queue overflowed, when any may have), and the watcher lists those
/// folders again. What inotify misses (an overflow, a folder created later, a change made
/// on NFS by another host) the watcher's periodic rescan catches.
final class InotifyReader: Sendable {
    /// What happened since the last `take()`.
    struct Changes: Sendable, Equatable {
        var directories: Set<String> = []
        /// The kernel dropped events: every folder may have changed.
        var overflowed = false
    }

    private struct State {
        var byDescriptor: [Int32: String] = [:]
        var byDirectory: [String: Int32] = [:]
        var changes = Changes()
    }

    static let mask = UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_CREATE) | UInt32(IN_ATTRIB)

    private let fd: Int32
    private let wake: (read: Int32, write: Int32)
    private let state = Mutex(State())
    private let stopped = Atomic<Bool>(false)
    private let changed: @Sendable () -> Void

    /// Opens inotify and starts the reading thread; `changed` is called (on that thread)
    /// after each batch of events. Nil when inotify cannot be opened (the rescan then does
    /// all the work, only later).
    init?(changed: @escaping @Sendable () -> Void) {
        let fd = inotify_init1(Int32(IN_CLOEXEC) | Int32(IN_NONBLOCK))
        guard fd >= 0 else { return nil }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            close(fd)
            return nil
        }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        self.fd = fd
        wake = (ends[0], ends[1])
        self.changed = changed
        let thread = Thread { [self] in self.readLoop() }
        thread.name = "baton-inotify"
        thread.start()
    }

    /// Watches `directory`; true when it is watched (already or now). Fails for a folder
    /// that does not exist yet; the caller tries again at its next rescan.
    func watch(_ directory: String) -> Bool {
        if state.withLock({ $0.byDirectory[directory] != nil }) { return true }
        let descriptor = inotify_add_watch(fd, directory, Self.mask)
        guard descriptor >= 0 else { return false }
        state.withLock { state in
            state.byDescriptor[descriptor] = directory
            state.byDirectory[directory] = descriptor
        }
        return true
    }

    /// Stops watching `directory`.
    func unwatch(_ directory: String) {
        guard let descriptor = state.withLock({ state -> Int32? in
            guard let descriptor = state.byDirectory.removeValue(forKey: directory) else { return nil }
            state.byDescriptor[descriptor] = nil
            return descriptor
        }) else { return }
        _ = inotify_rm_watch(fd, descriptor)
    }

    /// The folders watched now.
    var watched: Set<String> { state.withLock { Set($0.byDirectory.keys) } }

    /// The changes since the last call, emptied.
    func take() -> Changes {
        state.withLock { state in
            defer { state.changes = Changes() }
            return state.changes
        }
    }

    /// Ends the reading thread, which closes the descriptors.
    func stop() {
        guard !stopped.exchange(true, ordering: .sequentiallyConsistent) else { return }
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    private func readLoop() {
        defer {
            close(fd)
            close(wake.read)
            close(wake.write)
        }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
        while !stopped.load(ordering: .sequentiallyConsistent) {
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if stopped.load(ordering: .sequentiallyConsistent) || fds[1].revents != 0 { return }
            guard fds[0].revents != 0 else { continue }
            var any = false
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                any = true
                record(buffer, count: count)
            }
            if any { changed() }
        }
    }

    /// Parses `struct inotify_event`s: wd (4), mask (4), cookie (4), len (4), name (len).
    private func record(_ buffer: [UInt8], count: Int) {
        buffer.withUnsafeBytes { bytes in
            var offset = 0
            var descriptors: Set<Int32> = []
            var overflowed = false
            var ignored: Set<Int32> = []
            while offset + 16 <= count {
                let descriptor = bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                let mask = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                let length = Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                if mask & UInt32(IN_Q_OVERFLOW) != 0 { overflowed = true } else { descriptors.insert(descriptor) }
                // The folder was deleted or unmounted: the kernel dropped the watch, and the
                // next rescan adds one again once the folder is back.
                if mask & UInt32(IN_IGNORED) != 0 { ignored.insert(descriptor) }
                offset += 16 + length
            }
            state.withLock { state in
                if overflowed { state.changes.overflowed = true }
                for descriptor in descriptors {
                    if let directory = state.byDescriptor[descriptor] { state.changes.directories.insert(directory) }
                }
                for descriptor in ignored {
                    if let directory = state.byDescriptor.removeValue(forKey: descriptor), state.byDirectory[directory] == descriptor {
                        state.byDirectory[directory] = nil
                    }
                }
            }
        }
    }
}
