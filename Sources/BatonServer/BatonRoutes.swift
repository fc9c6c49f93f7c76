import Foundation
import Hummingbird
import Logging
import Prometheus
import BatonDaemon
import BatonOperations

/// A group of routes that plugs into the server: the API, the dashboard, and the built-in
/// health, metrics and webhook groups are each one.
///
/// `register` runs once, when the server starts (after the daemon's recovery), with the
/// environment it needs; it adds routes, and middleware on its own groups, never on the
/// router itself (the server's error, body-limit and authentication middleware are already
/// there and apply to every route).
public protocol BatonRoutes: Sendable {
    func register(on router: Router<BatonRequestContext>, environment: ServerEnvironment)
}

/// What route groups get from the server.
public struct ServerEnvironment: Sendable {
    /// The running daemon: its store, the followed source, reconcile now, the mailbox.
    public let daemon: DaemonHandle
    /// The bearer-token check, for ways in other than the `Authorization` header.
    public let authenticator: TokenAuthenticator
    /// Where `/metrics` reads from; route groups may add their own metrics to it.
    public let registry: PrometheusCollectorRegistry
    public let logger: Logger
    /// The clock for webhook timestamps and readiness.
    public let now: @Sendable () -> Date
    /// Decoded pipeline versions, shared by every route group's operations.
    public let models = PipelineModels()
    /// The pipelines list's store reads, kept while the store does not change.
    public let snapshots = OverviewSnapshots()

    public init(daemon: DaemonHandle, authenticator: TokenAuthenticator, registry: PrometheusCollectorRegistry, logger: Logger,
                now: @escaping @Sendable () -> Date) {
        self.daemon = daemon
        self.authenticator = authenticator
        self.registry = registry
        self.logger = logger
        self.now = now
    }
}
