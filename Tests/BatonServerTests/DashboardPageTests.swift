import BatonOperations
import BatonServer
import BatonStore
import Crypto
import Foundation
import Testing

/// The dashboard's pages over real HTTP: what a bearer header reaches (the benchmark's way
/// in), the security headers on every answer, the stylesheet's caching, HTML error pages, and
/// text from commits and people escaped on the way out.
@Suite struct DashboardPageTests {
    @Test func aBearerHeaderReachesThePagesAndABadOneIsA401Page() async throws {
        try await withDashboard { harness in
            let client = harness.client()
            let page = try await client.get("/ui/pipelines", headers: [("Authorization", "Bearer \(ServerHarness.readToken)")])
            #expect(page.status == 200)
            #expect(page.header("Content-Type") == "text/html; charset=utf-8")
            #expect(page.header("Cache-Control") == "no-store")
            #expect(page.body.contains("data-pipeline=\"hello\""))
            #expect(page.body.contains("id=\"pipeline-counts\">1 active · 0 retired"))
            let bad = try await client.get("/ui/pipelines", headers: [("Authorization", "Bearer nope")])
            #expect(bad.status == 401)
            #expect(bad.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(bad.body.contains("data-status=\"401\""))
        }
    }

    @Test func everyAnswerCarriesTheSecurityHeaders() async throws {
        try await withDashboard { harness in
            let client = harness.client()
            let bearer = [("Authorization", "Bearer \(ServerHarness.readToken)")]
            let answers = [
                try await client.get("/ui/pipelines", headers: bearer),
                try await client.get("/ui/sign-in"),
                try await client.get("/ui/nowhere", headers: bearer),
                try await client.get("/ui/runs/424242", headers: bearer),
                try await client.get(DashboardRoutesPaths.stylesheet),
                try await client.get("/ui/pipelines"),
            ]
            for answer in answers {
                let policy = try #require(answer.header("Content-Security-Policy"))
                #expect(policy.contains("default-src 'self'"))
                #expect(policy.contains("frame-ancestors 'none'"))
                #expect(policy.contains("script-src 'sha256-"))
                #expect(!policy.contains("unsafe-inline"))
                #expect(answer.header("X-Content-Type-Options") == "nosniff")
                #expect(answer.header("Referrer-Policy") == "same-origin")
            }
            #expect(answers[2].status == 404)
            #expect(answers[2].body.contains("data-status=\"404\""))
            #expect(answers[3].status == 404)
            #expect(answers[3].header("Content-Type")?.hasPrefix("text/html") == true)
        }
    }

    /// A backfilled run says so where the pages show what started a run: the pipeline's
    /// runs table and the run's own page.
    @Test func backfilledRunsShowTheirTrigger() async throws {
        try await withDashboard { harness in
            let backfill = try await harness.operations.backfill(
                BackfillRequest(pipeline: "hello", from: .instant(Date(timeIntervalSince1970: 1_767_225_600)), to: .instant(Date(timeIntervalSince1970: 1_767_225_600 + 86_400))),
                by: .token("test"))
            let run = try #require(try await harness.store(backfill: backfill.id))
            _ = try await harness.finished(run)
            let bearer = [("Authorization", "Bearer \(ServerHarness.readToken)")]
            let pipeline = try await harness.client().get("/ui/pipelines/hello", headers: bearer)
            #expect(pipeline.status == 200)
            #expect(pipeline.body.contains(">backfill<"), "\(pipeline.body)")
            let page = try await harness.client().get("/ui/runs/\(run)", headers: bearer)
            #expect(page.body.contains(">backfill<"), "\(page.body)")
        }
    }

    @Test func theCSPAllowsExactlyTheLogScriptOfTheRunPage() async throws {
        let manifests = ["quick": ServerHarness.pipeline("quick", tasks: #"[{"id": "a", "run": "echo one"}]"#)]
        try await withDashboard(manifests) { harness in
            let run = try await harness.operations.trigger(TriggerRequest(pipeline: "quick"), by: .token("test")).run.id
            try await harness.finished(run)
            let page = try await harness.client().get("/ui/runs/\(run)", headers: [("Authorization", "Bearer \(ServerHarness.readToken)")])
            #expect(page.status == 200)
            let start = try #require(page.body.range(of: "<script>"))
            let end = try #require(page.body.range(of: "</script>", range: start.upperBound..<page.body.endIndex))
            let script = String(page.body[start.upperBound..<end.lowerBound])
            let hash = Data(SHA256.hash(data: Array(script.utf8))).base64EncodedString()
            #expect(page.header("Content-Security-Policy")?.contains("script-src 'sha256-\(hash)'") == true)
            #expect(!page.body.contains("style=\""))
            #expect(page.body.contains("<g class=\"dag-node"))
            #expect(page.body.contains("rect class=\"gantt-bar"))
            #expect(page.body.contains("one"))
        }
    }

    @Test func theStylesheetIsCachedForAYearUnderItsHash() async throws {
        try await withDashboard { harness in
            let client = harness.client()
            let page = try await client.get("/ui/sign-in")
            let link = try #require(page.body.range(of: "href=\"/ui/baton.css?v="))
            let href = String(page.body[page.body.index(link.lowerBound, offsetBy: 6)...].prefix { $0 != "\"" })
            let css = try await client.get(href)
            #expect(css.status == 200)
            #expect(css.header("Content-Type") == "text/css; charset=utf-8")
            #expect(css.header("Cache-Control") == "public, max-age=31536000, immutable")
            #expect(css.body.contains("--state-running"))
            let stale = try await client.get("/ui/baton.css?v=old")
            #expect(stale.header("Cache-Control") == "no-cache")
        }
    }

    @Test func theRootAndTheMountPointRedirectToPipelines() async throws {
        try await withDashboard { harness in
            let client = harness.client()
            for path in ["/", "/ui", "/ui/"] {
                let reply = try await client.get(path)
                #expect(reply.status == 303, "\(path)")
                #expect(reply.header("Location") == "/ui/pipelines", "\(path)")
            }
        }
    }

    @Test func textFromCommitsAndPeopleIsEscaped() async throws {
        let hostile = "<script>alert(\"x\")</script><img src=x onerror=alert(1)>"
        try await withDashboard { harness in
            // A commit whose subject is markup, and one that breaks a manifest (diagnostics).
            try harness.repository.write("manifests/hello.json", ServerHarness.manifest("hello", run: "echo changed"))
            try harness.repository.commit(hostile)
            _ = try await harness.handle.reconcileNow()
            let browser = harness.client()
            try await browser.signIn(ServerHarness.operateToken)
            let pipeline = try await browser.get("/ui/pipelines/hello")
            #expect(pipeline.status == 200)
            #expect(pipeline.body.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
            #expect(!pipeline.body.contains("<script>alert"))
            #expect(!pipeline.body.contains("<img src=x"))

            try harness.repository.write("manifests/broken.json", "{\"apiVersion\": \"baton/v1\", \"kind\": \"Pipeline\", \"name\": \"<b>x</b>\"}")
            try harness.repository.commit("broken \(hostile)")
            _ = try await harness.handle.reconcileNow()
            let commits = try await browser.get("/ui/commits")
            #expect(commits.status == 200)
            #expect(commits.body.contains("rejected"))
            #expect(commits.body.contains("class=\"diag"))
            #expect(!commits.body.contains("<script>alert"))
            #expect(!commits.body.contains("<b>x</b>"))

            let page = try await browser.get("/ui/pipelines/hello")
            let trigger = try await browser.post("/ui/pipelines/hello/suspend", form: [("csrf", page.csrf ?? ""), ("reason", hostile)])
            #expect(trigger.status == 303)
            let suspended = try await browser.get("/ui/pipelines")
            #expect(!suspended.body.contains("<script>alert"))
            #expect(suspended.body.contains("&lt;img src=x"))
        }
    }
}

/// Paths the tests ask for directly.
enum DashboardRoutesPaths {
    static let stylesheet = "/ui/baton.css"
}

extension ServerHarness {
    /// The first run a backfill made.
    func store(backfill id: Int64) async throws -> Int64? {
        try await handle.store.runs(RunQuery(trigger: .backfill, limit: 100)).first { $0.backfillID == id }?.id
    }
}
