import BatonDashboard
import BatonOperations
import Foundation
import Hummingbird

extension ServerError.Code {
    /// A dashboard form posted without the CSRF token of its session (or the sign-in form's
    /// cookie), or with another one.
    public static let csrfRejected = ServerError.Code("csrf-rejected")
    /// A dashboard form whose body is not `application/x-www-form-urlencoded`.
    public static let unsupportedForm = ServerError.Code("unsupported-form")
}

/// What every dashboard handler shares: where the pages live, the sessions, the daemon's
/// operations, and the answers they all give (a page, a redirect, an error page).
struct DashboardSite: Sendable {
    let routes: DashboardRoutes
    let sessions: DashboardSessions
    let environment: ServerEnvironment
    /// The zone times are shown in where a schedule has none of its own.
    let timeZone: TimeZone

    var operations: Operations { environment.operations }

    /// Forms are small (a token, a reason, a few parameters); nothing bigger is read.
    static let maxFormBytes = 64 * 1024

    /// Who is asking: a bearer token's identity (the server's middleware put it on the
    /// context), or else the session the cookie names.
    struct Caller: Sendable {
        var identity: Identity?
        var session: DashboardSession?
    }

    func caller(_ request: Request, _ context: BatonRequestContext) -> Caller {
        if let identity = context.identity { return Caller(identity: identity, session: nil) }
        if context.credentialsPresented { return Caller() }
        guard let id = DashboardCookies.value(DashboardCookies.session, in: request), let session = sessions.session(id) else { return Caller() }
        return Caller(identity: session.identity, session: session)
    }

    func chrome(_ caller: Caller, notice: String? = nil) -> PageChrome {
        PageChrome(
            viewer: caller.identity.map { Viewer(name: $0.name, canOperate: $0.allows(.operate)) },
            csrfToken: caller.session?.csrfToken ?? "", routes: routes, timeZone: timeZone, now: environment.now(), notice: notice)
    }

    // MARK: Answers

    /// A page. `no-store`: it carries the session's CSRF token and live state.
    static func html(_ markup: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: Dashboard.htmlContentType, .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: markup)))
    }

    /// 303 See Other: after a POST the browser GETs the target, so a reload does not post again.
    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// To the sign-in form, coming back here afterwards.
    func signInRedirect(_ request: Request) -> Response {
        var target = request.uri.path
        if let query = request.uri.query, !query.isEmpty { target += "?" + query }
        guard SafeNext.path(target, prefix: routes.prefix) != nil, target != routes.signIn else { return Self.redirect(to: routes.signIn) }
        return Self.redirect(to: "\(routes.signIn)?next=\(Self.queryEncoded(target))")
    }

    /// A page for someone signed in (by session or bearer token); anyone else goes to the
    /// sign-in form, and an invalid bearer token gets 401.
    func page(_ request: Request, _ context: BatonRequestContext, render: (PageChrome) async throws -> String) async throws -> Response {
        let caller = caller(request, context)
        guard caller.identity != nil else {
            if context.credentialsPresented { throw ServerError.unauthorized("the bearer token is not valid") }
            return signInRedirect(request)
        }
        let notice = caller.session.flatMap { sessions.takeFlash(for: $0.id) }
        return Self.html(try await render(chrome(caller, notice: notice)))
    }

    /// A form post that acts: it needs a session (a browser's forms are the only way in
    /// here; programs use the API), the session's CSRF token, compared in constant time, and
    /// a role allowing `role`. `perform` answers where to go and what to say there.
    func action(_ request: Request, _ context: BatonRequestContext, needs role: Role = .operate,
                perform: (Identity, FormFields) async throws -> (location: String, notice: String)) async throws -> Response {
        let caller = caller(request, context)
        guard let session = caller.session else {
            if caller.identity != nil {
                throw ServerError.forbidden("the dashboard's forms need a signed-in session; programs use the API under /api/v1")
            }
            throw ServerError(.unauthorized, .unauthorized, "sign in first: the session has ended or was never started")
        }
        let form = try await Self.form(request)
        try Self.checkCSRF(form[DashboardRoutes.csrfField], expected: session.csrfToken)
        guard session.identity.allows(role) else {
            throw ServerError.forbidden("\(session.identity.name) has the role \(session.identity.role.rawValue); this needs \(role.rawValue)")
        }
        let outcome = try await perform(session.identity, form)
        sessions.setFlash(outcome.notice, for: session.id)
        return Self.redirect(to: outcome.location)
    }

    static func checkCSRF(_ sent: String?, expected: String) throws(ServerError) {
        guard let sent, !expected.isEmpty, ConstantTime.equal(Array(sent.utf8), Array(expected.utf8)) else {
            throw ServerError(.forbidden, .csrfRejected, "the form's CSRF token is missing or does not match this session: reload the page and try again")
        }
    }

    /// The posted form, refusing anything but URL-encoded bodies up to `maxFormBytes`.
    static func form(_ request: Request) async throws -> FormFields {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/x-www-form-urlencoded" else {
            throw ServerError(.unsupportedMediaType, .unsupportedForm, "post the form as application/x-www-form-urlencoded")
        }
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: maxFormBytes) } catch {
            throw ServerError.bodyTooLarge(limit: maxFormBytes)
        }
        guard let form = FormFields(buffer.readableBytesView) else { throw ServerError.badRequest("the form is not valid URL encoding") }
        return form
    }

    /// The error as a page with the header, so the way back is one click; a 5xx's details
    /// go to the log, not the page.
    func errorResponse(_ error: any Error, request: Request, context: BatonRequestContext) -> Response {
        let status: HTTPResponse.Status
        let message: String
        switch error {
        case let error as ServerError:
            status = error.status
            message = error.message
        case let error as OperationError:
            status = HTTPResponse.Status(code: error.httpStatus)
            message = error.message
        case let error as HTTPError:
            status = error.status
            message = error.body ?? error.status.reasonPhrase
        case let error as any HTTPResponseError:
            status = error.status
            message = error.status.reasonPhrase
        default:
            status = .internalServerError
            message = "the server failed to answer; its log says why"
        }
        if status.code >= 500 {
            context.logger.error("dashboard request failed", metadata: [
                "method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(String(reflecting: error))",
            ])
        }
        let page = Dashboard.errorPage(ErrorPageModel(chrome: chrome(caller(request, context)), status: Int(status.code), message: message))
        return Self.html(page, status: status)
    }

    /// A path parameter as the name it encodes (`DashboardRoutes` percent-encodes names).
    static func decoded(_ context: BatonRequestContext, _ name: String) throws(ServerError) -> String {
        guard let raw = context.parameters.get(name), let value = raw.removingPercentEncoding, !value.isEmpty else {
            throw ServerError.badRequest("the \(name) in the path is not valid")
        }
        return value
    }

    static func runID(_ context: BatonRequestContext) throws(ServerError) -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self), id > 0 else { throw ServerError.notFound("no such run") }
        return id
    }

    /// Everything outside RFC 3986's unreserved set and `/` percent-encoded, for a query value.
    static func queryEncoded(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
