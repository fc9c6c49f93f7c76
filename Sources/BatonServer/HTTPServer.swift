import BatonDaemon
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// `baton serve --http`: the HTTP face of a running daemon, as a `Service` the daemon runs
/// beside its loops (see `DaemonCompanion`): started after crash recovery, stopped with the
/// loops at a graceful stop, before running tasks drain.
///
/// Every request passes the same middleware, outermost first: errors to one JSON shape,
/// the body limit, then the bearer token to an `Identity`. Route groups (`BatonRoutes`)
/// then say what each route needs; health and the webhook need no token, `/metrics` a
/// `read` one.
public final class HTTPServer: Service {
    let configuration: HTTPServerConfiguration
    let daemon: DaemonHandle
    private let listening = ListeningAddress()

    public init(configuration: HTTPServerConfiguration, daemon: DaemonHandle) {
        self.configuration = configuration
        self.daemon = daemon
    }

    /// What the daemon runs: `DaemonConfiguration.companions = [HTTPServer.companion(configuration)]`.
    public static func companion(_ configuration: HTTPServerConfiguration) -> DaemonCompanion {
        { daemon in HTTPServer(configuration: configuration, daemon: daemon) }
    }

    /// The address the server listens on, once it does.
    public var address: HTTPAddress? { listening.value }

    /// The router with the server's middleware and every route group, for `run` and for tests
    /// that drive it without a socket.
    func router(logger: Logger) -> Router<BatonRequestContext> {
        let router = Router(context: BatonRequestContext.self)
        let authenticator = TokenAuthenticator(tokens: configuration.tokens)
        // Middleware applies to the routes added after it, and to "no route" (404) answers.
        router.add(middleware: BackgroundReadsMiddleware(executor: .shared))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: BodyLimitMiddleware(limit: ServerLimits.maxBodyBytes))
        router.add(middleware: AuthenticationMiddleware(authenticator: authenticator))
        let environment = ServerEnvironment(
            daemon: daemon, authenticator: authenticator, registry: configuration.metrics.registry, logger: logger, now: configuration.now)
        let builtIn: [any BatonRoutes] = [HealthRoutes(policy: configuration.readiness), MetricsRoutes(), WebhookRoutes()]
        for group in builtIn + configuration.routes {
            group.register(on: router, environment: environment)
        }
        return router
    }

    public func run() async throws {
        let requested = configuration.address
        let logger = daemon.logger
        // Hummingbird's own lines ("server started", per-request debug) stay out of the
        // daemon's log; the server says where it listens itself.
        var quiet = logger
        quiet.logLevel = .warning
        let onListening = configuration.onListening
        let listening = self.listening
        let app = Application(
            router: router(logger: logger),
            configuration: .init(address: .hostname(requested.host, port: requested.port), serverName: nil),
            onServerRunning: { channel in
                let bound = HTTPAddress(host: requested.host, port: channel.localAddress?.port ?? requested.port)
                listening.value = bound
                logger.info("HTTP server listening", metadata: ["address": "\(bound)", "url": "http://\(bound)/"])
                await onListening(bound)
            },
            eventLoopGroupProvider: .shared(BackgroundExecutor.eventLoops),
            logger: quiet)
        do {
            try await app.run()
        } catch {
            if Task.isCancelled { return }
            guard address != nil else {
                throw HTTPServerError(.bindFailed, "cannot listen on \(requested): \(Self.reason(error)); choose another --http address or stop what uses it")
            }
            throw HTTPServerError(.failed, "the HTTP server on \(requested) stopped: \(error)")
        }
    }

    /// A bind error in words ("address already in use"), from NIO's `IOError` text.
    static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("Address already in use") { return "address already in use" }
        if text.contains("Cannot assign requested address") { return "not an address of this host" }
        if text.contains("Permission denied") { return "permission denied (ports below 1024 need privileges)" }
        return text
    }
}

/// The bound address, from the server's start callback to whoever asks.
final class ListeningAddress: Sendable {
    private let state = Mutex<HTTPAddress?>(nil)
    var value: HTTPAddress? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
