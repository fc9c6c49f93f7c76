import BatonManifest
import Crypto
import Foundation

/// A pipeline as a commit wants it: the decoded model, and its canonical spec and hash.
public struct DesiredPipeline: Sendable {
    public var name: String
    /// The manifest's path, relative to the repository root.
    public var path: String
    public var blobID: String
    /// The manifest as canonical JSON (see `CanonicalSpec`).
    public var spec: String
    public var specHash: String
    public var pipeline: Pipeline
}

/// The canonical form of a manifest and its hash.
///
/// Sorted keys, no whitespace and normalised numbers, so that reformatting a manifest,
/// reordering its keys or moving its file is never a change, while any change of meaning is.
public enum CanonicalSpec {
    /// nil when the bytes are not JSON (a valid manifest always is).
    public static func of(_ bytes: [UInt8]) -> (spec: String, hash: String)? {
        guard let tape = try? JSONReader().readTape(bytes) else { return nil }
        let spec = JSONWriter.canonical(tape)
        return (spec, hash(spec))
    }

    /// SHA-256 of the canonical text, lower-case hex.
    public static func hash(_ spec: String) -> String {
        SHA256.hash(data: Array(spec.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
