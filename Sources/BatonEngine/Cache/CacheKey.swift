import BatonManifest
import Crypto
import Foundation

/// The identity of a cacheable task's work: two attempts with the same key would compute the
/// same thing, so a successful earlier attempt (within the cache's `ttl`) can stand in for a
/// new one and its outputs be restored.
///
/// Everything that can change the result is in the key: the pipeline, the task's spec (its
/// command, env, settings), the contents *and names* of the `inputs` files at the run's
/// commit, the manifest's extra `key` strings, and every parameter value. Each component is
/// length-prefixed and each list counted before it is hashed, so no two different sets of
/// components can run together into the same bytes.
public enum CacheKey {
    /// Bumped whenever the framing changes, so keys from an older Baton never match.
    static let version = "baton-cache-key/1"

    /// Computes the key: lowercase hex SHA-256.
    ///
    /// - Parameters:
    ///   - pipeline: the pipeline's name.
    ///   - taskSpec: the task's canonical spec text (as stored with the pipeline version), so
    ///     editing the task invalidates its cache.
    ///   - cache: the task's `cache` block; its `inputs` are matched under `treeRoot` and its
    ///     `key` strings are hashed in order.
    ///   - treeRoot: the exported tree of the version's commit.
    ///   - parameters: the run's parameter values; hashed sorted by name so the order they were
    ///     given in does not matter.
    /// - Returns: 64 lowercase hex digits.
    /// - Throws: `EngineError(.cache, …)` for an `inputs` pattern that is absolute or uses
    ///   `..`, or an input that cannot be read.
    ///
    /// Matched files are hashed in sorted path order with their paths, so the key does not
    /// depend on directory listing order, and renaming an input changes it. A pattern that
    /// matches nothing is hashed as its text, so a file that later appears changes the key.
    public static func compute(
        pipeline: String, taskSpec: String, cache: CacheSpec, treeRoot: String, parameters: [String: String]
    ) throws(EngineError) -> String {
        var frame = Frame()
        frame.field(version)
        frame.field(pipeline)
        frame.field(taskSpec)

        var files = Set<String>()
        var unmatched: [String] = []
        for pattern in cache.inputs {
            let glob = try InputGlob(pattern)
            let matched = try glob.matches(in: treeRoot)
            if matched.isEmpty { unmatched.append(pattern) } else { files.formUnion(matched) }
        }
        let sortedFiles = files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        frame.count(sortedFiles.count)
        for path in sortedFiles {
            frame.field(path)
            frame.field(try contentDigest(of: treeRoot + "/" + path, relative: path))
        }
        let sortedUnmatched = Set(unmatched).sorted()
        frame.count(sortedUnmatched.count)
        for pattern in sortedUnmatched { frame.field(pattern) }

        frame.count(cache.key.count)
        for key in cache.key { frame.field(key) }

        let sortedParameters = parameters.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        frame.count(sortedParameters.count)
        for (name, value) in sortedParameters {
            frame.field(name)
            frame.field(value)
        }
        return frame.hex()
    }

    /// The SHA-256 of a file's contents, read in chunks so a large input is never held whole;
    /// for a symbolic link, of `link:` and its target, like Git stores it.
    private static func contentDigest(of path: String, relative: String) throws(EngineError) -> [UInt8] {
        var hash = SHA256()
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
            hash.update(data: Array("link:\(target)".utf8))
            return Array(hash.finalize())
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw EngineError(.cache, "cannot read cache input \(relative) in \(path)")
        }
        defer { try? handle.close() }
        hash.update(data: Array("file:".utf8))
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hash.update(data: chunk)
            }
        } catch {
            throw EngineError(.cache, "cannot read cache input \(relative): \(error.localizedDescription)")
        }
        return Array(hash.finalize())
    }

    /// Length-prefixed framing into one running hash.
    private struct Frame {
        var hash = SHA256()

        mutating func count(_ value: Int) {
            var bigEndian = UInt64(value).bigEndian
            withUnsafeBytes(of: &bigEndian) { hash.update(bufferPointer: $0) }
        }

        mutating func field(_ bytes: [UInt8]) {
            count(bytes.count)
            hash.update(data: bytes)
        }

        mutating func field(_ text: String) { field(Array(text.utf8)) }

        func hex() -> String {
            hash.finalize().map { String(format: "%02x", $0) }.joined()
        }
    }
}
