import Hummingbird

/// Wraps every dashboard route: whatever a handler throws becomes an HTML error page (not the
/// API's JSON), and every answer, error pages and the log streams included, carries the
/// security headers.
struct DashboardMiddleware: RouterMiddleware {
    typealias Context = BatonRequestContext
    let site: DashboardSite

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = site.errorResponse(error, request: request, context: context)
        }
        DashboardSecurityHeaders.apply(to: &response.headers)
        return response
    }
}
