@testable import BatonServer
import Foundation
import Testing

/// Signing in and out of the dashboard over real HTTP: the session cookie and its attributes,
/// the CSRF checks (double submit before sign-in, the session's token after), where sign-in
/// sends people, and that the token itself goes nowhere but the tokens file check.
@Suite struct DashboardSessionTests {
    @Test func aPageWithoutASessionRedirectsToSignInAndBack() async throws {
        try await withDashboard() { harness in
            let browser = harness.client()

            let page = try await browser.get("/ui/pipelines/hello?cursor=x")
            #expect(page.status == 303)
            #expect(page.header("Location") == "/ui/sign-in?next=/ui/pipelines/hello%3Fcursor%3Dx")

            let form = try await browser.get("/ui/sign-in?next=%2Fui%2Fpipelines%2Fhello")
            #expect(form.status == 200)
            #expect(form.body.contains("name=\"next\" value=\"/ui/pipelines/hello\""))
            let csrfCookie = try #require(browser.lastSetCookies.first { $0.hasPrefix("baton_csrf=") })
            #expect(csrfCookie.contains("HttpOnly") && csrfCookie.contains("SameSite=Strict"))
            #expect(csrfCookie.contains("baton_csrf=\(form.csrf ?? "-")"))

            let signedIn = try await browser.post("/ui/sign-in", form: [("csrf", form.csrf ?? ""), ("token", ServerHarness.operateToken), ("next", "/ui/pipelines/hello")])
            #expect(signedIn.status == 303)
            #expect(signedIn.header("Location") == "/ui/pipelines/hello")
            let cookie = try #require(browser.lastSetCookies.first { $0.hasPrefix("baton_session=") })
            #expect(cookie.contains("; HttpOnly"))
            #expect(cookie.contains("; SameSite=Strict"))
            #expect(cookie.contains("; Path=/"))
            // Plain HTTP on loopback: a Secure cookie would never come back.
            #expect(!cookie.contains("Secure"))
            let id = try #require(browser.cookies["baton_session"])
            #expect(id.count == 43)  // 256 bits, base64url
            #expect(!cookie.contains(ServerHarness.operateToken))
            #expect(browser.cookies["baton_csrf"] == nil)

            let after = try await browser.get("/ui/pipelines/hello")
            #expect(after.status == 200)
            #expect(after.body.contains("operator"))
            #expect(after.body.contains("Trigger run"))
            #expect(!harness.logs.all.contains { $0.contains(ServerHarness.operateToken) })
            #expect(harness.logs.all.contains { $0.contains("dashboard sign-in") && $0.contains("token=operator") })
        }
    }

    @Test func aWrongTokenShowsTheFormAgainWithAnError() async throws {
        try await withDashboard() { harness in
            let browser = harness.client()
            let reply = try await browser.signIn("not-a-token")
            #expect(reply.status == 401)
            #expect(reply.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(reply.body.contains("id=\"sign-in-error\" role=\"alert\">That token is not valid."))
            #expect(browser.cookies["baton_session"] == nil)
            #expect(try await browser.get("/ui/pipelines").status == 303)
            #expect(!harness.logs.all.contains { $0.contains("not-a-token") })
        }
    }

    @Test func signInWithoutTheCSRFCookieOrFieldIsRefused() async throws {
        try await withDashboard() { harness in
            let browser = harness.client()
            let form = try await browser.get("/ui/sign-in")
            let csrf = try #require(form.csrf)

            // Field missing.
            var reply = try await browser.post("/ui/sign-in", form: [("token", ServerHarness.operateToken)])
            #expect(reply.status == 403)
            #expect(reply.body.contains("CSRF"))
            // Field wrong.
            reply = try await browser.post("/ui/sign-in", form: [("csrf", csrf + "x"), ("token", ServerHarness.operateToken)])
            #expect(reply.status == 403)
            // Cookie missing (another site's page posting the field it cannot read).
            browser.setCookie("baton_csrf", nil)
            reply = try await browser.post("/ui/sign-in", form: [("csrf", csrf), ("token", ServerHarness.operateToken)])
            #expect(reply.status == 403)
            #expect(browser.cookies["baton_session"] == nil)
            // Not a form at all.
            reply = try await browser.send("POST", "/ui/sign-in", headers: [("Content-Type", "application/json")], body: Array("{}".utf8))
            #expect(reply.status == 415)
        }
    }

    @Test func signInOnlyRedirectsWithinTheDashboard() async throws {
        try await withDashboard() { harness in
            for hostile in ["https://evil.example/", "//evil.example/ui/", "/\\evil.example", "/ui/../x\u{0009}", "javascript:alert(1)", "/api/v1/runs"] {
                let browser = harness.client()
                let form = try await browser.get("/ui/sign-in")
                let reply = try await browser.post("/ui/sign-in", form: [("csrf", form.csrf ?? ""), ("token", ServerHarness.readToken), ("next", hostile)])
                #expect(reply.status == 303)
                #expect(reply.header("Location") == "/ui/pipelines", "next=\(hostile)")
            }
        }
    }

    @Test func signOutEndsTheSessionEverywhere() async throws {
        try await withDashboard() { harness in
            let browser = harness.client()
            try await browser.signIn(ServerHarness.readToken)
            let page = try await browser.get("/ui/pipelines")
            #expect(page.status == 200)
            let id = try #require(browser.cookies["baton_session"])

            // Without the session's CSRF token, sign-out is refused (a forged sign-out).
            #expect(try await browser.post("/ui/sign-out", form: []).status == 403)
            #expect(try await browser.get("/ui/pipelines").status == 200)

            let out = try await browser.post("/ui/sign-out", form: [("csrf", page.csrf ?? "")])
            #expect(out.status == 303)
            #expect(out.header("Location") == "/ui/sign-in")
            #expect(browser.lastSetCookies.contains { $0.hasPrefix("baton_session=;") && $0.contains("Max-Age=0") })
            // The old id is dead on the server, not only forgotten by this browser.
            let replay = harness.client()
            replay.setCookie("baton_session", id)
            #expect(try await replay.get("/ui/pipelines").status == 303)
        }
    }

    @Test func anUnknownOrForgedSessionCookieIsNoSession() async throws {
        try await withDashboard() { harness in
            let browser = harness.client()
            for forged in [String(repeating: "A", count: 43), "x;y", String(repeating: "a", count: 500)] {
                browser.setCookie("baton_session", forged)
                let status = try await browser.get("/ui/pipelines").status
                #expect(status == 303)
            }
        }
    }

    @Test func sessionsExpireAndStayBounded() throws {
        let clock = ManualDate(Date(timeIntervalSince1970: 1_000))
        let sessions = DashboardSessions(lifetime: 60, capacity: 3, now: { clock.now })
        let ana = Identity(name: "ana", role: .operate)
        let first = sessions.create(for: ana)
        #expect(sessions.session(first.id)?.identity == ana)
        #expect(first.id != first.csrfToken)
        clock.advance(59)
        #expect(sessions.session(first.id) != nil)
        clock.advance(1)
        #expect(sessions.session(first.id) == nil)

        let ids = (0..<5).map { _ in
            clock.advance(1)
            return sessions.create(for: ana).id
        }
        #expect(Set(ids).count == 5)
        #expect(sessions.count <= 3)
        #expect(sessions.session(ids[4]) != nil)
        #expect(sessions.session(ids[0]) == nil)

        sessions.setFlash("done", for: ids[4])
        #expect(sessions.takeFlash(for: ids[4]) == "done")
        #expect(sessions.takeFlash(for: ids[4]) == nil)
    }
}

/// A clock a test moves by hand.
final class ManualDate: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Date
    init(_ start: Date) { value = start }
    var now: Date { lock.withLock { value } }
    func advance(_ seconds: TimeInterval) { lock.withLock { value += seconds } }
}
