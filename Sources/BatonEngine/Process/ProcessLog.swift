#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Turns a process's two output streams into the attempt's log file:
/// `2026-11-23T18:30:00.123Z stdout <text>`, one line per output line.
///
/// Streamed with fixed-size buffers (a pending partial line per stream, at most
/// `maximumLineLength`, and one write buffer) so a task printing gigabytes costs Baton no more
/// memory than one printing a line. Used only by the thread watching the process, hence not
/// `Sendable` and without locks.
///
/// Secrets are masked on each stream's bytes before they are cut into lines (see
/// ``RedactingStream``), so a secret split by a read, by the 64 KiB cut of a long line or by
/// its own newlines is still hidden. A task without secrets skips that step entirely.
final class ProcessLog {
    enum Stream { case stdout, stderr }

    /// A line without a newline is cut here, so one endless line cannot grow the buffer.
    static let maximumLineLength = 64 * 1024

    private let path: String
    /// Opened at the first line: a task that prints nothing leaves no file (and costs no
    /// inode, a noticeable share of a short task's bookkeeping).
    private var fd: Int32 = -1
    private let limit: Int
    /// One per stream; `nil` when the task has no secrets, so its output is not scanned.
    private var redacting: [RedactingStream]?
    /// The redacted bytes of the chunk being appended.
    private var redacted: [UInt8] = []
    private var pending: [[UInt8]] = [[], []]
    private var output: [UInt8] = []
    private var clock = TimestampFormatter()
    private var writeFailed = false
    /// Why the log stopped being written (`strerror` of the failed open or write), if it did:
    /// the attempt then fails with it (see `ProcessOutcome.logError`).
    private(set) var writeError: String?
    private(set) var bytesWritten = 0
    private(set) var truncated = false

    /// Checks, before the process starts, that the log can be written (its folder exists,
    /// or is created, and is writable), so a log that cannot be written is an error of the
    /// attempt, not a silently lost output. The file itself is created with the first line.
    init(path: String, limit: Int, redactions: [String]) throws(EngineError) {
        let folder = (path as NSString).deletingLastPathComponent
        var info = stat()
        if stat(folder, &info) != 0 {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw EngineError(.io, "cannot create the log folder \(folder): \(error.localizedDescription)")
            }
        } else if info.st_mode & S_IFMT != S_IFDIR {
            throw EngineError(.io, "cannot create the log file \(path): \(folder) is not a folder")
        }
        guard access(folder, W_OK) == 0 else {
            throw EngineError(.io, "cannot create the log file \(path): \(String(cString: strerror(errno)))")
        }
        // A log of an earlier try at the same path (a run taken up again) is not this one's.
        unlink(path)
        self.path = path
        self.limit = max(0, limit)
        let redactor = Redactor(secrets: redactions)
        self.redacting = redactor.isEmpty ? nil : [RedactingStream(redactor), RedactingStream(redactor)]
        output.reserveCapacity(Self.maximumLineLength * 2)
    }

    private var isOpen = true

    deinit { close() }

    /// Closed as soon as the watch ends, so the file is complete (and its descriptor free)
    /// when `run` returns, whenever the watcher object itself goes away.
    func close() {
        guard isOpen else { return }
        flush()
        isOpen = false
        if fd >= 0 { Glibc.close(fd) }
    }

    /// Redacts `bytes`, then splits them into lines; a trailing part without newline waits
    /// for the next chunk.
    func append(_ bytes: UnsafeBufferPointer<UInt8>, from stream: Stream) {
        // Past the cap everything is discarded: skip the line work entirely so a task that
        // prints far more than the cap costs only the reads.
        if truncated { return }
        let slot = stream == .stdout ? 0 : 1
        guard redacting != nil else {
            appendLines(bytes, slot, stream)
            return
        }
        redacted.removeAll(keepingCapacity: true)
        redacting![slot].feed(bytes, into: &redacted)
        let chunk = redacted
        chunk.withUnsafeBufferPointer { appendLines($0, slot, stream) }
    }

    private func appendLines(_ bytes: UnsafeBufferPointer<UInt8>, _ slot: Int, _ stream: Stream) {
        var start = 0
        while start < bytes.count {
            guard let newline = Self.firstNewline(bytes, from: start) else { break }
            let piece = UnsafeBufferPointer(rebasing: bytes[start..<newline])
            if pending[slot].isEmpty {
                emitSplit(piece, stream)
            } else {
                // The pending part plus this piece can exceed a line's limit when a read
                // ended just short of it: split that too.
                pending[slot].append(contentsOf: piece)
                pending[slot].withUnsafeBufferPointer { emitSplit($0, stream) }
                pending[slot].removeAll(keepingCapacity: true)
            }
            start = newline + 1
        }
        guard start < bytes.count else { return }
        pending[slot].append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        while pending[slot].count >= Self.maximumLineLength {
            pending[slot].withUnsafeBufferPointer { emit(UnsafeBufferPointer(rebasing: $0[..<Self.maximumLineLength]), stream) }
            pending[slot].removeFirst(Self.maximumLineLength)
        }
    }

    /// Emits a line in pieces of at most `maximumLineLength` bytes.
    private func emitSplit(_ line: UnsafeBufferPointer<UInt8>, _ stream: Stream) {
        var start = 0
        repeat {
            let end = min(line.count, start + Self.maximumLineLength)
            emit(UnsafeBufferPointer(rebasing: line[start..<end]), stream)
            start = end
        } while start < line.count
    }

    /// At end of stream: a last line without newline is still a line.
    func finish(_ stream: Stream) {
        let slot = stream == .stdout ? 0 : 1
        if redacting != nil, !truncated {
            redacted.removeAll(keepingCapacity: true)
            redacting![slot].finish(into: &redacted)
            let chunk = redacted
            chunk.withUnsafeBufferPointer { appendLines($0, slot, stream) }
        }
        guard !pending[slot].isEmpty else { return }
        if !truncated { pending[slot].withUnsafeBufferPointer { emit($0, stream) } }
        pending[slot] = []
    }

    /// Called after each batch of reads, so `baton logs --follow` sees lines promptly while
    /// a busy process still costs one `write` per batch rather than one per line.
    func flush() {
        defer { output.removeAll(keepingCapacity: true) }
        guard !output.isEmpty, !writeFailed, isOpen else { return }
        if fd < 0 {
            // Baton's alone whatever the umask: a log may hold what a task printed about
            // its data, and with a task user no task may read another's.
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            // Checked writable before the process started; failing now (no inodes left) is
            // like a full disk: the task goes on, and its attempt fails with the reason.
            guard fd >= 0 else {
                writeFailed = true
                writeError = "cannot create the log \(path): \(String(cString: strerror(errno)))"
                return
            }
        }
        output.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    // A full disk does not stop the task (its output is still read, so it never
                    // blocks on a full pipe); the attempt fails with this reason when it ends,
                    // and `bytesWritten` says how much of the log exists.
                    writeFailed = true
                    writeError = "the log \(path) could not be written after \(bytesWritten) bytes: \(String(cString: strerror(errno)))"
                    return
                }
                offset += n
                bytesWritten += n
            }
        }
    }

    private func emit(_ text: UnsafeBufferPointer<UInt8>, _ stream: Stream) {
        if truncated { return }
        let name: StaticString = stream == .stdout ? "stdout" : "stderr"
        let length = TimestampFormatter.length + 1 + name.utf8CodeUnitCount + 1 + text.count + 1
        if bytesWritten + output.count + length > limit {
            truncated = true
            var note: [UInt8] = []
            clock.append(to: &note)
            note.append(contentsOf: " baton log truncated: the output passed the limit of \(limit) bytes; the rest was discarded\n".utf8)
            output.append(contentsOf: note)
            return
        }
        clock.append(to: &output)
        output.append(UInt8(ascii: " "))
        output.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        output.append(UInt8(ascii: " "))
        output.append(contentsOf: text)
        output.append(UInt8(ascii: "\n"))
        if output.count >= Self.maximumLineLength { flush() }
    }

    private static func firstNewline(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let found = memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(bytes.baseAddress!)
    }
}

/// RFC 3339 UTC with milliseconds, `2026-11-23T18:30:00.123Z`, without `DateFormatter`
/// (which is far slower and not meant to be shared between threads): the date part is
/// rebuilt only when the second changes.
struct TimestampFormatter {
    static let length = 24
    private var second = Int.min
    private var prefix: [UInt8] = []

    mutating func append(to buffer: inout [UInt8]) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        if now.tv_sec != second {
            second = now.tv_sec
            var time = time_t(now.tv_sec)
            var parts = tm()
            gmtime_r(&time, &parts)
            prefix = Array(String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.",
                Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec)
            ).utf8)
        }
        let millis = now.tv_nsec / 1_000_000
        buffer.append(contentsOf: prefix)
        buffer.append(UInt8(48 + millis / 100))
        buffer.append(UInt8(48 + millis / 10 % 10))
        buffer.append(UInt8(48 + millis % 10))
        buffer.append(UInt8(ascii: "Z"))
    }
}
