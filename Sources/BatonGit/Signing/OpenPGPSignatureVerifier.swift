import Foundation

/// Checks OpenPGP commit signatures with `gpgv`, which verifies against exactly the keyring it
/// is given and trusts every key in it: no web of trust, no agent, no `~/.gnupg`.
///
/// `gpgv` reads binary keyrings only, so armoured keys of the trusted-keys folder are
/// unwrapped first (`OpenPGPArmor`); the key material itself is only ever read by `gpgv`.
/// Its machine-readable status lines (`--status-fd`, see GnuPG's doc/DETAILS) say the result.
struct OpenPGPSignatureVerifier: Sendable {
    /// The trusted-keys folder.
    var trustedKeys: String
    var tool = SignatureTool(program: "gpgv")

    func check(_ commit: SignedCommit) async throws(GitError) -> SignatureCheck {
        let scratch = try ScratchFolder()
        var keyring = Data()
        for file in try CommitVerification.keyFiles(in: trustedKeys) {
            let bytes = try CommitVerification.read(file, what: "the trusted key")
            guard let binary = OpenPGPArmor.binary(bytes) else {
                throw GitError(code: .verification, message: "\(file) is neither an armoured nor a binary OpenPGP key (export one with `gpg --armor --export KEYID`)", step: .verifySignature)
            }
            keyring.append(binary)
        }
        let keyringFile = try scratch.write(keyring, named: "trusted.gpg")
        let signature = try scratch.write(commit.signature, named: "signature.asc")
        let data = try scratch.write(commit.signedData, named: "commit")
        let home = (scratch.path as NSString).appendingPathComponent("home")
        do {
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw GitError(code: .verification, message: "cannot make a home folder for gpgv in \(scratch.path): \(error)", step: .verifySignature)
        }

        let output = try await tool.run(["--homedir", home, "--status-fd", "1", "--keyring", keyringFile, signature, data])
        return Self.check(status: output.standardOutput, succeeded: output.succeeded, said: output.said)
    }

    /// Reads gpgv's status lines. Only `GOODSIG` with `VALIDSIG` and a zero exit is good.
    static func check(status: String, succeeded: Bool, said: String) -> SignatureCheck {
        var userID: String?
        var fingerprint: String?
        var missingKey: String?
        var problem: String?
        for line in status.split(separator: "\n") {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count >= 2, words[0] == "[GNUPG:]" else { continue }
            switch words[1] {
            case "GOODSIG" where words.count >= 4:
                userID = words[3...].joined(separator: " ")
            case "VALIDSIG" where words.count >= 3:
                // The last field is the primary key's fingerprint (the signing key may be a subkey).
                fingerprint = String(words.count >= 12 ? words[11] : words[2])
            case "NO_PUBKEY" where words.count >= 3:
                missingKey = String(words[2])
            case "BADSIG":
                problem = "the signature does not match the commit (BADSIG)"
            case "EXPKEYSIG":
                problem = "the signing key has expired"
            case "REVKEYSIG":
                problem = "the signing key was revoked"
            case "EXPSIG":
                problem = "the signature has expired"
            default:
                continue
            }
        }
        if let problem { return .bad(reason: problem) }
        if let missingKey { return .untrusted(key: "OpenPGP key \(missingKey)") }
        guard succeeded, let userID, let fingerprint else {
            return .bad(reason: said.isEmpty ? "gpgv did not report a good signature" : said)
        }
        return .good(SignatureCheck.Signer(format: .openpgp, identity: userID, key: fingerprint))
    }
}

/// Unwraps ASCII armour (RFC 4880 §6.2) into the binary packets it carries: the header line,
/// optional `Key: value` lines, a blank line, base64, an optional `=CRC` line, the footer.
/// Several blocks in one file are all kept. Binary input is returned as it is.
enum OpenPGPArmor {
    static func binary(_ bytes: Data) -> Data? {
        guard let text = String(data: bytes, encoding: .utf8), text.contains("-----BEGIN PGP PUBLIC KEY BLOCK-----") else {
            // Binary packets start with a byte whose top bit is set.
            return bytes.first.map { $0 & 0x80 != 0 } == true ? bytes : nil
        }
        var packets = Data()
        var inBlock = false
        var inBody = false
        var body = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line == "-----BEGIN PGP PUBLIC KEY BLOCK-----" {
                inBlock = true; inBody = false; body = ""
            } else if line == "-----END PGP PUBLIC KEY BLOCK-----", inBlock {
                guard let decoded = Data(base64Encoded: body) else { return nil }
                packets.append(decoded)
                inBlock = false
            } else if inBlock, !inBody {
                if line.isEmpty { inBody = true }
            } else if inBlock, inBody, !line.hasPrefix("=") {
                body += line
            }
        }
        return packets.isEmpty ? nil : packets
    }
}
