import BatonDashboard
import Testing

@Suite struct RoutesAndStylesTests {
    @Test func routesEncodeNamesAsOneSegment() {
        let routes = DashboardRoutes()
        #expect(routes.pipeline("sales-etl") == "/ui/pipelines/sales-etl")
        #expect(routes.pipeline("a/b?c d#é") == "/ui/pipelines/a%2Fb%3Fc%20d%23%C3%A9")
        #expect(routes.trigger("p") == "/ui/pipelines/p/trigger")
        #expect(routes.suspend("p") == "/ui/pipelines/p/suspend")
        #expect(routes.resume("p") == "/ui/pipelines/p/resume")
        #expect(routes.cancel(7) == "/ui/runs/7/cancel")
        #expect(routes.retry(7) == "/ui/runs/7/retry")
        #expect(routes.logStream(run: 7, task: "load_1", attempt: 2) == "/ui/runs/7/tasks/load_1/attempts/2/log/stream")
        #expect(routes.logStream(run: 7, task: "t", attempt: 1, offset: 120) == "/ui/runs/7/tasks/t/attempts/1/log/stream?offset=120")
        #expect(DashboardRoutes(prefix: "/dash/").commits == "/dash/commits")
        #expect(routes.stylesheetPath == "/ui/baton.css")
        #expect(routes.stylesheet == "/ui/baton.css?v=\(Dashboard.stylesheetHash)")
    }

    @Test func stylesheetDefinesEveryStateColourInLightAndDark() {
        let css = Dashboard.stylesheet
        for state in DashboardState.allCases {
            #expect(css.components(separatedBy: "--state-\(state.rawValue):").count == 3, "\(state) light and dark")
            #expect(css.contains(".state-\(state.rawValue) {"))
        }
        #expect(css.contains("prefers-color-scheme: dark"))
        #expect(css.contains("max-width"))
        #expect(!css.contains("url("), "no external assets")
        #expect(Dashboard.stylesheetHash.count == 16)
        #expect(Dashboard.stylesheetHash == Dashboard.stylesheetHash)
    }

    @Test func statesReadTheStoresSpellings() {
        #expect(DashboardState("timedOut") == .timedOut)
        #expect(DashboardState("timed-out") == .timedOut)
        #expect(DashboardState("SUCCEEDED") == .succeeded)
        #expect(DashboardState("exploded") == .unknown)
        #expect(DashboardState.timedOut.label == "timed out")
        #expect(DashboardState.running.isActive && !DashboardState.failed.isActive)
    }

    @Test func runActionsFollowTheRunsState() {
        let chrome = Fixtures.chrome()
        func model(_ state: DashboardState) -> RunPageModel { RunPageModel(chrome: chrome, pipeline: "p", id: 1, state: state, trigger: "manual") }
        #expect(model(.queued).canCancel && model(.running).canCancel)
        #expect(!model(.failed).canCancel && !model(.succeeded).canCancel)
        #expect(model(.failed).canRetry && model(.timedOut).canRetry && model(.cancelled).canRetry)
        #expect(!model(.succeeded).canRetry && !model(.running).canRetry)
    }
}
