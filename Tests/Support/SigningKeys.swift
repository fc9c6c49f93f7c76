import Foundation

/// A key that signs commits in tests, made with the real tools (`ssh-keygen`, `gpg`), so the
/// signatures Baton checks are exactly what Git writes for a person.
public enum SigningKey: Sendable {
    case ssh(SSHSigningKey)
    case openpgp(OpenPGPSigningKey)
}

/// An ed25519 SSH key pair and the principal the allowed-signers file names it by.
public struct SSHSigningKey: Sendable {
    public let privateKey: String
    public let publicKey: String
    public let principal: String

    /// `ssh-keygen -t ed25519` into `folder/name` (no passphrase).
    public static func make(in folder: String, name: String, principal: String) throws -> SSHSigningKey {
        let path = (folder as NSString).appendingPathComponent(name)
        try Shell.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", principal, "-f", path])
        return SSHSigningKey(privateKey: path, publicKey: path + ".pub", principal: principal)
    }

    /// The key's line in an allowed-signers file: `PRINCIPAL namespaces="git" ssh-ed25519 AAAA…`.
    public func allowedSignersLine() throws -> String {
        let key = try String(contentsOfFile: publicKey, encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        return "\(principal) namespaces=\"git\" \(key)"
    }

    /// `SHA256:…`, as ssh-keygen prints it.
    public func fingerprint() throws -> String {
        let line = try Shell.run("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", publicKey])
        return String(line.split(separator: " ")[1])
    }
}

/// An OpenPGP key in a GnuPG home of its own (no passphrase), for `git commit -S`.
public struct OpenPGPSigningKey: Sendable {
    public let home: String
    public let fingerprint: String
    public let userID: String

    /// `gpg --quick-gen-key USERID ed25519 sign never` in a new home under `folder`.
    public static func make(in folder: String, name: String, userID: String) throws -> OpenPGPSigningKey {
        let home = (folder as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try Shell.run("/usr/bin/gpg", ["--homedir", home, "--batch", "--passphrase", "", "--quick-gen-key", userID, "ed25519", "sign", "never"])
        let listing = try Shell.run("/usr/bin/gpg", ["--homedir", home, "--batch", "--with-colons", "--list-keys", userID])
        guard let fpr = listing.split(separator: "\n").first(where: { $0.hasPrefix("fpr:") })?.split(separator: ":", omittingEmptySubsequences: false).dropFirst(9).first else {
            throw Shell.Failure(command: "gpg --list-keys", status: 0, output: listing)
        }
        return OpenPGPSigningKey(home: home, fingerprint: String(fpr), userID: userID)
    }

    /// The public key, armoured (`gpg --armor --export`) or binary.
    public func export(armored: Bool = true) throws -> Data {
        let file = (home as NSString).appendingPathComponent("export-\(UUID().uuidString)")
        try Shell.run("/usr/bin/gpg", ["--homedir", home, "--batch", "--yes", "--output", file] + (armored ? ["--armor"] : []) + ["--export", fingerprint])
        return try Data(contentsOf: URL(fileURLWithPath: file))
    }

    /// Stops the agent `gpg` started for this home, so no process outlives the test.
    public func stopAgent() {
        _ = try? Shell.run("/usr/bin/gpgconf", ["--homedir", home, "--kill", "gpg-agent"])
    }
}

extension FixtureRepository {
    /// Stages everything and commits, signed with `key` the way Git does for a person with
    /// `gpg.format` and `user.signingkey` set; returns the new commit id.
    @discardableResult
    public func commit(_ message: String, signedWith key: SigningKey, author: Person = .ana) throws -> String {
        try git("add", "-A")
        switch key {
        case .ssh(let ssh):
            try git(["-c", "gpg.format=ssh", "-c", "user.signingkey=\(ssh.publicKey)", "commit", "-q", "-S", "--allow-empty", "-m", message], author: author)
        case .openpgp(let pgp):
            try git(["-c", "gpg.format=openpgp", "-c", "user.signingkey=\(pgp.fingerprint)", "commit", "-q", "-S", "--allow-empty", "-m", message],
                    author: author, environment: ["GNUPGHOME": pgp.home])
        }
        return try head()
    }

    /// A copy of `commit` with its message changed but its signature kept: a commit whose
    /// signature no longer matches what it signs. Returns the new commit's id (not on a branch).
    public func tampered(_ commit: String, message: String) throws -> String {
        let object = try git("cat-file", "commit", commit)
        guard let split = object.range(of: "\n\n") else { throw Shell.Failure(command: "git cat-file", status: 0, output: object) }
        let file = "\(path)/.git/tampered-\(UUID().uuidString)"
        try Data((object[..<split.lowerBound] + "\n\n" + message + "\n").utf8).write(to: URL(fileURLWithPath: file))
        return try git("hash-object", "-t", "commit", "-w", file).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
