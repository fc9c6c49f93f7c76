import BatonManifest
import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds and reads manifests on disk for `baton validate`, on all cores.
///
/// Reading and decoding are done together per file, in parallel, because validation of a
/// large repository is dominated by them and each file is independent; the cross-file rules
/// run afterwards in `ManifestCatalog`. Directory walking and reading use POSIX calls directly:
/// `FileManager`'s enumerator cost more than decoding the files it found.
enum ManifestLoader {
    /// The manifest files named by `paths`: a file is taken as it is (whatever its name), a
    /// directory is searched recursively for manifests (symbolic links to directories are not
    /// followed, so a link loop cannot hang validation).
    static func discover(_ paths: [String]) -> (files: [String], emptyDirectories: [String]) {
        var files: [String] = []
        var empty: [String] = []
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                files.append(path)
                continue
            }
            let base = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
            var found: [String] = []
            walk(base, relative: "", into: &found)
            if found.isEmpty { empty.append(path) }
            files.append(contentsOf: found.sorted())
        }
        return (files, empty)
    }

    private static func walk(_ directory: String, relative: String, into found: inout [String]) {
        guard let handle = opendir(directory) else { return }
        defer { closedir(handle) }
        var subdirectories: [(String, String)] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name.hasPrefix(".") { continue }
            let full = directory + "/" + name
            let relativePath = relative.isEmpty ? name : relative + "/" + name
            var type = entry.pointee.d_type
            if type == UInt8(DT_UNKNOWN) || type == UInt8(DT_LNK) {
                var info = stat()
                guard stat(full, &info) == 0 else { continue }
                let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
                if isDirectory && entry.pointee.d_type == UInt8(DT_LNK) { continue }
                type = isDirectory ? UInt8(DT_DIR) : UInt8(DT_REG)
            }
            if type == UInt8(DT_DIR) {
                subdirectories.append((full, relativePath))
            } else if ManifestPath.isManifest(relativePath) {
                found.append(full)
            }
        }
        for (full, relativePath) in subdirectories { walk(full, relative: relativePath, into: &found) }
    }

    /// Reads and decodes every file, in parallel. Without `keepPipelines` the decoded models
    /// are dropped as soon as each file is checked: a report needs only the diagnostics, and
    /// holding ten thousand models costs more time in memory traffic than decoding them.
    static func load(_ paths: [String], keepPipelines: Bool) -> [ManifestFile] {
        let results = UnsafeMutableBufferPointer<ManifestFile?>.allocate(capacity: paths.count)
        results.initialize(repeating: nil)
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        nonisolated(unsafe) let output = results
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, paths.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < paths.count {
                var file = loadOne(paths[index])
                if !keepPipelines { file.pipeline = nil }
                output[index] = file
                index += workers
            }
        }
        return results.map { $0! }
    }

    static func loadOne(_ path: String) -> ManifestFile {
        guard let bytes = readFile(path) else {
            var file = ManifestFile(path: path, bytes: [])
            file.diagnostics = [Diagnostic(
                file: path, line: 1, column: 1, pointer: "", severity: .error, code: .unreadable,
                message: "cannot read the file (\(String(cString: strerror(errno)))); check that it is a readable file")]
            file.pipeline = nil
            return file
        }
        return ManifestFile(path: path, bytes: bytes)
    }

    /// The whole file, or `nil` with `errno` set.
    static func readFile(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            errno = EISDIR
            return nil
        }
        // One allocation of the size fstat reports (plus one byte, to see a file that grew);
        // keep reading only if it did.
        let expected = Int(info.st_size)
        var capacity = expected + 1
        var bytes = [UInt8]()
        while true {
            var failed = false
            let chunk = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                var total = 0
                while total < buffer.count {
                    let n = read(descriptor, buffer.baseAddress! + total, buffer.count - total)
                    if n < 0 {
                        if errno == EINTR { continue }
                        failed = true
                        break
                    }
                    if n == 0 { break }
                    total += n
                    // The size fstat promised: stop without the extra read that sees the end.
                    if bytes.isEmpty, total == expected { break }
                }
                count = total
            }
            if failed { return nil }
            if bytes.isEmpty { bytes = chunk } else { bytes.append(contentsOf: chunk) }
            if chunk.count < capacity { break }
            capacity = max(capacity, 65_536)
        }
        return bytes
    }
}
