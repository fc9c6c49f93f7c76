import BatonManifest
import Foundation

/// Why a commit's signature was not accepted.
public struct SignatureRejection: Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable {
        case unsigned
        /// Signed, but the signature does not verify (or the key expired or was revoked).
        case badSignature
        /// A good signature by a key the trust list does not name.
        case untrustedSigner
        /// Signed with the other kind of key than the policy accepts.
        case wrongFormat
    }

    public var commit: CommitInfo
    public var reason: Reason
    /// What the tool or the check said, for a person.
    public var detail: String

    /// The rejection as a diagnostic of the revision: status, history and the API show it
    /// like a manifest error, located at the commit, naming its author.
    public var diagnostic: Diagnostic {
        let code: DiagnosticCode = switch reason {
        case .unsigned: .unsignedCommit
        case .badSignature, .wrongFormat: .badSignature
        case .untrustedSigner: .untrustedSigner
        }
        let who = "\(commit.author.name) <\(commit.author.email)>"
        return Diagnostic(
            file: "commit \(commit.id.short)", line: 1, column: 1, pointer: "", severity: .error, code: code,
            message: "commit \(commit.id.short) by \(who) (\"\(commit.subject)\") \(detail); nothing of it was applied")
    }
}

/// The verdict on a pass's commits: the head's signer, or every commit that failed.
public enum CommitVerdict: Sendable, Hashable {
    case trusted(SignatureCheck.Signer)
    case rejected([SignatureRejection])
}

/// Checks the signatures a `CommitVerification` asks for.
///
/// Reading the commits is libgit2 work and happens first, on the caller's thread; the checks
/// themselves wait on `ssh-keygen` or `gpgv` without holding a thread.
public struct CommitVerifier: Sendable {
    public let policy: CommitVerification

    public init(policy: CommitVerification) {
        self.policy = policy
    }

    /// The commits to check and their signatures, read from `repository`.
    public func signatures(in repository: GitRepository, head: GitObjectID, live: GitObjectID?) throws(GitError) -> [(CommitInfo, SignedCommit?)] {
        try policy.commits(in: repository, head: head, live: live).map { info throws(GitError) in (info, try repository.signedCommit(info.id)) }
    }

    /// Checks every commit (oldest first) and reports all that fail, so a reviewer sees the
    /// whole list at once rather than one commit per pass.
    public func verdict(on commits: [(CommitInfo, SignedCommit?)]) async throws(GitError) -> CommitVerdict {
        var rejections: [SignatureRejection] = []
        var headSigner: SignatureCheck.Signer?
        for (info, signed) in commits {
            guard let signed else {
                rejections.append(SignatureRejection(commit: info, reason: .unsigned, detail: "is not signed"))
                continue
            }
            guard signed.format == policy.trust.format else {
                let found = signed.format.map { "an \($0 == .ssh ? "SSH" : "OpenPGP") key" } ?? "an unrecognised kind of signature"
                rejections.append(SignatureRejection(commit: info, reason: .wrongFormat, detail: "is signed with \(found), but only \(policy.trust.format == .ssh ? "SSH" : "OpenPGP") signatures are accepted"))
                continue
            }
            switch try await check(signed) {
            case .good(let signer):
                headSigner = signer
            case .untrusted(let key):
                rejections.append(SignatureRejection(commit: info, reason: .untrustedSigner, detail: "is signed by \(key), which \(trustList) does not list"))
            case .bad(let reason):
                rejections.append(SignatureRejection(commit: info, reason: .badSignature, detail: "has a signature that does not verify: \(reason)"))
            }
        }
        if !rejections.isEmpty { return .rejected(rejections) }
        guard let headSigner else {
            throw GitError(code: .verification, message: "no commit was checked", step: .verifySignature)
        }
        return .trusted(headSigner)
    }

    private func check(_ signed: SignedCommit) async throws(GitError) -> SignatureCheck {
        switch policy.trust {
        case .ssh(let file): try await SSHSignatureVerifier(allowedSigners: file).check(signed)
        case .openpgp(let folder): try await OpenPGPSignatureVerifier(trustedKeys: folder).check(signed)
        }
    }

    private var trustList: String {
        switch policy.trust {
        case .ssh(let file): "the allowed-signers file \(file)"
        case .openpgp(let folder): "the trusted-keys folder \(folder)"
        }
    }
}

extension DiagnosticCode {
    /// `--verify-commits`: the commit (or, with scope `all`, a commit that landed since the
    /// live one) carries no signature.
    public static let unsignedCommit = DiagnosticCode(rawValue: "unsigned-commit")
    /// `--verify-commits`: the signature does not verify, is by an expired or revoked key, or
    /// is of the other kind (SSH where OpenPGP is required, or the reverse).
    public static let badSignature = DiagnosticCode(rawValue: "bad-signature")
    /// `--verify-commits`: a good signature by a key the allowed signers or trusted keys do
    /// not list.
    public static let untrustedSigner = DiagnosticCode(rawValue: "untrusted-signer")
}
