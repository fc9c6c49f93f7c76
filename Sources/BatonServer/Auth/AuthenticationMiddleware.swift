import Hummingbird

/// Reads `Authorization: Bearer TOKEN` and puts the identity it grants on the context; it
/// rejects nothing by itself, so `/healthz`, `/readyz` and `/hooks/git` stay open and each
/// route group says what it needs with `RequireRole`.
///
/// The dashboard's session cookie can add a middleware of its own after this one that fills
/// `context.identity` the same way.
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = BatonRequestContext
    let authenticator: TokenAuthenticator

    public init(authenticator: TokenAuthenticator) {
        self.authenticator = authenticator
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            context.credentialsPresented = true
            if let token = TokenAuthenticator.bearerToken(header) {
                context.identity = authenticator.identity(forToken: token)
            }
        }
        return try await next(request, context)
    }
}
