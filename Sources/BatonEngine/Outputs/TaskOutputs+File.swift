import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The output file on disk: read without following what a task may have put in its place,
/// and rewritten without the secrets of the attempt that wrote it.
///
/// The task owns `$BATON_OUTPUT` and may replace it with a symbolic link (to a file only
/// Baton's user can read, or to `/dev/zero`) or a FIFO (which would block a plain read
/// forever). Baton opens it with `O_NOFOLLOW | O_NONBLOCK`, reads only a regular file, and
/// never more than ``TaskOutputs/limit`` bytes plus one.
extension TaskOutputs {
    /// The bytes of the output file at `path`, `nil` when there is none.
    ///
    /// - Throws: `EngineError(.outputs, …)` for a link, something not a regular file, or a
    ///   file over the limit; `EngineError(.io, …)` when it cannot be read.
    static func readFile(at path: String) throws(EngineError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            if code == ELOOP { throw EngineError(.outputs, "$BATON_OUTPUT is a symbolic link; write the outputs into the file itself") }
            throw EngineError(.io, "cannot read the output file \(path): \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw EngineError(.io, "cannot inspect the output file \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw EngineError(.outputs, "$BATON_OUTPUT is not a regular file; write the outputs into a plain file")
        }
        // Checked before reading, so a runaway task cannot make Baton load gigabytes.
        guard Int(info.st_size) <= limit else { throw tooLarge(Int(info.st_size)) }
        // Room for one byte more than the file's size, growing up to one byte more than the
        // limit: the file may still grow if something writes to it.
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                if count > limit { break }
                bytes.append(contentsOf: repeatElement(0, count: min(limit + 1, 2 * count) - count))
            }
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw EngineError(.io, "cannot read the output file \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            count += n
        }
        guard count <= limit else { throw tooLarge(count) }
        bytes.removeSubrange(count...)
        return bytes
    }

    static func tooLarge(_ size: Int) -> EngineError {
        EngineError(.outputs, "$BATON_OUTPUT is \(size) bytes, over the limit of \(limit) bytes (64 KiB); write large results to $BATON_WORKSPACE and output their path")
    }

    /// Rewrites the output file at `path` with every secret of `redactor` masked, so the
    /// `.out` file kept with the run's logs holds no secret, whatever the attempt's outcome
    /// and whether or not the file parses.
    ///
    /// Streamed, so a file of any size costs a buffer; the redacted copy replaces the file by
    /// `rename`, and a file without secrets is left as it is. What is not a regular file (a
    /// link, a FIFO) is removed: Baton never reads it, and a link's target is not the run's.
    ///
    /// - Throws: `EngineError(.io, …)` only when the file holds a secret and can be neither
    ///   rewritten nor removed: the attempt must not end with a secret left on disk unsaid.
    static func redactFile(at path: String, with redactor: Redactor) throws(EngineError) {
        guard !redactor.isEmpty else { return }
        let input = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard input >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return }
            try remove(path, because: String(cString: strerror(code)))
            return
        }
        defer { close(input) }
        var info = stat()
        guard fstat(input, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            try remove(path, because: "not a regular file")
            return
        }
        let temporary = path + ".redacting"
        unlink(temporary)
        let output = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard output >= 0 else {
            try remove(path, because: "cannot create \(temporary): \(String(cString: strerror(errno)))")
            return
        }
        var stream = RedactingStream(redactor)
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var redacted: [UInt8] = []
        var failure: String?
        func write(_ bytes: [UInt8]) {
            var offset = 0
            while failure == nil, offset < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(output, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                } else {
                    offset += n
                }
            }
        }
        while failure == nil {
            let n = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
                break
            }
            redacted.removeAll(keepingCapacity: true)
            if n == 0 {
                stream.finish(into: &redacted)
            } else {
                chunk.withUnsafeBufferPointer { stream.feed(UnsafeBufferPointer(rebasing: $0[..<n]), into: &redacted) }
            }
            write(redacted)
            if n == 0 { break }
        }
        close(output)
        if !stream.matched, failure == nil {
            unlink(temporary)
            return
        }
        if failure == nil, rename(temporary, path) == 0 { return }
        let why = failure ?? String(cString: strerror(errno))
        unlink(temporary)
        try remove(path, because: "cannot write its redacted copy: \(why)")
    }

    /// Removes the output file, which may hold a secret and cannot be redacted.
    private static func remove(_ path: String, because reason: String) throws(EngineError) {
        if unlink(path) == 0 || errno == ENOENT { return }
        throw EngineError(.io, "cannot redact or remove the output file \(path) (\(reason)): \(String(cString: strerror(errno)))")
    }
}
