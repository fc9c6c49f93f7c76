import Crypto
import Foundation
import Hummingbird

/// How a push webhook proves it comes from the forge: each forge's own header, checked
/// against the secret Baton shares with it.
///
/// - GitHub and Gitea: `X-Hub-Signature-256: sha256=<hex>` (Gitea also `X-Gitea-Signature:
///   <hex>`), the HMAC-SHA256 of the raw body. Replays are refused by delivery id
///   (`X-GitHub-Delivery`, `X-Gitea-Delivery`), see `DeliveryLedger`.
/// - GitLab: `X-Gitlab-Token: <secret>`, the secret itself, compared in constant time.
/// - Anything else (a CI job, a script): `X-Baton-Signature: sha256=<hex>`, the HMAC-SHA256 of
///   `"<timestamp>.<body>"` with `X-Baton-Timestamp: <unix seconds>`; refused when the
///   timestamp is more than `maxAge` away from now, so a captured request cannot be replayed
///   later (the timestamp is signed, so it cannot be refreshed).
public enum WebhookSignature {
    /// Which forge's scheme a request used.
    public enum Scheme: String, Sendable, Hashable {
        case github, gitea, gitlab, generic
    }

    /// A request whose signature checked out.
    public struct Verified: Sendable, Hashable {
        public var scheme: Scheme
        /// The forge's id of this delivery, when it sends one.
        public var deliveryID: String?
    }

    /// How far a generic request's timestamp may be from now: 5 minutes.
    public static let maxAge: TimeInterval = 300

    /// Checks the request's signature headers against `secret`.
    ///
    /// - Throws: `ServerError` 401: `webhook-forged` when no known header is present or the
    ///   signature does not match; `webhook-replayed` when a generic request's timestamp is
    ///   too old (or too far ahead).
    public static func verify(headers: HTTPFields, body: [UInt8], secret: String, now: Date) throws(ServerError) -> Verified {
        let key = SymmetricKey(data: Array(secret.utf8))
        if let header = headers.value(named: "X-Hub-Signature-256") {
            guard let mac = hexAfterPrefix(header, "sha256="), HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key) else {
                throw forged("X-Hub-Signature-256 does not match the body signed with the webhook secret")
            }
            let gitea = headers.value(named: "X-Gitea-Delivery")
            return Verified(scheme: gitea == nil ? .github : .gitea, deliveryID: headers.value(named: "X-GitHub-Delivery") ?? gitea)
        }
        if let header = headers.value(named: "X-Gitea-Signature") {
            guard let mac = TokenFile.hexBytes(header.trimmingCharacters(in: .whitespaces)),
                  HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key) else {
                throw forged("X-Gitea-Signature does not match the body signed with the webhook secret")
            }
            return Verified(scheme: .gitea, deliveryID: headers.value(named: "X-Gitea-Delivery"))
        }
        if let token = headers.value(named: "X-Gitlab-Token") {
            guard ConstantTime.equal(Array(token.utf8), Array(secret.utf8)) else {
                throw forged("X-Gitlab-Token is not the webhook secret")
            }
            return Verified(scheme: .gitlab, deliveryID: headers.value(named: "X-Gitlab-Event-UUID"))
        }
        if let header = headers.value(named: "X-Baton-Signature") {
            guard let stamp = headers.value(named: "X-Baton-Timestamp"), let seconds = Int64(stamp.trimmingCharacters(in: .whitespaces)) else {
                throw forged("X-Baton-Signature needs X-Baton-Timestamp, the unix time in seconds it signed")
            }
            guard let mac = hexAfterPrefix(header, "sha256="),
                  HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array("\(seconds).".utf8) + body, using: key) else {
                throw forged("X-Baton-Signature does not match \"<timestamp>.<body>\" signed with the webhook secret")
            }
            let age = now.timeIntervalSince1970 - Double(seconds)
            guard abs(age) <= maxAge else {
                throw ServerError(.unauthorized, .webhookReplayed,
                                  "X-Baton-Timestamp is \(Int(abs(age)))s \(age > 0 ? "old" : "ahead"), more than \(Int(maxAge))s: sign each request when it is sent (is a clock off?)")
            }
            return Verified(scheme: .generic, deliveryID: nil)
        }
        throw forged("no webhook signature: send X-Hub-Signature-256 (GitHub, Gitea), X-Gitlab-Token (GitLab) or X-Baton-Signature with X-Baton-Timestamp")
    }

    /// The generic scheme's signature header value for a body, for clients and tests:
    /// `sha256=` and the hex HMAC of `"<timestamp>.<body>"`.
    public static func genericSignature(body: [UInt8], timestamp: Int64, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    private static func forged(_ message: String) -> ServerError {
        ServerError(.unauthorized, .webhookForged, message)
    }

    private static func hexAfterPrefix(_ header: String, _ prefix: String) -> [UInt8]? {
        let value = header.trimmingCharacters(in: .whitespaces)
        guard value.lowercased().hasPrefix(prefix) else { return nil }
        return TokenFile.hexBytes(value.dropFirst(prefix.count))
    }
}
