import BatonServer
import Foundation
import Hummingbird
import Testing

/// A route group like the API's: reads for `read`, writes for `operate`, answering with who
/// asked, so the tests see the identity a token became.
struct EchoRoutes: BatonRoutes {
    struct Who: Encodable {
        var name: String
        var role: String
    }

    func register(on router: Router<BatonRequestContext>, environment: ServerEnvironment) {
        let group = router.group("test/echo").add(middleware: RequireRole.byMethod)
        let answer: @Sendable (Request, BatonRequestContext) async throws -> Response = { _, context in
            JSONBody.response(Who(name: context.identity?.name ?? "", role: context.identity?.role.rawValue ?? ""))
        }
        group.get(use: answer)
        group.post(use: answer)
        router.get("test/boom") { _, _ -> Response in
            struct Boom: Error {}
            throw Boom()
        }
    }
}

/// Bearer tokens against a real daemon: 401 without or with a wrong token, 403 for a read
/// token on a write, and what each token may reach.
@Suite struct AuthTests {
    @Test func metricsNeedsAToken() async throws {
        let server = try await ServerHarness()
        let none = try await server.request("GET", "/metrics")
        #expect(none.status == 401)
        #expect(none.errorCode == "unauthorized")
        #expect(none.header("www-authenticate")?.hasPrefix("Bearer") == true)
        #expect(none.errorMessage?.contains("required") == true)

        let wrong = try await server.request("GET", "/metrics", token: "not-a-token")
        #expect(wrong.status == 401)
        #expect(wrong.errorMessage?.contains("not valid") == true)

        let basic = try await server.request("GET", "/metrics", headers: [("Authorization", "Basic dXNlcjpwYXNz")])
        #expect(basic.status == 401)

        #expect(try await server.request("GET", "/metrics", token: ServerHarness.readToken).status == 200)
        #expect(try await server.request("GET", "/metrics", token: ServerHarness.operateToken).status == 200)
        await server.stop()
    }

    @Test func aReadTokenReadsButCannotWrite() async throws {
        let server = try await ServerHarness(routes: [EchoRoutes()])
        let read = try await server.request("GET", "/test/echo", token: ServerHarness.readToken)
        #expect(read.status == 200)
        #expect(read.json["name"] as? String == "reader")
        #expect(read.json["role"] as? String == "read")

        let write = try await server.request("POST", "/test/echo", token: ServerHarness.readToken)
        #expect(write.status == 403)
        #expect(write.errorCode == "forbidden")
        #expect(write.errorMessage?.contains("\"reader\"") == true)

        let operate = try await server.request("POST", "/test/echo", token: ServerHarness.operateToken)
        #expect(operate.status == 200)
        #expect(operate.json["name"] as? String == "operator")

        let anonymous = try await server.request("POST", "/test/echo")
        #expect(anonymous.status == 401)
        await server.stop()
    }

    @Test func healthAndWebhooksNeedNoToken() async throws {
        let server = try await ServerHarness()
        // A wrong token on an open route changes nothing: the route does not ask for one.
        #expect(try await server.request("GET", "/healthz", token: "wrong").status == 200)
        #expect(try await server.request("GET", "/readyz").status == 200)
        // The webhook answers for itself (here: no signature), not with a bearer 401.
        let hook = try await server.request("POST", "/hooks/git", body: Array(#"{"ref":"refs/heads/main"}"#.utf8))
        #expect(hook.errorCode == "webhook-forged")
        await server.stop()
    }

    @Test func tokensAreNeverLogged() async throws {
        let server = try await ServerHarness(routes: [EchoRoutes()])
        _ = try await server.request("GET", "/metrics", token: ServerHarness.readToken)
        _ = try await server.request("POST", "/test/echo", token: ServerHarness.readToken)
        _ = try await server.request("GET", "/test/boom", token: ServerHarness.operateToken)
        _ = try await server.request("GET", "/metrics", token: "a-wrong-token-value")
        await server.stop()
        let lines = server.logs.all
        #expect(lines.contains { $0.contains("HTTP server listening") })
        for secret in [ServerHarness.readToken, ServerHarness.operateToken, "a-wrong-token-value"] {
            #expect(!lines.contains { $0.contains(secret) }, "\(secret) logged")
        }
    }

    @Test func anErrorInsideARouteIsA500WithTheOneShape() async throws {
        let server = try await ServerHarness(routes: [EchoRoutes()])
        let reply = try await server.request("GET", "/test/boom")
        #expect(reply.status == 500)
        #expect(reply.errorCode == "internal")
        await server.stop()
        #expect(server.logs.all.contains { $0.contains("request failed") && $0.contains("Boom") })
    }

    @Test func theAuthenticatorFindsTheEntryOfAToken() throws {
        let tokens = try TokenFile.parse("""
            a read \(ServerHarness.sha256("one"))
            b operate \(ServerHarness.sha256("two"))
            """, file: "t")
        let authenticator = TokenAuthenticator(tokens: tokens)
        #expect(authenticator.identity(forToken: "one") == Identity(name: "a", role: .read))
        #expect(authenticator.identity(forToken: "two") == Identity(name: "b", role: .operate))
        #expect(authenticator.identity(forToken: "three") == nil)
        #expect(authenticator.identity(forToken: "") == nil)
        #expect(TokenAuthenticator.bearerToken("Bearer abc") == "abc")
        #expect(TokenAuthenticator.bearerToken("bearer  abc ") == "abc")
        #expect(TokenAuthenticator.bearerToken("Basic abc") == nil)
        #expect(TokenAuthenticator.bearerToken("Bearer ") == nil)
    }

    @Test func operateImpliesRead() {
        #expect(Identity(name: "x", role: .operate).allows(.read))
        #expect(Identity(name: "x", role: .operate).allows(.operate))
        #expect(Identity(name: "x", role: .read).allows(.read))
        #expect(!Identity(name: "x", role: .read).allows(.operate))
    }
}
