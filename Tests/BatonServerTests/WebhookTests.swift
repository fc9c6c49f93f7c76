import BatonDaemon
import BatonServer
import BatonStore
import Crypto
import Foundation
import Testing

/// `POST /hooks/git` against a real daemon following a real repository: a valid push to the
/// followed ref starts a pass that picks up the new commit; everything refused starts nothing.
@Suite struct WebhookTests {
    static func hubSignature(_ body: [UInt8], secret: String = ServerHarness.webhookSecret) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    static func push(_ ref: String = "refs/heads/main") -> [UInt8] {
        Array(#"{"ref":"\#(ref)","before":"0000","after":"1111","repository":{"name":"pipelines"}}"#.utf8)
    }

    static func github(_ body: [UInt8], delivery: String = UUID().uuidString, secret: String = ServerHarness.webhookSecret) -> [(String, String)] {
        [("X-Hub-Signature-256", hubSignature(body, secret: secret)), ("X-GitHub-Event", "push"), ("X-GitHub-Delivery", delivery),
         ("Content-Type", "application/json")]
    }

    @Test func aValidGitHubPushToTheFollowedRefStartsAPassAtOnce() async throws {
        let server = try await ServerHarness()
        try server.repository.write("manifests/second.json", ServerHarness.manifest("second"))
        let commit = try server.repository.commit("add second")
        let before = server.handle.reconcileFacts

        let body = Self.push()
        let reply = try await server.request("POST", "/hooks/git", headers: Self.github(body), body: body)
        #expect(reply.status == 202)
        #expect(reply.json["status"] as? String == "accepted")
        #expect(reply.json["ref"] as? String == "refs/heads/main")
        #expect(server.handle.reconcileFacts.requests == before.requests + 1)

        // The interval is an hour: only the webhook can have started this pass.
        guard case .reconciled(let report) = try await server.handle.pass(after: before.passes) else {
            Issue.record("the pass failed")
            return
        }
        #expect(report.commit.id == commit)
        #expect(report.outcome == .applied)
        #expect(try await server.handle.store.pipelines().map(\.name).sorted() == ["hello", "second"])
        await server.stop()
    }

    @Test func gitLabAndGiteaAndTheGenericSchemeAreAccepted() async throws {
        let server = try await ServerHarness()
        let body = Self.push()
        let requests = server.handle.reconcileFacts.requests

        let gitlab = try await server.request("POST", "/hooks/git", headers: [("X-Gitlab-Token", ServerHarness.webhookSecret), ("X-Gitlab-Event", "Push Hook")], body: body)
        #expect(gitlab.status == 202)

        let gitea = try await server.request("POST", "/hooks/git", headers: [
            ("X-Gitea-Signature", String(Self.hubSignature(body).dropFirst("sha256=".count))), ("X-Gitea-Event", "push"),
            ("X-Gitea-Delivery", UUID().uuidString),
        ], body: body)
        #expect(gitea.status == 202)

        let now = Int64(Date().timeIntervalSince1970)
        let generic = try await server.request("POST", "/hooks/git", headers: [
            ("X-Baton-Signature", WebhookSignature.genericSignature(body: body, timestamp: now, secret: ServerHarness.webhookSecret)),
            ("X-Baton-Timestamp", "\(now)"),
        ], body: body)
        #expect(generic.status == 202)
        #expect(server.handle.reconcileFacts.requests == requests + 3)
        await server.stop()
    }

    @Test func aPushToAnotherRefIsAcknowledgedAndIgnored() async throws {
        let server = try await ServerHarness()
        let requests = server.handle.reconcileFacts.requests
        let body = Self.push("refs/heads/feature")
        let reply = try await server.request("POST", "/hooks/git", headers: Self.github(body), body: body)
        #expect(reply.status == 202)
        #expect((reply.json["ignored"] as? String)?.contains("refs/heads/feature") == true)
        #expect(server.handle.reconcileFacts.requests == requests)

        let ping = Array(#"{"zen":"Keep it logically awesome."}"#.utf8)
        var headers = Self.github(ping)
        headers[1] = ("X-GitHub-Event", "ping")
        let pong = try await server.request("POST", "/hooks/git", headers: headers, body: ping)
        #expect(pong.status == 200)
        #expect(pong.json["status"] as? String == "pong")

        let issue = Array(#"{"action":"opened"}"#.utf8)
        headers = Self.github(issue)
        headers[1] = ("X-GitHub-Event", "issues")
        let other = try await server.request("POST", "/hooks/git", headers: headers, body: issue)
        #expect(other.status == 202)
        #expect(other.json["ignored"] != nil)
        #expect(server.handle.reconcileFacts.requests == requests)
        await server.stop()
    }

    @Test func forgedRequestsAre401AndStartNothing() async throws {
        let server = try await ServerHarness()
        let requests = server.handle.reconcileFacts.requests
        let body = Self.push()
        let now = Int64(Date().timeIntervalSince1970)
        let forgeries: [[(String, String)]] = [
            [],
            Self.github(body, secret: "not-the-secret"),
            [("X-Hub-Signature-256", "sha256=zz")],
            [("X-Hub-Signature-256", Self.hubSignature(Array("another body".utf8)))],
            [("X-Hub-Signature-256", String(Self.hubSignature(body).dropFirst(7)))],
            [("X-Gitlab-Token", "not-the-secret")],
            [("X-Gitlab-Token", ServerHarness.webhookSecret + "x")],
            [("X-Baton-Signature", WebhookSignature.genericSignature(body: body, timestamp: now, secret: "nope")), ("X-Baton-Timestamp", "\(now)")],
            // Signed for another timestamp than the one sent.
            [("X-Baton-Signature", WebhookSignature.genericSignature(body: body, timestamp: now, secret: ServerHarness.webhookSecret)), ("X-Baton-Timestamp", "\(now + 1)")],
            [("X-Baton-Signature", WebhookSignature.genericSignature(body: body, timestamp: now, secret: ServerHarness.webhookSecret))],
        ]
        for headers in forgeries {
            let reply = try await server.request("POST", "/hooks/git", headers: headers, body: body)
            #expect(reply.status == 401, "\(headers)")
            #expect(reply.errorCode == "webhook-forged", "\(headers)")
        }
        #expect(server.handle.reconcileFacts.requests == requests)
        await server.stop()
    }

    @Test func replayedRequestsAre401AndStartNothing() async throws {
        let server = try await ServerHarness()
        let body = Self.push()

        // Signed correctly, ten minutes ago: a captured request sent again later.
        let old = Int64(Date().timeIntervalSince1970) - 600
        let late = try await server.request("POST", "/hooks/git", headers: [
            ("X-Baton-Signature", WebhookSignature.genericSignature(body: body, timestamp: old, secret: ServerHarness.webhookSecret)),
            ("X-Baton-Timestamp", "\(old)"),
        ], body: body)
        #expect(late.status == 401)
        #expect(late.errorCode == "webhook-replayed")

        // The same GitHub delivery twice: the first starts a pass, the second nothing.
        let headers = Self.github(body, delivery: "delivery-1")
        #expect(try await server.request("POST", "/hooks/git", headers: headers, body: body).status == 202)
        let requests = server.handle.reconcileFacts.requests
        let again = try await server.request("POST", "/hooks/git", headers: headers, body: body)
        #expect(again.status == 401)
        #expect(again.errorCode == "webhook-replayed")
        #expect(server.handle.reconcileFacts.requests == requests)
        await server.stop()
    }

    @Test func malformedPayloadsAre400() async throws {
        let server = try await ServerHarness()
        let requests = server.handle.reconcileFacts.requests
        for text in ["not json", #"{"before":"0000"}"#, #"{"ref":42}"#, "[]", ""] {
            let body = Array(text.utf8)
            let reply = try await server.request("POST", "/hooks/git", headers: Self.github(body), body: body)
            #expect(reply.status == 400, "\(text)")
            #expect(reply.errorCode == "bad-request", "\(text)")
        }
        #expect(server.handle.reconcileFacts.requests == requests)
        await server.stop()
    }

    @Test func bodiesOverOneMebibyteAre413() async throws {
        let server = try await ServerHarness()
        let requests = server.handle.reconcileFacts.requests
        var big = Array(#"{"ref":"refs/heads/main","padding":""#.utf8)
        big += Array(repeating: UInt8(ascii: "x"), count: (1 << 20) - big.count + 1)
        big += Array(#""}"#.utf8)
        let announced = try await server.request("POST", "/hooks/git", headers: Self.github(big), body: big)
        #expect(announced.status == 413)
        #expect(announced.errorCode == "body-too-large")
        let chunked = try await server.request("POST", "/hooks/git", headers: Self.github(big), body: big, chunked: true)
        #expect(chunked.status == 413)
        #expect(chunked.errorCode == "body-too-large")
        #expect(server.handle.reconcileFacts.requests == requests)

        // Just under the limit is fine (a valid push with padding).
        var fits = Array(#"{"ref":"refs/heads/main","padding":""#.utf8)
        fits += Array(repeating: UInt8(ascii: "x"), count: (1 << 20) - fits.count - 2)
        fits += Array(#""}"#.utf8)
        #expect(fits.count == 1 << 20)
        #expect(try await server.request("POST", "/hooks/git", headers: Self.github(fits), body: fits).status == 202)
        await server.stop()
    }

    @Test func withoutASecretTheReceiverIsOff() async throws {
        let server = try await ServerHarness(webhookSecret: false)
        let body = Self.push()
        let reply = try await server.request("POST", "/hooks/git", headers: Self.github(body), body: body)
        #expect(reply.status == 404)
        #expect(reply.errorCode == "webhook-not-configured")
        #expect(reply.errorMessage?.contains("secrets/webhook") == true)

        // Read at each request: a secret written now works at once.
        #expect(FileManager.default.createFile(atPath: "\(server.state)/secrets/webhook", contents: Data(ServerHarness.webhookSecret.utf8), attributes: [.posixPermissions: 0o600]))
        #expect(try await server.request("POST", "/hooks/git", headers: Self.github(body), body: body).status == 202)

        // A secret others can read is refused, not used.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: "\(server.state)/secrets/webhook")
        let loose = try await server.request("POST", "/hooks/git", headers: Self.github(body), body: body)
        #expect(loose.status == 503)
        #expect(loose.errorCode == "webhook-secret-unusable")
        await server.stop()
    }
}
