import BatonDashboard
import BatonManifest
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@Suite struct PageTests {
    @Test(arguments: ["pipelines", "pipeline", "pipeline-suspended", "run", "run-failed", "commits", "sign-in", "error"])
    func hostileTextComesOutInert(page name: String) throws {
        // A task id and a pipeline name are validated upstream; a page must not rely on it.
        let pages = Fixtures.allPages(Fixtures.chrome(Viewer(name: Fixtures.hostile, canOperate: true)), name: Fixtures.hostile, text: Fixtures.hostile)
        let page = pages.first { $0.0 == name }!.1
        // It parses, so no hostile `<` opened an element or `"` closed an attribute...
        let markup = try Markup(page)
        // ...no element came from the input (the only script is the log tail's own)...
        #expect(try markup.count("//img") == 0)
        for script in try markup.nodes("//script") {
            #expect(script.stringValue?.contains("alert") == false)
        }
        #expect(!page.contains("<script>alert"))
        #expect(!page.contains("<img"))
        // ...and the text is still there, as text, for people to read.
        #expect(markup.text.contains(Fixtures.hostile))
        // Attribute values round-trip too: the csrf token holds `"<&>`.
        for field in try markup.nodes("//input[@name='csrf']") {
            #expect(field.value("value") == Fixtures.csrf)
        }
    }

    @Test(arguments: ["pipelines", "pipeline", "pipeline-suspended", "run", "run-failed", "commits", "sign-in", "error"])
    func everyFormPostsTheCSRFToken(page name: String) throws {
        let page = Fixtures.allPages(Fixtures.chrome(Fixtures.operatorViewer), name: "sales-etl", text: "t").first { $0.0 == name }!.1
        let markup = try Markup(page)
        let forms = try markup.nodes("//form")
        #expect(!forms.isEmpty, "the sign-out form at least")
        for form in forms {
            #expect(form.value("method") == "post")
            let tokens = try form.nodes(forXPath: "./input[@type='hidden'][@name='csrf']").compactMap { $0 as? XMLElement }
            #expect(tokens.count == 1, "\(form.value("action") ?? "?") carries one csrf field")
            #expect(tokens.first?.value("value") == Fixtures.csrf)
        }
    }

    @Test func actionFormsAppearOnlyForOperators() throws {
        let routes = DashboardRoutes()
        func actions(_ viewer: Viewer?, _ page: (PageChrome) -> String) throws -> Set<String> {
            let forms = try Markup(page(Fixtures.chrome(viewer))).nodes("//form")
            return Set(forms.compactMap { $0.value("action") }).subtracting([routes.signOut, routes.signIn])
        }
        let pipeline = { (chrome: PageChrome) in Dashboard.pipelinePage(Fixtures.pipeline(chrome)) }
        let suspended = { (chrome: PageChrome) in Dashboard.pipelinePage(Fixtures.pipeline(chrome, suspended: true)) }
        let running = { (chrome: PageChrome) in Dashboard.runPage(Fixtures.run(chrome, state: .running)) }
        let failed = { (chrome: PageChrome) in Dashboard.runPage(Fixtures.run(chrome, state: .failed)) }
        let succeeded = { (chrome: PageChrome) in Dashboard.runPage(Fixtures.run(chrome, state: .succeeded)) }

        #expect(try actions(Fixtures.operatorViewer, pipeline) == [routes.trigger("sales-etl"), routes.suspend("sales-etl")])
        #expect(try actions(Fixtures.operatorViewer, suspended) == [routes.trigger("sales-etl"), routes.resume("sales-etl")])
        #expect(try actions(Fixtures.operatorViewer, running) == [routes.cancel(42)])
        #expect(try actions(Fixtures.operatorViewer, failed) == [routes.retry(42)])
        #expect(try actions(Fixtures.operatorViewer, succeeded) == [])
        for page in [pipeline, suspended, running, failed] {
            #expect(try actions(Fixtures.reader, page) == [])
            #expect(try actions(nil, page) == [])
        }
        // A retired pipeline takes no action, even from an operator.
        var retired = Fixtures.pipeline(Fixtures.chrome(Fixtures.operatorViewer))
        retired.isRetired = true
        #expect(try Markup(Dashboard.pipelinePage(retired)).count("//form[@action='\(routes.trigger("sales-etl"))']") == 0)
    }

    @Test func triggerFormHasAnInputPerDeclaredParameter() throws {
        let markup = try Markup(Dashboard.pipelinePage(Fixtures.pipeline(Fixtures.chrome(Fixtures.operatorViewer), text: "x")))
        let form = try markup.nodes("//form[@action='/ui/pipelines/sales-etl/trigger']").first!
        let region = try form.nodes(forXPath: ".//select[@name='param.region']/option").compactMap { $0 as? XMLElement }
        #expect(region.map { $0.stringValue ?? "" } == ["us", "x"])
        #expect(region.first?.value("selected") != nil)
        let day = try form.nodes(forXPath: ".//input[@name='param.day']").first as? XMLElement
        #expect(day?.value("value") == "x")
        #expect(day?.value("required") == nil)
        let must = try form.nodes(forXPath: ".//input[@name='param.must']").first as? XMLElement
        #expect(must?.value("required") != nil, "a required parameter without default must be filled")
    }

    @Test func headerShowsIdentityOrASignInLink() throws {
        let signedIn = try Markup(Dashboard.pipelinesPage(Fixtures.pipelines(Fixtures.chrome(Fixtures.reader))))
        #expect(try signedIn.nodes("//header//form").first?.value("action") == "/ui/sign-out")
        #expect(try signedIn.nodes("//header").first?.stringValue?.contains("reader") == true)
        #expect(try signedIn.nodes("//header//a[@aria-current='page']").first?.stringValue == "Pipelines")
        let anonymous = try Markup(Dashboard.commitsPage(Fixtures.commits(Fixtures.chrome(nil))))
        #expect(try anonymous.count("//header//form") == 0)
        #expect(try anonymous.nodes("//header//a[@href='/ui/sign-in']").count == 1)
        #expect(try anonymous.nodes("//header//a[@aria-current='page']").first?.stringValue == "Commits")
        // The stylesheet link carries the content hash.
        #expect(try anonymous.nodes("//link[@rel='stylesheet']").first?.value("href") == "/ui/baton.css?v=\(Dashboard.stylesheetHash)")
    }

    @Test func pipelinesPageShowsGridCountsAndSuspension() throws {
        let markup = try Markup(Dashboard.pipelinesPage(Fixtures.pipelines(Fixtures.chrome(), text: "maintenance")))
        #expect(try markup.nodes("//*[@id='pipeline-counts']").first?.stringValue == "1 active · 1 retired")
        let squares = try markup.nodes("//div[@class='grid']/a")
        #expect(squares.map { $0.value("href") ?? "" } == ["/ui/runs/1", "/ui/runs/2", "/ui/runs/3"])
        #expect(squares.map { $0.value("data-state") ?? "" } == ["succeeded", "failed", "running"])
        // Not colour alone: the tooltip names state, trigger and slot (in the pipeline's zone).
        #expect(squares[0].value("title") == "run 1: succeeded, schedule, slot 2026-03-08 01:00:00 -03:00")
        #expect(squares[1].value("title") == "run 2: failed, maintenance, queued 2026-03-08 01:00:00 -03:00")
        // Next fire in the pipeline's zone, with its offset.
        #expect(markup.text.contains("2026-03-08 02:00:00 -03:00"))
        #expect(markup.text.contains("America/Sao_Paulo"))
        #expect(markup.text.contains("suspended by maintenance"))
        #expect(try markup.nodes("//a[@data-pipeline='sales-etl']").first?.value("href") == "/ui/pipelines/sales-etl")
    }

    @Test func pipelinePageListsVersionsAndRuns() throws {
        let markup = try Markup(Dashboard.pipelinePage(Fixtures.pipeline(Fixtures.chrome(), text: "Ana")))
        let version = try markup.nodes("//table[caption='Versions']/tbody/tr/td").map { $0.stringValue ?? "" }
        #expect(version == ["v2", "3f2a9c1e0b7d", "Ana", "Ana", "Ana", "2026-03-08 04:00:00 +00:00", "Ana"])
        let run = try markup.nodes("//table[caption='Runs']/tbody/tr/td").map { $0.stringValue ?? "" }
        #expect(run == ["#7", "running", "Ana", "2026-03-08 01:00:00 -03:00", "2026-03-08 04:00:00 +00:00", "10m 00s so far"])
        #expect(try markup.count("//ol[@class='fires']/li") == 2)
        #expect(try markup.nodes("//a[@rel='next']").first?.value("href") == "/ui/pipelines/x?cursor=Ana")
    }

    @Test func runPageDrawsOneDAGNodePerTaskAndOneEdgePerDependency() throws {
        var model = Fixtures.run(Fixtures.chrome())
        model.tasks = [
            TaskNode(id: "extract", state: .succeeded), TaskNode(id: "clean", needs: ["extract"], state: .failed),
            TaskNode(id: "load", needs: ["extract", "clean"], state: .skipped), TaskNode(id: "notify", needs: ["load"], state: .pending),
        ]
        let markup = try Markup(Dashboard.runPage(model))
        let nodes = try markup.nodes("//svg[@id='dag']/g[contains(@class,'dag-node')]")
        #expect(nodes.map { $0.value("data-task") ?? "" }.sorted() == ["clean", "extract", "load", "notify"])
        #expect(nodes.first { $0.value("data-task") == "clean" }?.value("class")?.contains("state-failed") == true)
        #expect(nodes.first { $0.value("data-task") == "clean" }?.stringValue?.contains("failed") == true, "state in words too")
        let edges = try markup.nodes("//svg[@id='dag']/path[@class='dag-edge']").map { "\($0.value("data-from")!)>\($0.value("data-to")!)" }
        #expect(edges.sorted() == ["clean>load", "extract>clean", "extract>load", "load>notify"])
        #expect(try markup.count("//svg[@id='dag']") == 1)
        // The legend names the states present.
        let legend = try markup.nodes("//ul[@class='legend']").first.map { $0.stringValue ?? "" } ?? ""
        for word in ["succeeded", "failed", "skipped", "pending"] { #expect(legend.contains(word)) }
        // Scales with its box: the drawn size is only an intrinsic size the stylesheet
        // shrinks, and there is no inline style (the server's CSP allows none).
        let svg = try markup.nodes("//svg[@id='dag']").first!
        let viewBox = try #require(svg.value("viewBox"))
        #expect(viewBox.hasPrefix("0 0 "))
        #expect(svg.value("width") == viewBox.split(separator: " ")[2].description)
        #expect(svg.value("style") == nil)
    }

    @Test func commitsPageShowsEveryDiagnostic() throws {
        let markup = try Markup(Dashboard.commitsPage(Fixtures.commits(Fixtures.chrome(), text: "bad")))
        let diagnostics = try markup.nodes("//ul[@class='diagnostics']/li")
        #expect(diagnostics.count == 2)
        let first = diagnostics[0].stringValue ?? ""
        for part in ["manifests/bad.json:7:13", "error", "bad", "[invalid-cron]", "/schedule/cron"] {
            #expect(first.contains(part), "\(part) in \(first)")
        }
        #expect(diagnostics[1].value("class") == "diag warning")
        #expect(try markup.nodes("//*[@id='source']").first?.stringValue?.contains("git://example/bad") == true)
        #expect(try markup.count("//*[@id='source']//a") == 0, "the source URL is text, not a link")
        #expect(try markup.nodes("//*[@id='daemon']").first?.stringValue?.contains("running") == true)
        #expect(try markup.nodes("//*[@id='live-commit']//code").first?.value("title") == "b71e0021234567890")
    }

    @Test func theLiveCommitNamesItsSignerOnlyWhenVerified() throws {
        var model = Fixtures.commits(Fixtures.chrome())
        #expect(try Markup(Dashboard.commitsPage(model)).nodes("//*[@id='live-commit']//dt").map(\.stringValue) == ["Commit", "Subject", "Author", "Time"])
        model.live?.signer = "ana@example.com (ssh ED25519 SHA256:<x>)"
        let markup = try Markup(Dashboard.commitsPage(model))
        #expect(try markup.nodes("//*[@id='live-commit']//dt").last?.stringValue == "Signed by")
        #expect(try markup.nodes("//*[@id='live-commit']//dd").last?.stringValue == "ana@example.com (ssh ED25519 SHA256:<x>)", "escaped, shown as text")
    }

    @Test func commitsPageWithNothingYet() throws {
        let model = CommitsPageModel(chrome: Fixtures.chrome(), daemon: DaemonInfo(isRunning: false))
        let markup = try Markup(Dashboard.commitsPage(model))
        #expect(markup.text.contains("Nothing applied yet."))
        #expect(markup.text.contains("not running"))
    }

    @Test func signInPageHasTokenFieldErrorSlotAndAction() throws {
        let chrome = PageChrome(viewer: nil, csrfToken: "abc", routes: DashboardRoutes(prefix: "/dash/"), now: Fixtures.epoch)
        let first = try Markup(Dashboard.signInPage(SignInPageModel(chrome: chrome)))
        let form = try first.nodes("//main//form").first!
        #expect(form.value("action") == "/dash/sign-in")
        #expect(try form.nodes(forXPath: ".//input[@name='token'][@type='password']").count == 1)
        #expect(try first.nodes("//*[@id='sign-in-error']").first?.stringValue == "")
        let again = try Markup(Dashboard.signInPage(SignInPageModel(chrome: chrome, action: "/elsewhere", error: "That token is not valid.", next: "/dash/runs/4")))
        #expect(try again.nodes("//main//form").first?.value("action") == "/elsewhere")
        #expect(try again.nodes("//*[@id='sign-in-error']").first?.stringValue == "That token is not valid.")
        #expect(try again.nodes("//input[@name='next']").first?.value("value") == "/dash/runs/4")
    }

    @Test func errorPageSaysStatusAndMessage() throws {
        let markup = try Markup(Dashboard.errorPage(ErrorPageModel(chrome: Fixtures.chrome(), status: 404, message: "No run 9.")))
        #expect(try markup.nodes("//h1").first?.stringValue == "404 · Not found")
        #expect(markup.text.contains("No run 9."))
        #expect(ErrorPageModel(chrome: Fixtures.chrome(), status: 503, message: "").title == "Unavailable")
        #expect(ErrorPageModel(chrome: Fixtures.chrome(), status: 500, message: "").title == "Something went wrong")
    }

    @Test func noticeIsShownOnce() throws {
        let markup = try Markup(Dashboard.pipelinesPage(Fixtures.pipelines(Fixtures.chrome(notice: "Run 42 queued"))))
        #expect(try markup.nodes("//p[@class='notice']").map { $0.stringValue ?? "" } == ["Run 42 queued"])
    }
}
