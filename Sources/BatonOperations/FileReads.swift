import Foundation

/// Log reads, on a Dispatch thread rather than Swift's cooperative pool: a log can be large
/// and a slow disk would otherwise hold a pool thread every other task needs.
enum FileReads {
    enum Failure: Error {
        case unreadable(String)
    }

    /// Up to `limit` bytes of `path` from `offset`, and the file's size; a file that does not
    /// exist yet (a process that has written nothing) is empty.
    static func read(_ path: String, from offset: UInt64, limit: Int) async throws(OperationError) -> (bytes: [UInt8], size: UInt64) {
        let result: Result<([UInt8], UInt64), OperationError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(OperationError) in try readNow(path, from: offset, limit: limit) })
            }
        }
        return try result.get()
    }

    private static func readNow(_ path: String, from offset: UInt64, limit: Int) throws(OperationError) -> ([UInt8], UInt64) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return ([], 0) }
            throw OperationError(.storeFailed, "cannot read the log \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw OperationError(.storeFailed, "cannot read the log \(path): \(String(cString: strerror(errno)))")
        }
        let size = UInt64(info.st_size)
        guard offset < size, limit > 0 else { return ([], size) }
        let count = Int(min(UInt64(limit), size - offset))
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw OperationError(.storeFailed, "cannot read the log \(path): \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            filled += got
        }
        bytes.removeLast(count - filled)
        return (bytes, size)
    }
}
