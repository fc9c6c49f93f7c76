/// What checking one signature found.
public enum SignatureCheck: Sendable, Hashable {
    /// A good signature by a trusted key.
    case good(Signer)
    /// A good signature by a key the trust list does not name.
    case untrusted(key: String)
    /// The signature does not verify: the commit was changed after signing, the signature is
    /// malformed, or the key expired or was revoked.
    case bad(reason: String)

    /// Who signed, as the trust list names them.
    public struct Signer: Sendable, Hashable, Codable {
        public var format: SignatureFormat
        /// The allowed-signers principal (`alice@example.com`) or the OpenPGP user id
        /// (`Alice <alice@example.com>`).
        public var identity: String
        /// The key: `ED25519 SHA256:…` for SSH, the primary key's fingerprint for OpenPGP.
        public var key: String

        public init(format: SignatureFormat, identity: String, key: String) {
            self.format = format
            self.identity = identity
            self.key = key
        }
    }
}
