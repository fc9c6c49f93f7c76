import Crypto
import Foundation

/// A server's SSH host key as sent in the handshake: the wire-format blob known_hosts stores
/// in base64, and the key type named inside it.
struct SSHHostKey: Sendable, Hashable {
    /// `ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`...: the first string of the blob.
    let type: String
    let blob: Data

    /// Reads the type from the blob (a big-endian 32-bit length, then the name), so the
    /// comparison with known_hosts never depends on libgit2's coarser `raw_type`.
    init?(blob: Data) {
        let bytes = [UInt8](blob)
        guard bytes.count >= 4 else { return nil }
        let length = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard length > 0, bytes.count >= 4 + length,
              let type = String(bytes: bytes[4..<(4 + length)], encoding: .ascii) else { return nil }
        self.type = type
        self.blob = blob
    }

    /// `SHA256:` and the unpadded base64 of the blob's SHA-256: what `ssh-keygen -lf` and
    /// OpenSSH's own prompts print, so a person can compare it with what the server's
    /// administrator publishes.
    var fingerprint: String {
        let digest = Data(SHA256.hash(data: blob)).base64EncodedString()
        return "SHA256:" + digest.replacingOccurrences(of: "=", with: "")
    }
}
