import BatonDashboard
import BatonOperations
import Foundation
import Hummingbird

/// The dashboard, served by the daemon under `/ui`: the pages BatonDashboard renders, filled
/// from the operations library, the forms that act through it, the live log streams, and
/// sign-in by session cookie.
///
/// Pages need a signed-in session or an `Authorization: Bearer` header (a `read` role sees
/// everything; action forms show, and work, only for `operate`). Without either, a page
/// redirects to the sign-in form and comes back after. Every POST needs the session's CSRF
/// token. Errors are HTML pages; every answer carries the security headers
/// (`DashboardSecurityHeaders`). `GET /` redirects to the pipelines page.
public struct DashboardServerRoutes: BatonRoutes {
    public let routes: DashboardRoutes
    public let sessions: DashboardSessions
    /// Times without a zone of their own (runs, versions, commits) are shown in this one.
    public let timeZone: TimeZone
    /// How often a live log stream looks for new lines, and how long it stays silent before
    /// a keep-alive comment.
    public let logPollInterval: Duration
    public let logHeartbeat: Duration

    public init(routes: DashboardRoutes = DashboardRoutes(), sessions: DashboardSessions = DashboardSessions(),
                timeZone: TimeZone = TimeZone(identifier: "UTC")!, logPollInterval: Duration = .milliseconds(200),
                logHeartbeat: Duration = .seconds(15)) {
        self.routes = routes
        self.sessions = sessions
        self.timeZone = timeZone
        self.logPollInterval = logPollInterval
        self.logHeartbeat = logHeartbeat
    }

    public func register(on router: Router<BatonRequestContext>, environment: ServerEnvironment) {
        let site = DashboardSite(routes: routes, sessions: sessions, environment: environment, timeZone: timeZone)
        let routes = self.routes
        router.get("/") { _, _ in DashboardSite.redirect(to: routes.pipelines) }
        let ui = router.group(RouterPath(String(routes.prefix.drop { $0 == "/" }))).add(middleware: DashboardMiddleware(site: site))
        ui.get { _, _ in DashboardSite.redirect(to: routes.pipelines) }
        ui.get("baton.css") { request, _ in Self.stylesheet(request) }
        registerPages(ui, site: site)
        registerActions(ui, site: site)
        registerSignIn(ui, site: site)
        let (interval, heartbeat) = (logPollInterval, logHeartbeat)
        ui.get("runs/:id/tasks/:task/attempts/:attempt/log/stream") { request, context in
            try await Self.logStream(request, context, site: site, interval: interval, heartbeat: heartbeat)
        }
        ui.get("**") { _, _ -> Response in throw ServerError.notFound("no dashboard page at this address") }
        ui.post("**") { _, _ -> Response in throw ServerError.notFound("no dashboard form posts to this address") }
    }

    /// Cached for a year when the URL carries the current hash (pages always link that one),
    /// revalidated otherwise.
    static func stylesheet(_ request: Request) -> Response {
        let current = request.uri.queryParameters.get("v") == Dashboard.stylesheetHash
        return Response(status: .ok, headers: [
            .contentType: Dashboard.stylesheetContentType,
            .cacheControl: current ? "public, max-age=31536000, immutable" : "no-cache",
            .eTag: "\"\(Dashboard.stylesheetHash)\"",
        ], body: .init(byteBuffer: ByteBuffer(string: Dashboard.stylesheet)))
    }

    func registerPages(_ ui: RouterGroup<BatonRequestContext>, site: DashboardSite) {
        ui.get("pipelines") { request, context in
            try await site.page(request, context) { chrome in
                let list = try await site.operations.pipelines(PipelinesRequest(fireTimes: 1, recentRuns: 10))
                return Dashboard.pipelinesPage(DashboardModels.pipelines(list, chrome: chrome))
            }
        }
        ui.get("pipelines/:name") { request, context in
            try await site.page(request, context) { chrome in
                let name = try DashboardSite.decoded(context, "name")
                let detail = try await site.operations.pipeline(name, recentRuns: 0, auditLimit: 1)
                let cursor = request.uri.queryParameters.get("cursor")
                let runs = try await site.operations.runs(RunsRequest(pipeline: name, limit: 25, cursor: cursor))
                return Dashboard.pipelinePage(DashboardModels.pipeline(detail, runs: runs, chrome: chrome))
            }
        }
        ui.get("runs/:id") { request, context in
            try await site.page(request, context) { chrome in
                let detail = try await site.operations.run(try DashboardSite.runID(context))
                let logs = try await LogPanels.read(detail, operations: site.operations, routes: site.routes)
                return Dashboard.runPage(DashboardModels.run(detail, logs: logs, chrome: chrome))
            }
        }
        ui.get("commits") { request, context in
            try await site.page(request, context) { chrome in
                let status: StatusReport?
                do { status = try await site.operations.status() } catch let error as OperationError where error.code == .notReconciled { status = nil }
                return Dashboard.commitsPage(DashboardModels.commits(status, chrome: chrome))
            }
        }
    }

    /// Trigger, suspend, resume, cancel and retry: each an operation in the session's name
    /// (`.token(name)`: the audit log and the run say which token), then back to the page
    /// with a notice.
    func registerActions(_ ui: RouterGroup<BatonRequestContext>, site: DashboardSite) {
        let routes = self.routes
        ui.post("pipelines/:name/trigger") { request, context in
            try await site.action(request, context) { identity, form in
                let name = try DashboardSite.decoded(context, "name")
                let parameters = form.withPrefix(DashboardRoutes.parameterFieldPrefix)
                let queued = try await site.operations.trigger(TriggerRequest(pipeline: name, parameters: parameters), by: .token(identity.name))
                return (routes.run(queued.run.id), "Run #\(queued.run.id) of \(name) queued.")
            }
        }
        ui.post("pipelines/:name/suspend") { request, context in
            try await site.action(request, context) { identity, form in
                let name = try DashboardSite.decoded(context, "name")
                let reason = form["reason"].map { String($0.trimmingCharacters(in: .whitespacesAndNewlines).prefix(500)) }.flatMap { $0.isEmpty ? nil : $0 }
                let result = try await site.operations.suspend(name, reason: reason, by: .token(identity.name))
                return (routes.pipeline(name), result.changed ? "\(name) suspended: no scheduled runs until it is resumed." : "\(name) was already suspended by \(result.actor ?? "an operator").")
            }
        }
        ui.post("pipelines/:name/resume") { request, context in
            try await site.action(request, context) { identity, _ in
                let name = try DashboardSite.decoded(context, "name")
                let result = try await site.operations.resume(name, by: .token(identity.name))
                return (routes.pipeline(name), result.changed ? "\(name) resumed: scheduled runs fire from its next slot." : "\(name) was not suspended by an operator.")
            }
        }
        ui.post("runs/:id/cancel") { request, context in
            try await site.action(request, context) { identity, _ in
                let id = try DashboardSite.runID(context)
                let result = try await site.operations.cancel(id, by: .token(identity.name))
                let notice = switch result.outcome {
                case .cancelled: "Run #\(id) cancelled."
                case .requested: "Cancelling run #\(id): its running tasks were told to stop."
                case .alreadyEnded: "Run #\(id) had already ended (\(result.run.state.rawValue))."
                }
                return (routes.run(id), notice)
            }
        }
        ui.post("runs/:id/retry") { request, context in
            try await site.action(request, context) { identity, _ in
                let id = try DashboardSite.runID(context)
                let queued = try await site.operations.retry(id, by: .token(identity.name))
                return (routes.run(queued.run.id), "Run #\(queued.run.id) queued: it retries run #\(id), keeping the tasks that succeeded.")
            }
        }
    }

    /// The live log: for anyone who may read (an EventSource cannot follow a sign-in
    /// redirect, so no identity is a plain 401). `Last-Event-ID` (a reconnect) wins over
    /// `?offset=` (the page's first connection).
    static func logStream(_ request: Request, _ context: BatonRequestContext, site: DashboardSite, interval: Duration, heartbeat: Duration) async throws -> Response {
        guard site.caller(request, context).identity != nil else {
            throw ServerError(.unauthorized, .unauthorized, "sign in to follow logs")
        }
        let task = try DashboardSite.decoded(context, "task")
        guard let attempt = context.parameters.get("attempt", as: Int.self), attempt >= 0 else { throw ServerError.notFound("no such attempt") }
        let resume = request.headers[DashboardSecurityHeaders.lastEventID] ?? request.uri.queryParameters.get("offset").map { String($0) }
        var offset: UInt64 = 0
        if let resume, !resume.isEmpty {
            guard let value = UInt64(resume) else { throw ServerError.badRequest("the offset must be a byte offset (a whole number), not \"\(resume)\"") }
            offset = value
        }
        let stream = LogEventStream(operations: site.operations, run: try DashboardSite.runID(context), task: task, attempt: attempt,
                                    interval: interval, heartbeat: heartbeat)
        return stream.response(startingWith: try await stream.first(from: offset))
    }
}
