/// Who signed an applied commit, as the trust list named them (`--verify-commits`).
///
/// Kept on the revision so `status` and `history` answer "who vouched for this commit" as
/// well as "who wrote it": with verification on, the signer is the person whose key let the
/// change through, which the author field (free text in Git) cannot prove.
public struct CommitSigner: Sendable, Hashable, Codable {
    /// The kind of key, stored as its raw text; any other stored text is unreadable.
    public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
        case ssh
        case openpgp
    }

    public var method: Method
    /// The allowed-signers principal, or the OpenPGP user id.
    public var identity: String
    /// `ED25519 SHA256:…`, or the OpenPGP primary key fingerprint.
    public var key: String

    public init(method: Method, identity: String, key: String) {
        self.method = method
        self.identity = identity
        self.key = key
    }

    /// `alice@example.com (ssh ED25519 SHA256:…)`.
    public var description: String { "\(identity) (\(method.rawValue) \(key))" }
}
