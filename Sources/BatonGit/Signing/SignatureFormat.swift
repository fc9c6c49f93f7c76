/// The two kinds of key Git signs commits with (`gpg.format` in Git's configuration).
public enum SignatureFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// An SSH key (`gpg.format = ssh`), checked with `ssh-keygen -Y` against an
    /// allowed-signers file.
    case ssh
    /// An OpenPGP key (`gpg.format = openpgp`, Git's default), checked with `gpgv` against
    /// a folder of trusted public keys.
    case openpgp
}
