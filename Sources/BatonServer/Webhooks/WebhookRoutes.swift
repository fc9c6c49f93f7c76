import BatonDaemon
import BatonEngine
import Foundation
import Hummingbird

/// `POST /hooks/git`: a forge's push webhook. A valid push to the ref the daemon follows asks
/// for a reconcile pass at once (202); a push to another ref is acknowledged and ignored
/// (202 with `ignored`); anything refused (413 over 1 MiB, 401 forged or replayed, 400
/// malformed) changes nothing.
///
/// Open to requests without a bearer token: the forge proves itself with the shared secret
/// instead, read from `<state>/secrets/webhook` (or `BATON_SECRET_WEBHOOK`) at each request,
/// so it can be set or rotated without a restart. Without a secret the receiver does not
/// exist (404 `webhook-not-configured`): there is nothing it could check a request against.
public struct WebhookRoutes: BatonRoutes {
    /// The secret's name in Baton's secret store.
    public static let secretName = "webhook"

    let ledger = DeliveryLedger()

    public init() {}

    struct Accepted: Encodable {
        var status = "accepted"
        var ref: String
    }

    struct Ignored: Encodable {
        var ignored: String
    }

    struct Pong: Encodable {
        var status = "pong"
    }

    public func register(on router: Router<BatonRequestContext>, environment: ServerEnvironment) {
        router.post("hooks/git") { request, _ in
            try await receive(request, environment: environment)
        }
    }

    func receive(_ request: Request, environment: ServerEnvironment) async throws -> Response {
        let daemon = environment.daemon
        let secret = try Self.secret(stateDirectory: daemon.stateDirectory, environment: environment)
        var request = request
        let buffer = try await request.collectBody(upTo: ServerLimits.maxBodyBytes)
        let body = Array(buffer.readableBytesView)
        let now = environment.now()
        let verified = try WebhookSignature.verify(headers: request.headers, body: body, secret: secret, now: now)
        if let delivery = verified.deliveryID, !ledger.firstSighting(delivery, at: now) {
            throw ServerError(.unauthorized, .webhookReplayed, "delivery \(delivery) was already received; push again to send a new one")
        }
        let event = request.headers.value(named: "X-GitHub-Event") ?? request.headers.value(named: "X-Gitea-Event")
            ?? request.headers.value(named: "X-Gitlab-Event")
        if event == "ping" { return JSONBody.response(Pong()) }
        if let event, !["push", "Push Hook", "Tag Push Hook"].contains(event) {
            return JSONBody.response(Ignored(ignored: "the \(event) event is not a push"), status: .accepted)
        }
        let push = try PushEvent.decode(body)
        guard let followed = daemon.source.ref.referenceName, push.ref == followed else {
            let following = daemon.source.ref.referenceName ?? "the pinned commit \(daemon.source.ref)"
            return JSONBody.response(Ignored(ignored: "a push to \(push.ref); baton follows \(following)"), status: .accepted)
        }
        environment.logger.info("push webhook: reconciling now", metadata: ["ref": "\(push.ref)", "forge": "\(verified.scheme.rawValue)"])
        daemon.requestReconcile()
        return JSONBody.response(Accepted(ref: push.ref), status: .accepted)
    }

    /// The shared secret, or the reason there is none to check against.
    static func secret(stateDirectory: String, environment: ServerEnvironment) throws(ServerError) -> String {
        let resolver = SecretResolver(stateDirectory: stateDirectory)
        let file = (resolver.secretsDirectory as NSString).appendingPathComponent(secretName)
        let variable = SecretResolver.environmentName(for: secretName)
        guard FileManager.default.fileExists(atPath: file) || SecretResolver.launchEnvironment[variable] != nil else {
            throw ServerError(.notFound, .webhookNotConfigured, "push webhooks are off: put the shared secret in \(file) (mode 0600) or \(variable)")
        }
        let secret: String
        do { secret = try resolver.resolve(secretName) } catch {
            environment.logger.error("the webhook secret cannot be used", metadata: ["error": "\(error.message)"])
            throw ServerError(.serviceUnavailable, .webhookSecretUnusable, "the webhook secret cannot be used; the daemon's log says why")
        }
        guard !secret.isEmpty else {
            throw ServerError(.serviceUnavailable, .webhookSecretUnusable, "the webhook secret is empty")
        }
        return secret
    }
}
