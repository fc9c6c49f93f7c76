import Hummingbird

/// `GET /metrics`: the Prometheus text exposition of the server's registry (the daemon's
/// metrics and anything route groups add).
///
/// Needs a `read` token like the rest of the data: run counts by pipeline name say what the
/// pipelines are. Prometheus sends one with `authorization: {credentials: TOKEN}` (or
/// `bearer_token_file`) in its scrape config.
public struct MetricsRoutes: BatonRoutes {
    public init() {}

    public func register(on router: Router<BatonRequestContext>, environment: ServerEnvironment) {
        let registry = environment.registry
        router.group("metrics").add(middleware: RequireRole(.read)).get { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
