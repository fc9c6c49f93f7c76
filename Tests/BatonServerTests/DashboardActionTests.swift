import BatonOperations
import BatonServer
import Foundation
import Testing

/// The dashboard's action forms against a real daemon: each changes state through the
/// operations in the session token's name, then redirects with a notice; a `read` session,
/// a missing or wrong CSRF token, or a bearer header without a session changes nothing.
@Suite struct DashboardActionTests {
    static let manifests = [
        "params": ServerHarness.pipeline(
            "params", tasks: #"[{"id": "show", "run": "echo region=$BATON_PARAM_REGION"}]"#,
            parameters: #"{"region": {"default": "us", "allowed": ["us", "eu"]}}"#),
        "slow": ServerHarness.pipeline("slow", tasks: #"[{"id": "wait", "run": "sleep 30"}]"#),
        "flaky": ServerHarness.pipeline("flaky", tasks: #"[{"id": "ok", "run": "true"}, {"id": "boom", "needs": ["ok"], "run": "exit 3"}]"#),
    ]

    @Test func triggerQueuesARunWithItsParametersInTheTokensName() async throws {
        try await withDashboard(Self.manifests) { harness in
            let browser = harness.client()
            try await browser.signIn(ServerHarness.operateToken)
            let page = try await browser.get("/ui/pipelines/params")
            #expect(page.body.contains("name=\"param.region\""))
            let reply = try await browser.post("/ui/pipelines/params/trigger", form: [("csrf", page.csrf ?? ""), ("param.region", "eu")])
            #expect(reply.status == 303)
            let location = try #require(reply.header("Location"))
            #expect(location.hasPrefix("/ui/runs/"))
            let id = try #require(Int64(location.dropFirst("/ui/runs/".count)))
            let run = try await harness.operations.run(id).run
            #expect(run.pipeline == "params")
            #expect(run.trigger == .manual)
            #expect(run.parameters["region"] == "eu")
            #expect(run.requestedBy == "operator")
            let audit = try await harness.operations.audit(AuditRequest(pipeline: "params"))
            #expect(audit.events.contains { $0.change == "trigger" && $0.actor == "operator" })

            // The notice shows once, on the page the redirect leads to.
            let runPage = try await browser.get(location)
            #expect(runPage.status == 200)
            #expect(runPage.body.contains("class=\"notice\" role=\"status\">Run #\(id) of params queued."))
            #expect(!(try await browser.get(location)).body.contains("class=\"notice\""))
            #expect(try await harness.finished(id) == "succeeded")
            let done = try await browser.get(location)
            #expect(done.body.contains("region=eu"))
        }
    }

    @Test func aParameterOutsideItsAllowedValuesIsAnErrorPage() async throws {
        try await withDashboard(Self.manifests) { harness in
            let browser = harness.client()
            try await browser.signIn(ServerHarness.operateToken)
            let page = try await browser.get("/ui/pipelines/params")
            let reply = try await browser.post("/ui/pipelines/params/trigger", form: [("csrf", page.csrf ?? ""), ("param.region", "<mars>")])
            #expect(reply.status == 400)
            #expect(reply.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(reply.body.contains("data-status=\"400\""))
            #expect(reply.body.contains("&lt;mars&gt;"))
            #expect(!reply.body.contains("<mars>"))
            #expect(try await harness.operations.runs(RunsRequest(pipeline: "params")).runs.isEmpty)
            // Unknown pipeline: 404 page.
            let missing = try await browser.post("/ui/pipelines/nope/trigger", form: [("csrf", page.csrf ?? "")])
            #expect(missing.status == 404)
        }
    }

    @Test func suspendAndResumeAreAuditedWithTheTokenName() async throws {
        try await withDashboard(Self.manifests) { harness in
            let browser = harness.client()
            try await browser.signIn(ServerHarness.operateToken)
            var page = try await browser.get("/ui/pipelines/hello")
            let reason = "<b>db migration</b>"
            var reply = try await browser.post("/ui/pipelines/hello/suspend", form: [("csrf", page.csrf ?? ""), ("reason", reason)])
            #expect(reply.status == 303)
            #expect(reply.header("Location") == "/ui/pipelines/hello")
            page = try await browser.get("/ui/pipelines/hello")
            #expect(page.body.contains("hello suspended"))
            #expect(page.body.contains("&lt;b&gt;db migration&lt;/b&gt;"))
            #expect(page.body.contains("/ui/pipelines/hello/resume"))
            var overview = try await harness.operations.pipeline("hello").pipeline
            #expect(overview.suspendedByOperator?.actor == "operator")
            #expect(overview.suspendedByOperator?.reason == reason)

            reply = try await browser.post("/ui/pipelines/hello/resume", form: [("csrf", page.csrf ?? "")])
            #expect(reply.status == 303)
            overview = try await harness.operations.pipeline("hello").pipeline
            #expect(overview.suspendedByOperator == nil)
            let audit = try await harness.operations.audit(AuditRequest(pipeline: "hello"))
            #expect(audit.events.contains { $0.change == "suspend" && $0.actor == "operator" && $0.message == reason })
            #expect(audit.events.contains { $0.change == "resume" && $0.actor == "operator" })
        }
    }

    @Test func cancelStopsARunningRunAndRetryQueuesANewOne() async throws {
        try await withDashboard(Self.manifests) { harness in
            let browser = harness.client()
            try await browser.signIn(ServerHarness.operateToken)
            let queued = try await harness.operations.trigger(TriggerRequest(pipeline: "slow"), by: .token("setup"))
            let id = queued.run.id
            try await eventually("the slow task to start") {
                try await harness.operations.run(id).run.attempts?.contains { $0.state == .running } == true
            }
            let page = try await browser.get("/ui/runs/\(id)")
            #expect(page.body.contains("/ui/runs/\(id)/cancel"))
            let reply = try await browser.post("/ui/runs/\(id)/cancel", form: [("csrf", page.csrf ?? "")])
            #expect(reply.status == 303)
            #expect(reply.header("Location") == "/ui/runs/\(id)")
            #expect(try await harness.finished(id) == "cancelled")
            #expect(try await harness.operations.run(id).run.reason?.contains("operator") == true)

            let ended = try await browser.get("/ui/runs/\(id)")
            #expect(ended.body.contains("/ui/runs/\(id)/retry"))
            let retried = try await browser.post("/ui/runs/\(id)/retry", form: [("csrf", ended.csrf ?? "")])
            #expect(retried.status == 303)
            let location = try #require(retried.header("Location"))
            let newID = try #require(Int64(location.dropFirst("/ui/runs/".count)))
            #expect(newID != id)
            let again = try await harness.operations.run(newID).run
            #expect(again.retryOf == id)
            #expect(again.requestedBy == "operator")
            _ = try await harness.operations.cancel(newID, by: .token("cleanup"))

            // Retrying a run that is not over: 409 page.
            let conflict = try await browser.post("/ui/runs/\(newID)/retry", form: [("csrf", ended.csrf ?? "")])
            #expect(conflict.status == 409 || conflict.status == 303)
        }
    }

    @Test func aReadSessionSeesNoFormsAndItsPostsAreForbidden() async throws {
        try await withDashboard(Self.manifests) { harness in
            let browser = harness.client()
            try await browser.signIn(ServerHarness.readToken)
            let page = try await browser.get("/ui/pipelines/params")
            #expect(page.status == 200)
            #expect(page.body.contains("reader"))
            #expect(!page.body.contains("/ui/pipelines/params/trigger"))
            #expect(!page.body.contains("/suspend"))
            let reply = try await browser.post("/ui/pipelines/params/trigger", form: [("csrf", page.csrf ?? "")])
            #expect(reply.status == 403)
            #expect(reply.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(reply.body.contains("needs operate"))
            #expect(try await harness.operations.runs(RunsRequest(pipeline: "params")).runs.isEmpty)
            let suspend = try await browser.post("/ui/pipelines/params/suspend", form: [("csrf", page.csrf ?? "")])
            #expect(suspend.status == 403)
            #expect(try await harness.operations.pipeline("params").pipeline.suspendedByOperator == nil)
        }
    }

    @Test func postsWithoutTheSessionsCSRFTokenChangeNothing() async throws {
        try await withDashboard(Self.manifests) { harness in
            let browser = harness.client()
            try await browser.signIn(ServerHarness.operateToken)
            let page = try await browser.get("/ui/pipelines/params")
            let csrf = try #require(page.csrf)

            // Missing, wrong, another session's.
            let other = harness.client()
            try await other.signIn(ServerHarness.operateToken)
            let otherCSRF = try #require(try await other.get("/ui/pipelines").csrf)
            #expect(otherCSRF != csrf)
            for form in [[(String, String)](), [("csrf", "")], [("csrf", csrf.dropLast() + "x")], [("csrf", otherCSRF)]] {
                let reply = try await browser.post("/ui/pipelines/params/trigger", form: form.map { ($0.0, String($0.1)) })
                #expect(reply.status == 403)
                #expect(reply.body.contains("CSRF"))
            }
            // A bearer header alone (no session) cannot use the forms: programs use the API.
            let bearer = try await harness.client().post("/ui/pipelines/params/trigger", form: [("csrf", csrf)],
                                                         headers: [("Authorization", "Bearer \(ServerHarness.operateToken)")])
            #expect(bearer.status == 403)
            // No session at all: 401 page.
            #expect(try await harness.client().post("/ui/pipelines/params/trigger", form: [("csrf", csrf)]).status == 401)
            #expect(try await harness.operations.runs(RunsRequest(pipeline: "params")).runs.isEmpty)
        }
    }
}
