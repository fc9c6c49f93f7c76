import Foundation

/// Checks SSH commit signatures the way Git does (`gpg.format = ssh`): `ssh-keygen -Y
/// find-principals` names the signer from the allowed-signers file, `ssh-keygen -Y verify`
/// checks the signature for that principal in Git's namespace, and when no principal
/// matches, `ssh-keygen -Y check-novalidate` tells an unknown signer from a broken signature.
struct SSHSignatureVerifier: Sendable {
    /// The allowed-signers file.
    var allowedSigners: String
    var tool = SignatureTool(program: "ssh-keygen")

    /// Git signs commits in the namespace "git" (`ssh-keygen -Y sign -n git`).
    static let namespace = "git"

    func check(_ commit: SignedCommit) async throws(GitError) -> SignatureCheck {
        let scratch = try ScratchFolder()
        // Read here rather than left to ssh-keygen: a missing or unreadable file must stop
        // the check, and ssh-keygen would report it as "no principal matched", which reads
        // as an untrusted signer. The tool then sees exactly the bytes that were read.
        let allowedSigners = try scratch.write(CommitVerification.read(self.allowedSigners, what: "the allowed-signers file"), named: "allowed_signers")
        let signature = try scratch.write(commit.signature, named: "signature")

        let found = try await tool.run(["-Y", "find-principals", "-f", allowedSigners, "-s", signature])
        let principal = found.standardOutput.split(separator: "\n").first.map(String.init)
        guard found.succeeded, let principal, !principal.isEmpty else {
            let novalidate = try await tool.run(["-Y", "check-novalidate", "-n", Self.namespace, "-s", signature], input: commit.signedData)
            guard novalidate.succeeded else { return .bad(reason: novalidate.said) }
            return .untrusted(key: Self.key(in: novalidate.said) ?? "an SSH key")
        }

        let verified = try await tool.run(["-Y", "verify", "-f", allowedSigners, "-I", principal, "-n", Self.namespace, "-s", signature], input: commit.signedData)
        guard verified.succeeded else { return .bad(reason: verified.said) }
        return .good(SignatureCheck.Signer(format: .ssh, identity: principal, key: Self.key(in: verified.said) ?? "unknown key"))
    }

    /// `ED25519 SHA256:…` out of `Good "git" signature for P with ED25519 key SHA256:…`.
    static func key(in said: String) -> String? {
        guard let with = said.range(of: " with ", options: .backwards) else { return nil }
        var key = said[with.upperBound...]
        if let end = key.firstIndex(of: ";") { key = key[..<end] }
        let words = key.split(separator: " ")
        guard words.count == 3, words[1] == "key" else { return nil }
        return "\(words[0]) \(words[2])"
    }
}
