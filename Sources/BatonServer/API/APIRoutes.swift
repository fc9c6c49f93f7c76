import BatonOperations
import Hummingbird

/// The JSON API under `/api/v1`, described by `docs/openapi.yaml` (served at
/// `/api/v1/openapi.yaml`).
///
/// Each route decodes its request, calls one `Operations` method and encodes the result
/// with `OperationJSON`, so the API answers exactly what `baton … --json` prints and holds no
/// rules of its own beyond HTTP. Reads need a `read` token, writes an `operate` one; every
/// write names the token as its actor, so the audit log says which token did it. Errors are
/// the server's one shape with the operation's stable code (`ServerError(_: OperationError)`).
public struct APIRoutes: BatonRoutes {
    public init() {}

    public func register(on router: Router<BatonRequestContext>, environment: ServerEnvironment) {
        let api = router.group("api/v1").add(middleware: RequireRole.byMethod)
        OpenAPIRoutes().register(on: api)
        StatusRoutes(environment: environment).register(on: api)
        PipelineRoutes(environment: environment).register(on: api)
        RunRoutes(environment: environment).register(on: api)
        LogRoutes(environment: environment).register(on: api)
        for (path, methods) in Self.paths { api.methodNotAllowed(RouterPath(path), allowing: methods) }
    }

    /// Every path of the API with the methods it answers (the others get 405).
    static let paths: [(String, [HTTPRequest.Method])] = [
        ("openapi.yaml", [.get]), ("status", [.get]), ("reconcile", [.post]),
        ("pipelines", [.get]), ("pipelines/:name", [.get]), ("pipelines/:name/versions", [.get]), ("pipelines/:name/audit", [.get]),
        ("pipelines/:name/trigger", [.post]), ("pipelines/:name/suspend", [.post]), ("pipelines/:name/resume", [.post]),
        ("runs", [.get]), ("runs/:id", [.get]), ("runs/:id/cancel", [.post]), ("runs/:id/retry", [.post]),
        ("runs/:id/tasks/:task/attempts/:attempt/log", [.get]),
    ]

    /// The paths under `/api/v1`, as the router spells them (`runs/:id`), for the test that
    /// holds `docs/openapi.yaml` to them.
    public static var servedPaths: [String] { paths.map(\.0) }
}

extension BatonRequestContext {
    /// Who a write is recorded as: the token's name. The group's `RequireRole` has already
    /// refused requests without an identity.
    func actor() throws(ServerError) -> OperationActor {
        guard let identity else { throw ServerError.unauthorized("a bearer token is required: Authorization: Bearer TOKEN") }
        return .token(identity.name)
    }
}
