import BatonManifest
import Dispatch
import Foundation

/// Finds and reads manifests on disk for `baton validate`, on all cores.
///
/// Reading and decoding are done together per file, in parallel, because validation of a
/// large repository is dominated by them and each file is independent; the cross-file rules
/// run afterwards in `ManifestCatalog`.
enum ManifestLoader {
    struct MissingPath: Error, CustomStringConvertible {
        var path: String
        var description: String { "no such file or directory: \(path)" }
    }

    /// The manifest files named by `paths`: a file is taken as it is (whatever its name), a
    /// directory is searched recursively for manifests.
    static func discover(_ paths: [String]) throws -> (files: [String], emptyDirectories: [String]) {
        var files: [String] = []
        var empty: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { throw MissingPath(path: path) }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            var found: [String] = []
            if let enumerator = manager.enumerator(atPath: base) {
                while let relative = enumerator.nextObject() as? String {
                    let name = (relative as NSString).lastPathComponent
                    if name.hasPrefix(".") {
                        enumerator.skipDescendants()
                        continue
                    }
                    if ManifestPath.isManifest(relative) { found.append(base + "/" + relative) }
                }
            }
            if found.isEmpty { empty.append(path) }
            files.append(contentsOf: found.sorted())
        }
        return (files, empty)
    }

    /// Reads and decodes every file, in parallel.
    static func load(_ paths: [String]) -> [ManifestFile] {
        let results = UnsafeMutableBufferPointer<ManifestFile?>.allocate(capacity: paths.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        nonisolated(unsafe) let output = results
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, paths.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < paths.count {
                output[index] = loadOne(paths[index])
                index += workers
            }
        }
        return results.map { $0! }
    }

    static func loadOne(_ path: String) -> ManifestFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            let diagnostic = Diagnostic(
                file: path, line: 1, column: 1, pointer: "", severity: .error, code: .unreadable,
                message: "cannot read the file; check that it is a readable file, not a directory")
            var file = ManifestFile(path: path, bytes: [])
            file.diagnostics = [diagnostic]
            return file
        }
        return ManifestFile(path: path, bytes: [UInt8](data))
    }
}
