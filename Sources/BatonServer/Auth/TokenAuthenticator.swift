import Crypto

/// Turns a bearer token into an `Identity`, by the tokens file.
///
/// The token is hashed with SHA-256 and compared with every entry in constant time, all of
/// them, with no early exit: how long the answer takes says nothing about which entry (or
/// which byte) came close. The token itself is never stored or logged.
///
/// Public so other ways in (the dashboard's sign-in form, its session cookie) reach the same
/// check with `identity(forToken:)`.
public struct TokenAuthenticator: Sendable {
    public let tokens: TokenFile

    public init(tokens: TokenFile) {
        self.tokens = tokens
    }

    /// The identity a token grants, or nil.
    public func identity(forToken token: String) -> Identity? {
        let hash = Array(SHA256.hash(data: Array(token.utf8)))
        var found: Identity?
        for entry in tokens.entries {
            let match = ConstantTime.equal(hash, entry.hash)
            if match { found = Identity(name: entry.name, role: entry.role) }
        }
        return found
    }

    /// The token of an `Authorization: Bearer TOKEN` header value, or nil for another scheme.
    public static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
