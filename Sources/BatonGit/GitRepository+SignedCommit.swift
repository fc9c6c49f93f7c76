import CGit2
import Foundation

/// A commit's signature block and the bytes it signs, exactly as Git stored them.
///
/// Kept as raw bytes because a verifier must see what the signer signed, byte for byte: the
/// commit object minus its `gpgsig` header. Baton never interprets the signature itself;
/// `ssh-keygen` or `gpgv` does.
public struct SignedCommit: Sendable, Hashable {
    /// The armoured signature (`-----BEGIN SSH SIGNATURE-----` or `-----BEGIN PGP SIGNATURE-----`).
    public var signature: Data
    /// The commit object without the signature header: what was signed.
    public var signedData: Data

    public init(signature: Data, signedData: Data) {
        self.signature = signature
        self.signedData = signedData
    }

    /// Which kind of key made the signature, read from its armour line.
    public var format: SignatureFormat? {
        let head = signature.prefix(64)
        if head.starts(with: Data("-----BEGIN SSH SIGNATURE-----".utf8)) { return .ssh }
        if head.starts(with: Data("-----BEGIN PGP SIGNATURE-----".utf8)) { return .openpgp }
        return nil
    }
}

extension GitRepository {
    /// The commit's signature and signed bytes; nil for an unsigned commit.
    public func signedCommit(_ id: GitObjectID) throws(GitError) -> SignedCommit? {
        var signature = git_buf()
        var signed = git_buf()
        defer {
            git_buf_dispose(&signature)
            git_buf_dispose(&signed)
        }
        var oid = id.oid
        let rc = git_commit_extract_signature(&signature, &signed, pointer, &oid, nil)
        if rc == GIT_ENOTFOUND.rawValue {
            // Also what libgit2 answers for an id that is not a commit: tell the two apart.
            _ = try commitInfo(id)
            return nil
        }
        guard rc == 0 else {
            throw LibGit2.error(rc, step: .verifySignature, ref: id.hex).withMessagePrefix("commit \(id.short): ")
        }
        return SignedCommit(signature: Self.bytes(signature), signedData: Self.bytes(signed))
    }

    private static func bytes(_ buffer: git_buf) -> Data {
        guard let pointer = buffer.ptr, buffer.size > 0 else { return Data() }
        return Data(bytes: pointer, count: buffer.size)
    }
}
