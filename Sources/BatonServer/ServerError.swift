import Foundation
import Hummingbird

/// Every error the server answers with, in one JSON shape:
/// `{"error": {"code": "stable-code", "message": "…"}}`.
///
/// A struct with a stable `code` (what clients match on) and a message for people, like the
/// other modules' errors; it carries its HTTP status and any headers it needs
/// (`WWW-Authenticate` on a 401). Route groups added later throw it, or map their own errors
/// (an operation's code and status) onto it.
public struct ServerError: Error, Sendable, HTTPResponseError, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// No route answers this method and path.
        public static let notFound = Code("not-found")
        /// The request is malformed (bad JSON, a missing field).
        public static let badRequest = Code("bad-request")
        /// The body is over the limit (1 MiB).
        public static let bodyTooLarge = Code("body-too-large")
        /// No bearer token, or one that matches no entry of the tokens file.
        public static let unauthorized = Code("unauthorized")
        /// A valid token whose role does not allow this (a `read` token on a write).
        public static let forbidden = Code("forbidden")
        /// `/readyz`: the store does not answer, or reconcile passes keep failing.
        public static let notReady = Code("not-ready")
        /// A push webhook whose signature or token does not match the secret.
        public static let webhookForged = Code("webhook-forged")
        /// A push webhook too old, or a delivery already received.
        public static let webhookReplayed = Code("webhook-replayed")
        /// No webhook secret in `<state>/secrets/webhook` (nor `BATON_SECRET_WEBHOOK`).
        public static let webhookNotConfigured = Code("webhook-not-configured")
        /// The webhook secret exists but cannot be used (loose permissions, unreadable).
        public static let webhookSecretUnusable = Code("webhook-secret-unusable")
        /// Something failed inside the server; the log says what.
        public static let internalError = Code("internal")
    }

    public var status: HTTPResponse.Status
    public var code: Code
    public var message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ code: Code, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "[\(code)] \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = JSONBody.contentType
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSONBody.encode(Body(error: .init(code: code.rawValue, message: message))))))
    }

    private struct Body: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }
        var error: Detail
    }
}

extension ServerError {
    /// 401 with the challenge a client needs to know a bearer token is expected.
    public static func unauthorized(_ message: String) -> ServerError {
        ServerError(.unauthorized, .unauthorized, message, headers: [.wwwAuthenticate: "Bearer realm=\"baton\""])
    }

    public static func forbidden(_ message: String) -> ServerError {
        ServerError(.forbidden, .forbidden, message)
    }

    public static func badRequest(_ message: String) -> ServerError {
        ServerError(.badRequest, .badRequest, message)
    }

    public static func bodyTooLarge(limit: Int) -> ServerError {
        ServerError(.contentTooLarge, .bodyTooLarge, "the request body is over the limit of \(limit) bytes")
    }

    public static func notFound(_ message: String = "no such route") -> ServerError {
        ServerError(.notFound, .notFound, message)
    }
}
