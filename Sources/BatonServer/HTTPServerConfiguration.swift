import Foundation
import Prometheus

/// How the HTTP server is set up: `baton serve --http HOST:PORT --http-tokens FILE`, plus what
/// tests and embedders choose in code.
public struct HTTPServerConfiguration: Sendable {
    public var address: HTTPAddress
    public var tokens: TokenFile
    /// What `/metrics` renders; the daemon must write to `metrics.factory` for its metrics to
    /// show there (`DaemonConfiguration.metrics`).
    public var metrics: ServerMetrics
    public var readiness: ReadinessPolicy
    /// Route groups beyond the built-in health, metrics and webhook groups (the API, the
    /// dashboard), registered in order.
    public var routes: [any BatonRoutes]
    /// Called once the server listens, with the address it is bound to (the port chosen when
    /// the configuration asked for port 0).
    public var onListening: @Sendable (HTTPAddress) async -> Void
    /// Webhook timestamps and readiness read this clock.
    public var now: @Sendable () -> Date

    public init(address: HTTPAddress, tokens: TokenFile, metrics: ServerMetrics, readiness: ReadinessPolicy = ReadinessPolicy(),
                routes: [any BatonRoutes] = [], onListening: @escaping @Sendable (HTTPAddress) async -> Void = { _ in },
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.address = address
        self.tokens = tokens
        self.metrics = metrics
        self.readiness = readiness
        self.routes = routes
        self.onListening = onListening
        self.now = now
    }
}
