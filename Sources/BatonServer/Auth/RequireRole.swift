import Hummingbird

/// Lets a request through only with an identity whose role allows `role`: none gives 401
/// (with `WWW-Authenticate: Bearer`), too weak a role gives 403.
///
/// Put on a route group: `router.group("api/v1").add(middleware: RequireRole.byMethod)`,
/// or `RequireRole(.operate)` on a group of writes.
public struct RequireRole: RouterMiddleware {
    public typealias Context = BatonRequestContext
    /// A fixed role, or nil to decide by method (see `byMethod`).
    let role: Role?

    public init(_ role: Role) {
        self.role = role
    }

    private init(byMethod: Void) {
        self.role = nil
    }

    /// Reads (`GET`, `HEAD`, `OPTIONS`) need `read`, anything else `operate`.
    public static let byMethod = RequireRole(byMethod: ())

    /// The role a request needs under this middleware.
    func required(for method: HTTPRequest.Method) -> Role {
        if let role { return role }
        return [.get, .head, .options].contains(method) ? .read : .operate
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try Self.check(context, needs: required(for: request.method))
        return try await next(request, context)
    }

    /// The check itself, for handlers that decide the role per request.
    public static func check(_ context: Context, needs role: Role) throws(ServerError) {
        guard let identity = context.identity else {
            throw ServerError.unauthorized(context.credentialsPresented
                ? "the bearer token is not valid"
                : "a bearer token is required: Authorization: Bearer TOKEN")
        }
        guard identity.allows(role) else {
            throw ServerError.forbidden("the token \"\(identity.name)\" has the role \(identity.role.rawValue); this needs \(role.rawValue)")
        }
    }
}
