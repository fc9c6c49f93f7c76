import BatonDashboard
import Foundation
import Hummingbird

extension DashboardServerRoutes {
    /// Sign-in and sign-out.
    ///
    /// The form takes an API token from the tokens file; a valid one starts a session: a new
    /// random id in the `baton_session` cookie, mapped in memory to the token's identity (the
    /// token is neither stored, nor put in a cookie, nor logged). Before a session exists the
    /// form is protected by double submit: `GET` sets a random `baton_csrf` cookie and puts
    /// the same value in the form, and `POST` must bring both, equal.
    func registerSignIn(_ ui: RouterGroup<BatonRequestContext>, site: DashboardSite) {
        let routes = self.routes
        ui.get("sign-in") { request, context in
            let next = SafeNext.path(request.uri.queryParameters.get("next").map { String($0) }, prefix: routes.prefix)
            return Self.signInForm(request, context, site: site, next: next, error: nil, status: .ok)
        }
        ui.post("sign-in") { request, context in
            let form = try await DashboardSite.form(request)
            try DashboardSite.checkCSRF(form[DashboardRoutes.csrfField], expected: DashboardCookies.value(DashboardCookies.signInCSRF, in: request) ?? "")
            let next = SafeNext.path(form["next"], prefix: routes.prefix)
            guard let token = form["token"]?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty,
                  let identity = site.environment.authenticator.identity(forToken: token) else {
                site.environment.logger.notice("dashboard sign-in refused: the token matches no entry of the tokens file")
                return Self.signInForm(request, context, site: site, next: next, error: "That token is not valid.", status: .unauthorized)
            }
            // A session id is never reused: one planted before sign-in is simply replaced.
            if let old = DashboardCookies.value(DashboardCookies.session, in: request) { site.sessions.remove(old) }
            let session = site.sessions.create(for: identity)
            site.environment.logger.info("dashboard sign-in", metadata: ["token": "\(identity.name)", "role": "\(identity.role.rawValue)"])
            let secure = DashboardCookies.isSecure(request)
            var response = DashboardSite.redirect(to: next ?? routes.pipelines)
            response.headers[values: .setCookie].append(DashboardCookies.set(DashboardCookies.session, session.id, path: "/", secure: secure))
            response.headers[values: .setCookie].append(DashboardCookies.clear(DashboardCookies.signInCSRF, path: routes.prefix, secure: secure))
            return response
        }
        ui.post("sign-out") { request, context in
            let secure = DashboardCookies.isSecure(request)
            var response = DashboardSite.redirect(to: routes.signIn)
            if let id = DashboardCookies.value(DashboardCookies.session, in: request), let session = site.sessions.session(id) {
                let form = try await DashboardSite.form(request)
                try DashboardSite.checkCSRF(form[DashboardRoutes.csrfField], expected: session.csrfToken)
                site.sessions.remove(id)
                site.environment.logger.info("dashboard sign-out", metadata: ["token": "\(session.identity.name)"])
            }
            response.headers[values: .setCookie].append(DashboardCookies.clear(DashboardCookies.session, path: "/", secure: secure))
            return response
        }
    }

    /// The form, with the pre-session CSRF cookie (kept when the browser already has one, so
    /// two open tabs both work).
    static func signInForm(_ request: Request, _ context: BatonRequestContext, site: DashboardSite, next: String?, error: String?,
                           status: HTTPResponse.Status) -> Response {
        let existing = DashboardCookies.value(DashboardCookies.signInCSRF, in: request)
        let token = existing ?? RandomToken.make()
        var chrome = site.chrome(site.caller(request, context))
        chrome.csrfToken = token
        let page = Dashboard.signInPage(SignInPageModel(chrome: chrome, error: error, next: next))
        var response = DashboardSite.html(page, status: status)
        if existing == nil {
            response.headers[values: .setCookie].append(
                DashboardCookies.set(DashboardCookies.signInCSRF, token, path: site.routes.prefix, secure: DashboardCookies.isSecure(request)))
        }
        return response
    }
}
